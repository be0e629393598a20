#pragma once
// Logging: spdlog, configured once by the composition root as text or JSON lines.
//
// Call sites use spdlog directly (`spdlog::info("listening on {}", addr)`). Never log a secret:
// tokens, passwords, API keys and key material stay out of every message.

#include <spdlog/spdlog.h>

#include <string_view>

namespace gatehouse {

enum class LogFormat { kText, kJson };

// Installs the process-wide logger writing to stderr. `level` is a spdlog level name
// ("info", "debug", ...). Safe to call more than once (last call wins).
void InitLogging(LogFormat format, std::string_view level = "info");

}  // namespace gatehouse
