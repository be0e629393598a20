// libFuzzer target: the configuration from the environment. Each input line is KEY=VALUE,
// given as GATEHOUSE_KEY; ParseDuration is fed every value too. A duration it accepts is never
// negative.
#include <map>
#include <string>

#include "parsers_fuzz.h"
#include "runtime/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gatehouse::ConfigSources sources;
  std::string_view text = gatehouse::fuzz::Text(data, size);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view value = line.substr(eq + 1);
    sources.env["GATEHOUSE_" + std::string(line.substr(0, eq))] = std::string(value);
    const auto duration = gatehouse::ParseDuration(value);
    gatehouse::fuzz::Require(!duration || duration->count() >= 0, "durations are not negative");
  }
  (void)gatehouse::LoadConfig(sources);
  return 0;
}
