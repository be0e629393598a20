#include "app/app.h"

#include <iostream>

#include "app/store_factory.h"
#include "common/clock.h"
#include "common/log.h"
#include "common/periodic_task.h"
#include "crypto/csprng_random.h"
#include "http/handlers/ops.h"
#include "http/server.h"
#include "keys/key_manager.h"
#include "keys/master_key.h"
#include "tokens/token_verifier.h"

namespace gatehouse::app {

struct App::Parts {
  Config config;
  Clock& clock = Clock::Real();
  crypto::CsprngRandom random;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<keys::KeyManager> keys;
  std::unique_ptr<tokens::TokenVerifier> verifier;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<PeriodicTask> key_rotation;
};

namespace {

// The longest an access token can live: TTL plus its jitter, plus the verifier's leeway.
Millis MaxAccessTokenLifetime(const Config& c) {
  const auto jitter = Millis(static_cast<std::int64_t>(
      static_cast<double>(c.access_token_ttl.count()) * c.access_token_jitter));
  return c.access_token_ttl + jitter + c.clock_leeway;
}

}  // namespace

Result<std::unique_ptr<App>> App::Create(const Config& config) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  GH_ASSIGN_OR_RETURN(parts->store, OpenStore(config.DatabaseUrl()));
  GH_ASSIGN_OR_RETURN(std::string master_key,
                      keys::LoadOrCreateMasterKey(config.MasterKeyPath(), parts->random));
  GH_ASSIGN_OR_RETURN(crypto::SignatureAlg alg, crypto::ParseAlg(config.signing_alg));
  parts->keys = std::make_unique<keys::KeyManager>(
      *parts->store, std::move(master_key),
      tokens::KeyRing::Options{.alg = alg,
                               .rotation_interval = config.key_rotation_interval,
                               .verify_window = MaxAccessTokenLifetime(config)},
      parts->clock, parts->random);
  GH_RETURN_IF_ERROR(parts->keys->Load());

  keys::KeyManager* key_manager = parts->keys.get();
  parts->verifier = std::make_unique<tokens::TokenVerifier>(
      [key_manager] { return key_manager->Ring(); },
      tokens::VerifierOptions{.issuer = config.issuer, .leeway = config.clock_leeway});
  tokens::TokenVerifier* verifier = parts->verifier.get();
  parts->keys->SetListener([verifier](const std::vector<std::string>& revoked) {
    if (!revoked.empty()) verifier->OnKeysChanged();
  });

  Clock& clock = parts->clock;
  store::Store* store = parts->store.get();
  http::AddOpsRoutes(parts->router,
                     {.jwks_json = [key_manager, &clock] {
                        return key_manager->Ring()->JwksJson(clock.Now());
                      },
                      .store_ping = [store] { return store->Ping(); }});

  parts->server = std::make_unique<http::Server>(
      http::ServerOptions{.listen = config.listen,
                          .io_threads = config.io_threads,
                          .worker_threads = config.worker_threads},
      parts->router);
  return std::unique_ptr<App>(new App(std::move(parts)));  // NOLINT: private constructor
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Status App::Start() {
  GH_RETURN_IF_ERROR(parts_->server->Start());
  keys::KeyManager* key_manager = parts_->keys.get();
  parts_->key_rotation =
      std::make_unique<PeriodicTask>("key-rotation", std::chrono::minutes(1), [key_manager] {
        if (Status s = key_manager->RotateIfDue(); !s) {
          spdlog::error("key rotation failed: {}", s.error().message());
        }
      });
  std::string host = parts_->config.listen.substr(0, parts_->config.listen.rfind(':'));
  if (host.empty()) host = "0.0.0.0";
  std::cout << "gatehouse listening on http://" << host << ":" << port() << std::endl;
  return OkStatus();
}

void App::Run() {
  parts_->server->Run(/*handle_signals=*/true);
  parts_->key_rotation.reset();
  spdlog::info("gatehouse stopped");
}

void App::Stop() { parts_->server->Stop(); }

std::uint16_t App::port() const { return parts_->server->port(); }

}  // namespace gatehouse::app
