#pragma once
// Logging: spdlog, configured once by the composition root as text or JSON lines.
//
// Call sites use spdlog directly (`spdlog::info("listening on {}", addr)`). Never log a secret:
// tokens, passwords, API keys and key material stay out of every message.

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace gatehouse {

enum class LogFormat { kText, kJson };

// Installs the process-wide logger writing to stderr. `level` is a spdlog level name
// ("info", "debug", ...). Safe to call more than once (last call wins).
void InitLogging(LogFormat format, std::string_view level = "info");
// The formatter InitLogging installs (exposed for its tests). Both formats keep one record on
// one line whatever the message holds.
std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format);

}  // namespace gatehouse
