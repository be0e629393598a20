#include <csignal>
#include <iostream>

#include "app/app.h"
#include "app/store_factory.h"
#include "cli/commands.h"
#include "runtime/log.h"

namespace gatehouse::cli {

std::optional<Config> LoadOrReport(const ConfigSources& sources) {
  Result<Config> config = LoadConfig(sources);
  if (!config) {
    std::cerr << "gatehouse: configuration error: " << config.error().message() << "\n";
    return std::nullopt;
  }
  InitLogging(config->log_format, config->log_level);
  return std::move(config).value();
}

int Serve(const ConfigSources& sources) {
  // A closed stdout or stderr (a supervisor that stopped reading) must not kill the server;
  // sockets never raise SIGPIPE (Asio sends with MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  std::optional<Config> config = LoadOrReport(sources);
  if (!config) return 2;
  Result<std::unique_ptr<app::App>> app = app::App::Create(*config);
  if (!app) {
    std::cerr << "gatehouse: cannot start: " << app.error().message() << "\n";
    return 1;
  }
  if (Status s = (*app)->Start(); !s) {
    std::cerr << "gatehouse: cannot start: " << s.error().message() << "\n";
    return 1;
  }
  (*app)->Run();
  return 0;
}

int Migrate(const ConfigSources& sources) {
  std::optional<Config> config = LoadOrReport(sources);
  if (!config) return 2;
  Result<std::unique_ptr<store::Store>> store = app::OpenStore(config->DatabaseUrl());
  if (!store) {
    std::cerr << "gatehouse: migrate failed: " << store.error().message() << "\n";
    return 1;
  }
  std::cout << "gatehouse: database at " << config->DatabaseUrlRedacted() << " is up to date\n";
  return 0;
}

}  // namespace gatehouse::cli
