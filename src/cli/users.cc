// `gatehouse users create --email E [--admin]`: a user made through the same service as
// sign-up (password policy, Argon2id, audit), optionally holding the role that carries
// `gatehouse:admin`, so the first person can open the console. Reads the password from the
// terminal without echo, or one line from stdin when stdin is not a terminal.
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

#include "app/services.h"
#include "authz/authz_service.h"
#include "cli/commands.h"
#include "identity/user_service.h"
#include "runtime/log.h"

namespace gatehouse::cli {
namespace {

// One line, without its line ending ("\r\n" from a file written on Windows too).
std::string ReadLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string ReadPassword() {
  termios saved{};
  if (::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &saved) != 0) return ReadLine();
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::cerr << "Password: " << std::flush;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line = ReadLine();
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  std::cerr << "\n";
  return line;
}

// The role that carries gatehouse:admin: made on first use, given the permission if an
// operator's edit had taken it away.
Status EnsureAdminRole(authz::AuthzService& authz) {
  Result<store::RoleRecord> role = authz.GetRole(authz::kAdminRole);
  if (!role && role.error().code() != ErrorCode::kNotFound) return role.error();
  std::vector<std::string> permissions = role ? role->permissions : std::vector<std::string>{};
  if (std::find(permissions.begin(), permissions.end(), authz::kAdminPermission) !=
      permissions.end()) {
    return OkStatus();
  }
  permissions.emplace_back(authz::kAdminPermission);
  return authz.PutRole(authz::kAdminRole, std::move(permissions)).status();
}

}  // namespace

int CreateUser(const ConfigSources& sources, const std::string& email, bool admin) {
  std::optional<Config> config = LoadOrReport(sources);
  if (!config) return 2;
  config->log_level = "warn";  // the command's own output only
  InitLogging(config->log_format, config->log_level);
  Result<std::unique_ptr<app::Services>> services = app::Services::Build(*config);
  if (!services) {
    std::cerr << "gatehouse: cannot open the database: " << services.error().message() << "\n";
    return 1;
  }
  const std::string password = ReadPassword();
  Result<store::UserRecord> user = (*services)->users->Create(email, password, "cli");
  if (!user) {
    std::cerr << "gatehouse: cannot create the user: " << user.error().message() << "\n";
    return 1;
  }
  if (admin) {
    Status role = EnsureAdminRole(*(*services)->authz);
    Result<bool> granted =
        role ? (*services)->authz->Grant(user->id, authz::kAdminRole) : Result<bool>(role.error());
    if (!granted) {
      std::cerr << "gatehouse: user " << user->id
                << " created, but not made an admin: " << granted.error().message() << "\n";
      return 1;
    }
  }
  std::cout << "created user " << user->id << " <" << user->email << ">"
            << (admin ? " with the role " + std::string(authz::kAdminRole) + " (gatehouse:admin)"
                      : "")
            << "\n";
  return 0;
}

}  // namespace gatehouse::cli
