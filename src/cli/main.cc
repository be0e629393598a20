// gatehouse: the command-line entry point. `gatehouse serve` starts the server; every
// configuration key is also a flag (`--access-token-ttl 5m`), see API.md "Configuration".
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "runtime/log.h"

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
  CLI::App* users = cli.add_subcommand("users", "Manage users");
  users->require_subcommand(1);
  CLI::App* users_create = users->add_subcommand(
      "create", "Create a user (the password is prompted for, or read from stdin)");
  std::string email;
  bool admin = false;
  users_create->add_option("--email", email, "the user's email")->required();
  users_create->add_flag("--admin", admin, "grant the role gatehouse-admin (gatehouse:admin)");
  add_config_flags(users_create);
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
    if (users_create->parsed()) return cli::CreateUser(sources, email, admin);
    return 0;
  } catch (const std::exception& e) {  // main is one of the three edges
    std::cerr << "gatehouse: fatal: " << e.what() << "\n";
    return 70;
  }
}
