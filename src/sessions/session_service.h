#pragma once
// SessionService: create, verify, refresh, get, update, list and revoke sessions (DESIGN.md
// items 1-6). The HTTP handlers (and later the SuperTokens adapter) are thin faces over it.
//
// Every change is one store transaction that also appends its feed events and audit entry. The
// service never writes the revocation state: the store hands each commit's events to the feed,
// which applies them before the Write returns, so in one instance a revoke that has returned is
// seen by the very next `local` verify (DESIGN.md items 6 and 9). The service only reads the
// state, in Verify.
// Tokens: a refresh token is 32 random bytes (base64url), stored only as its SHA-256; a session
// handle is 16 random bytes (base64url).
//
// Ownership: borrows everything it is given (all must outlive it).
// Thread-safety: all methods are safe to call concurrently. Methods that touch the store block:
// call them from worker threads. Verify in `stateless`/`local` mode never touches the store.

#include <boost/json/object.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "revocation/feed/feed.h"
#include "revocation/revocation_state.h"
#include "sessions/claims_source.h"
#include "sessions/session_policy.h"
#include "store/store.h"
#include "tokens/key_ring.h"
#include "tokens/token_verifier.h"

namespace gatehouse::sessions {

enum class VerifyMode { kStateless, kLocal, kStrict };

// Bumps the user's claims version inside `tx` and appends its claims_changed event; returns the
// new version.
Result<std::int64_t> BumpClaims(store::Tx& tx, std::string_view user_id, SystemTime at);

// A user id any route can address and any header or log line can carry: 1 to 256 bytes, no
// control characters. kInvalidArgument otherwise.
Status CheckUserId(std::string_view user_id);

struct Device {
  std::string user_agent;
  std::string ip;
};

// A face's layout of the access token (DESIGN.md "compat": the claims codec). Given what the
// native token would say, it signs a token of its own and says when that expires.
struct TokenRequest {
  const store::SessionRecord& session;
  const UserClaims& claims;
  const boost::json::object& payload;  // the session's access payload
  SystemTime issued_at;
  SystemTime expires_at;           // the native expiry (never past the session's absolute lifetime)
  std::string_view refresh_token;  // issued together with this access token
  std::string_view parent_refresh_hash;  // SHA-256 of the token it was refreshed from, or empty
};
struct LaidOutToken {
  std::string token;
  SystemTime expires_at;
};
using TokenLayout = std::function<Result<LaidOutToken>(const TokenRequest&)>;

struct CreateParams {
  std::string user_id;
  boost::json::object access_payload;
  boost::json::object session_data;
  Device device;
  // Written in the session's own transaction (its session_handle filled in), e.g. the
  // signin_succeeded entry, so a sign-in costs one durable write, not two.
  std::optional<store::AuditRecord> audit;
  // The password hash a sign-in verified: the session is created only if the account still
  // has it, checked in the session's own transaction, so a password change, reset or deletion
  // that commits while the sign-in hashed makes it fail (kUnauthenticated) instead of leaving a
  // session the change did not end.
  std::optional<std::string> credential;
  // Empty: the native layout, whose reserved claims the payload may not use. Else the face's,
  // which checks the payload against its own.
  TokenLayout layout;
};

// A session with the tokens just issued for it.
struct IssuedSession {
  store::SessionRecord session;
  std::vector<std::string> roles;  // what the access token says (for X-Gatehouse-Front)
  std::string access_token;
  std::int64_t access_expires_at_ms = 0;
  std::string refresh_token;
  std::int64_t refresh_expires_at_ms = 0;
};

// Merge patches for PATCH (null deletes a key). Absent: unchanged.
struct SessionPatch {
  std::optional<boost::json::object> session_data;
  std::optional<boost::json::object> access_payload;
  // The objects replace the stored ones whole (a face's "set"), instead of merging into them.
  bool replace = false;
  // The payload is laid out by a face's TokenLayout, which checked it against its own reserved
  // claims (the native ones, e.g. `iss`, are then allowed).
  bool face_claims = false;
};

class SessionService {
 public:
  using RingSource = std::function<std::shared_ptr<const tokens::KeyRing>()>;

  struct Deps {
    store::Store& store;
    RingSource ring;
    tokens::TokenVerifier& verifier;
    const revocation::RevocationState& revocations;  // read only: the feed writes it
    // The feed that writes it: `local` verification refuses (503) while it has not heard from
    // the store within the policy's feed_staleness_bound. Null: never refuses (unit tests).
    const revocation::Feed* feed = nullptr;
    // Where instances share the store: given a token whose verification failed, loads its kid if
    // another instance made that key moments ago; true when it did (the verify runs again).
    std::function<bool(std::string_view access_token)> load_unknown_key;
    ClaimsSource& claims;
    Clock& clock;
    RandomSource& random;
    std::string issuer;
  };

