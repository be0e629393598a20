// gatehouse: the command-line entry point. `gatehouse serve` starts the server; every
// configuration key is also a flag (`--access-token-ttl 5m`), see API.md "Configuration".
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace gatehouse;  // NOLINT(google-build-using-namespace): main only
  CLI::App cli{"Gatehouse: sessions and authorization with immediate revocation"};
  cli.require_subcommand(1);

  std::string config_file;
  std::map<std::string, std::string> flags;
  auto add_config_flags = [&](CLI::App* sub) {
    sub->add_option("--config", config_file, "TOML configuration file")
        ->envname("GATEHOUSE_CONFIG");
    for (const std::string& key : ConfigKeyNames()) {
      std::string flag = key;
      for (char& c : flag) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
      sub->add_option_function<std::string>(
          "--" + flag, [&flags, key](const std::string& v) { flags[key] = v; },
          "see API.md: " + key);
    }
  };

  CLI::App* serve = cli.add_subcommand("serve", "Start the HTTP server");
  add_config_flags(serve);
  CLI::App* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
  add_config_flags(migrate);
  cli.add_subcommand("version", "Print the version")->callback([] {
    std::cout << "gatehouse " << cli::kVersion << "\n";
  });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  try {
    const ConfigSources sources{
        .toml_path = config_file, .env = EnvironmentFromProcess(), .flags = flags};
    if (serve->parsed()) return cli::Serve(sources);
    if (migrate->parsed()) return cli::Migrate(sources);
    return 0;
  } catch (const std::exception& e) {  // main is one of the three edges
    std::cerr << "gatehouse: fatal: " << e.what() << "\n";
    return 70;
  }
}
