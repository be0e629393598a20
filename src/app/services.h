#pragma once
// Services: everything a running Gatehouse is made of except its listener and its periodic
// tasks — the clock and CSPRNG, the store named by DATABASE, the revocation state and its feed,
// the keys, the verifier, sessions, users, roles, API authentication, the metrics and the router
// holding every route. App adds the HTTP server and the tasks; fuzz/http_exchange_fuzz.cc drives
// the router directly. The only code, with App, that names concrete backends.
//
//   GH_ASSIGN_OR_RETURN(std::unique_ptr<Services> services, Services::Build(config));
//   const http::Router& router = services->router;
//
// Ownership: owns every object; the handlers in `router` refer to the others, so a Services
// stays where Build put it. Thread-safety: each member's own; Build from one thread.

#include <memory>

#include "app/api_keys.h"
#include "common/clock.h"
#include "common/result.h"
#include "crypto/csprng_random.h"
#include "http/handlers/browser_support.h"
#include "http/metrics.h"
#include "http/router.h"
#include "runtime/config.h"

namespace gatehouse {
namespace store {
class Store;
}
namespace revocation {
class RevocationState;
class Feed;
}  // namespace revocation
namespace keys {
class KeyManager;
}
namespace tokens {
class TokenVerifier;
}
namespace sessions {
class StoreClaimsSource;
class SessionService;
}  // namespace sessions
namespace authz {
class AuthzService;
}
namespace identity {
class AccountTokens;
class SigninThrottle;
class UserService;
}  // namespace identity
namespace http {
class ApiAuth;
}
namespace compat {
class Apps;
}
}  // namespace gatehouse

namespace gatehouse::app {

struct Services {
  static Result<std::unique_ptr<Services>> Build(const Config& config);
  Services();
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  Config config;
  OffsetClock clock{Clock::Real()};  // the real clock, unless TEST_CLOCK moves it forward
  crypto::CsprngRandom random;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<revocation::RevocationState> revocations;
  std::unique_ptr<revocation::Feed> feed;  // the revocation state's only writer
  std::unique_ptr<keys::KeyManager> keys;
  // The SuperTokens face's apps, each with its RS256 keys ("d-<ms>" kids for the public app's,
  // in the JWKS beside the native ones); no key until an app first signs, so a server that never
  // serves the face makes no RSA key.
  std::unique_ptr<compat::Apps> face_apps;
  std::unique_ptr<tokens::TokenVerifier> verifier;
  std::unique_ptr<sessions::StoreClaimsSource> claims;
  std::unique_ptr<sessions::SessionService> sessions;
  std::unique_ptr<authz::AuthzService> authz;
  std::unique_ptr<identity::SigninThrottle> throttle;
  std::unique_ptr<identity::SigninThrottle> refresh_guard;  // unknown refresh tokens per IP
  std::unique_ptr<identity::UserService> users;
  std::unique_ptr<identity::AccountTokens> account_tokens;  // reset and verification tokens
  http::BrowserOptions browser;
  ApiKeys api_keys;
  std::unique_ptr<http::ApiAuth> auth;
  http::Metrics metrics;
  http::Router router;
};

}  // namespace gatehouse::app