  SessionService(Deps deps, SessionPolicy policy);

  Result<IssuedSession> Create(const CreateParams& params);
  Result<std::shared_ptr<const tokens::AccessClaims>> Verify(std::string_view access_token,
                                                             VerifyMode mode);
  // A face's refresh: its layout (the new access token names the presented refresh token as its
  // parent), and the sessions it may refresh (`owns`, given the session's user id; another's
  // token is unknown to it: kUnauthenticated, nothing rotated).
  struct FaceRefresh {
    TokenLayout layout;
    std::function<bool(std::string_view user_id)> owns;
  };
  Result<IssuedSession> Refresh(std::string_view refresh_token, const FaceRefresh& face = {});
  // DESIGN.md item 3's promotion by an access token issued together with a pending child: makes
  // `child_hash` (a refresh token's SHA-256) the session's committed token when it is a pending
  // child of the committed one. Returns the session when that child is (now) committed, nullopt
  // when it is not a child to promote; kNotFound when the session has ended.
  Result<std::optional<store::SessionRecord>> PromoteChild(std::string_view handle,
                                                           std::string_view child_hash);
  // Sign-out: ends the session a genuine access token of ours names, whatever state the token
  // is in (expired, outdated claims): ASVS 3.3.1. Returns the token's claims and whether this
  // call ended the session; kUnauthenticated for a token that is not ours.
  struct SignedOut {
    std::shared_ptr<const tokens::AccessClaims> claims;
    bool ended = false;
  };
  Result<SignedOut> SignOut(std::string_view access_token);
  // A live session; kNotFound when unknown or ended (revoked or expired).
  Result<store::SessionRecord> Get(std::string_view handle);
  // True when this call ended the session; false when it had already ended. kNotFound if unknown.
  Result<bool> Revoke(std::string_view handle, std::string_view reason = "revoked");
  Result<store::SessionRecord> Update(std::string_view handle, const SessionPatch& patch);
  Result<std::vector<store::SessionRecord>> ListLive(std::string_view user_id);
  // Revokes every live session of the user except `except`; returns how many. `with`, if set,
  // runs first in the same transaction (a password change, a user deletion), so the change and
  // the revocation commit together or not at all.
  Result<int> RevokeAll(std::string_view user_id, const std::optional<std::string>& except,
                        std::string_view reason = "revoked_all",
                        const std::function<Status(store::Tx&)>& with = nullptr);
  // Bans a user id: every live session ends at once (one user_banned event), and create,
  // refresh and sign-in are refused until Unban. Returns the sessions ended.
  Result<int> Ban(std::string_view user_id, std::string_view reason);
  // True when a ban was lifted. Ended sessions stay ended.
  Result<bool> Unban(std::string_view user_id);

  // Merges `patch` into the access payload of every live session of the user.
  Result<int> PatchUserAccessPayload(std::string_view user_id, const boost::json::object& patch);

  // Deletes up to `batch` dead sessions and their tokens; returns how many.
  Result<int> CollectGarbage(int batch);

  const SessionPolicy& policy() const { return policy_; }

  // Metrics counters.
  struct Counters {
    std::atomic<std::uint64_t> created{0}, refreshed{0}, revoked{0}, theft{0};
  };
  const Counters& counters() const { return counters_; }

 private:
  Result<IssuedSession> Issue(const store::SessionRecord& session, const UserClaims& claims,
                              std::string refresh_token, std::string_view parent_refresh_hash = {},
                              const TokenLayout& layout = {});
  std::string NewSecret(std::size_t bytes);
  // What EndUserSessions did: the sessions live at `now` that it ended, and the handles the
  // event must name (those that may have an unexpired access token).
  struct EndedSessions {
    int live = 0;
    std::vector<std::string> named;
  };
  // EndUserSessions plus its user_sessions_revoked events and audit entry, inside `tx`.
  Result<EndedSessions> RevokeAllIn(store::Tx& tx, std::string_view user_id,
                                    const std::optional<std::string>& except,
                                    std::string_view reason, std::int64_t now);
  // Ends every session of the user but `except` inside `tx` (no event written).
  Result<EndedSessions> EndUserSessions(store::Tx& tx, std::string_view user_id,
                                        const std::optional<std::string>& except,
                                        std::string_view reason, std::int64_t now);
  SystemTime AccessExpiry(SystemTime now);

  store::Store& store_;
  RingSource ring_;
  tokens::TokenVerifier& verifier_;
  const revocation::RevocationState& revocations_;
  const revocation::Feed* feed_;
  std::function<bool(std::string_view access_token)> load_unknown_key_;
  ClaimsSource& claims_;
  Clock& clock_;
  RandomSource& random_;
  const std::string issuer_;
  const SessionPolicy policy_;
  Counters counters_;
};

}  // namespace gatehouse::sessions
