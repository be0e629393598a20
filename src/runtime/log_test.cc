#include "runtime/log.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse {
namespace {

std::string Format(LogFormat format, std::string_view message) {
  const spdlog::details::log_msg msg(spdlog::source_loc{}, "gatehouse", spdlog::level::warn,
                                     message);
  spdlog::memory_buf_t out;
  MakeLogFormatter(format)->format(msg, out);
  return fmt::to_string(out);
}

// A newline in something a user chose (hardening issue, item 10) cannot start a forged line.
TEST(Log, TextLinesEscapeControlCharacters) {
  const std::string line =
      Format(LogFormat::kText, "user a\n2026-01-01T00:00:00.000Z info admin signed in\r\x01\x7f");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_NE(
      line.find(" warning user a\\n2026-01-01T00:00:00.000Z info admin signed in\\r\\x01\\x7f"),
      std::string::npos)
      << line;
}

TEST(Log, JsonLinesEscapeControlCharacters) {
  const std::string line = Format(LogFormat::kJson, "a\n\"b\"");
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find(R"("level":"warning","msg":"a\n\"b\""})"), std::string::npos) << line;
}

}  // namespace
}  // namespace gatehouse
