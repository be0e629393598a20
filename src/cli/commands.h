#pragma once
// The `gatehouse` subcommands. Each returns the process exit code.

#include "common/config.h"

namespace gatehouse::cli {

inline constexpr const char* kVersion = "0.1.0";

int Serve(const ConfigSources& sources);
int Migrate(const ConfigSources& sources);

}  // namespace gatehouse::cli
