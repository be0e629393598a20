#include "runtime/log.h"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <ctime>

namespace gatehouse {
namespace {

void AppendJsonEscaped(std::string_view s, spdlog::memory_buf_t& out) {
  for (const char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
}

// A text line cannot be split or forged by what a message carries: control characters (a
// newline in a user's input, say) are written as \n, \r, \t or \xHH.
void AppendTextEscaped(std::string_view s, spdlog::memory_buf_t& out) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out.append(std::string_view("\\n"));
    } else if (c == '\r') {
      out.append(std::string_view("\\r"));
    } else if (c == '\t') {
      out.append(std::string_view("\\t"));
    } else if (u < 0x20 || u == 0x7f) {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(u));
    } else {
      out.push_back(c);
    }
  }
}

// `<utc time> <level> <message>` or the JSON line {"ts":"…","level":"info","msg":"…"}.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    const bool json = format_ == LogFormat::kJson;
    if (json) dest.append(std::string_view(R"({"ts":")"));
    fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   ms % 1000);
    dest.append(json ? std::string_view(R"(","level":")") : std::string_view(" "));
    const auto level = spdlog::level::to_string_view(msg.level);
    dest.append(level.data(), level.data() + level.size());
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (json) {
      dest.append(std::string_view(R"(","msg":")"));
      AppendJsonEscaped(payload, dest);
      dest.append(std::string_view("\"}\n"));
    } else {
      dest.push_back(' ');
      AppendTextEscaped(payload, dest);
      dest.push_back('\n');
    }
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  const LogFormat format_;
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format) {
  return std::make_unique<LineFormatter>(format);
}

void InitLogging(LogFormat format, std::string_view level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_formatter(MakeLogFormatter(format));
  auto logger = std::make_shared<spdlog::logger>("gatehouse", sink);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace gatehouse
