#pragma once
// The `gatehouse` subcommands. Each returns the process exit code.

#include <optional>
#include <string>

#include "runtime/config.h"

namespace gatehouse::cli {

inline constexpr const char* kVersion = "0.1.0";

int Serve(const ConfigSources& sources);
int Migrate(const ConfigSources& sources);
int CreateUser(const ConfigSources& sources, const std::string& email, bool admin);

// Loads the configuration and sets up logging; prints the error and returns null on failure.
std::optional<Config> LoadOrReport(const ConfigSources& sources);

}  // namespace gatehouse::cli
