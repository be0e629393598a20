#include "app/app.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "app/services.h"
#include "authz/authz_service.h"
#include "compat/apps.h"
#include "http/server/server.h"
#include "identity/signin_throttle.h"
#include "keys/key_manager.h"
#include "revocation/feed/feed.h"
#include "runtime/periodic_task.h"
#include "sessions/session_service.h"
#include "store/store.h"

namespace gatehouse::app {

struct App::Parts {
  std::unique_ptr<Services> services;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<PeriodicTask> key_rotation;
  std::unique_ptr<PeriodicTask> key_sync;
  std::unique_ptr<PeriodicTask> collector;
};

namespace {

void AddTlsMetrics(App::Parts& p) {
  // The server is built after the metrics; these are read only while it serves.
  http::Metrics& metrics = p.services->metrics;
  metrics.AddCounter({"tls_certificate_reloads_total", "TLS certificate reloads (SIGHUP).",
                      [&p] { return static_cast<double>(p.server->tls_reloads()); }});
  metrics.AddCounter(
      {"tls_certificate_reload_failures_total",
       "TLS certificate reloads that failed (the previous certificate stays in use).",
       [&p] { return static_cast<double>(p.server->tls_reload_failures()); }});
}

}  // namespace

Result<std::unique_ptr<App>> App::Create(const Config& config) {
  auto parts = std::make_unique<Parts>();
  GH_ASSIGN_OR_RETURN(parts->services, Services::Build(config));
  Services& s = *parts->services;
  if (!config.tls_cert_file.empty()) AddTlsMetrics(*parts);
  http::Metrics* metrics = &s.metrics;
  http::ServerOptions options{
      .listen = config.listen,
      .io_threads = config.io_threads,
      .worker_threads = config.worker_threads,
      .read_timeout = config.read_timeout,
      .idle_timeout = config.idle_timeout,
      .max_connections = static_cast<std::size_t>(config.max_connections),
      .max_connections_per_address = static_cast<std::size_t>(config.max_connections_per_address),
      .unlimited_peer = [proxies = s.browser.trusted_proxies](
                            std::string_view ip) { return http::IsTrusted(ip, proxies); },
      .tls_cert_file = config.tls_cert_file,
      .tls_key_file = config.tls_key_file,
      .handle_signals = true,
      .on_response =
          [metrics](const http::Request& req, int status, std::chrono::nanoseconds elapsed) {
            metrics->Record(req.route, status, elapsed);
          },
      .clock = &s.clock};
  if (!config.tls_cert_file.empty()) {
    // Serving HTTPS itself, Gatehouse tells browsers to use nothing else for this host.
    options.default_headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  }
  parts->server = std::make_unique<http::Server>(std::move(options), s.router);
  return std::unique_ptr<App>(new App(std::move(parts)));  // NOLINT: private constructor
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() = default;

Status App::Start() {
  GH_RETURN_IF_ERROR(parts_->server->Start());
  Services& s = *parts_->services;
  keys::KeyManager* key_manager = s.keys.get();
  const compat::Apps* apps = s.face_apps.get();
  parts_->key_rotation =
      std::make_unique<PeriodicTask>("key-rotation", std::chrono::minutes(1), [key_manager, apps] {
        if (Status rotated = key_manager->RotateIfDue(); !rotated) {
          spdlog::error("key rotation failed: {}", rotated.error().message());
        }
        // The face's apps that have a key (made when an app first signs).
        apps->ForEachKeys([](keys::KeyManager& keys) {
          if (keys.Ring()->keys().empty()) return;
          if (Status rotated = keys.RotateIfDue(); !rotated) {
            spdlog::error("key rotation (SuperTokens keys) failed: {}", rotated.error().message());
          }
        });
      });
  if (s.config.SharedDatabase()) {
    // Other instances rotate and prune keys too: every instance reads them again each second,
    // so a new key verifies everywhere (an unknown kid also loads at once) and a retired one
    // stops signing everywhere.
    parts_->key_sync =
        std::make_unique<PeriodicTask>("key-sync", std::chrono::seconds(1), [key_manager, apps] {
          auto reload = [](keys::KeyManager& manager) {
            if (Status r = manager.Reload(); !r) spdlog::warn("key sync: {}", r.error().message());
          };
          reload(*key_manager);
          apps->ForEachKeys(reload);
        });
  }
  sessions::SessionService* sessions = s.sessions.get();
  store::Store* store = s.store.get();
  revocation::Feed* feed = s.feed.get();
  Clock* clock = &s.clock;
  const Millis event_retention = s.config.event_retention;
  parts_->collector = std::make_unique<PeriodicTask>(
      "collector", s.config.gc_interval,
      [sessions, store, feed, clock, event_retention,
       throttles =
           std::vector<identity::SigninThrottle*>{s.throttle.get(), s.refresh_guard.get()}] {
        // One instant for both: an entry ages out of the state no later than its event leaves the
        // log, so a snapshot never holds what a reader of the log could no longer see.
        const SystemTime now = clock->Now();
        feed->Prune(now);
        for (identity::SigninThrottle* throttle : throttles) {
          if (Status p = throttle->Prune(); !p) spdlog::error("collector: {}", p.error().message());
        }
        const std::int64_t horizon = ToUnixMillis(now) - event_retention.count();
        if (Result<int> pruned = store->PruneEvents(horizon, 5000); !pruned) {
          spdlog::error("collector: {}", pruned.error().message());
        }
        // Bounded batches, repeated while there is work, so one pass never holds the writer long.
        for (int i = 0; i < 100; ++i) {
          Result<int> n = sessions->CollectGarbage(500);
          if (!n) {
            spdlog::error("collector: {}", n.error().message());
            return;
          }
          if (*n < 500) return;
        }
      });
  std::string host = s.config.listen.substr(0, s.config.listen.rfind(':'));
  if (host.empty()) host = "0.0.0.0";
  if (!s.api_keys.generated_path.empty()) {
    std::cout << "gatehouse API key in " << s.api_keys.generated_path << std::endl;
  }
  const char* scheme = parts_->server->tls() ? "https" : "http";
  const std::string url = std::string(scheme) + "://" + host + ":" + std::to_string(port());
  std::cout << "gatehouse pages at " << url << "/ (console: " << url << "/admin)" << std::endl;
  Result<std::vector<std::string>> admins = s.authz->RoleUsers(authz::kAdminRole);
  if (admins ? admins->empty() : admins.error().code() == ErrorCode::kNotFound) {
    std::cout << "gatehouse has no console admin yet: stop it and run\n"
                 "  gatehouse users create --email you@example.com --admin"
              << std::endl;
  }
  // The last line: scripts and tests wait for it (and may stop reading stdout after it).
  std::cout << "gatehouse listening on " << url << std::endl;
  return OkStatus();
}

void App::Run() {
  parts_->server->Run();
  parts_->collector.reset();
  parts_->key_sync.reset();
  parts_->key_rotation.reset();
  spdlog::info("gatehouse stopped");
}

void App::Stop() { parts_->server->Stop(); }

std::uint16_t App::port() const { return parts_->server->port(); }

const http::Router& App::router() const { return parts_->services->router; }

}  // namespace gatehouse::app
