// libFuzzer target: the configuration file. The input is a TOML document given to LoadConfig as
// gatehouse.toml would be (toml++ parses it; each key goes through the same setters as the
// environment and the flags). A document it accepts yields durations that are never negative and
// counts within each key's bounds.
#include <string>

#include "parsers_fuzz.h"
#include "runtime/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gatehouse::fuzz::Require;
  gatehouse::ConfigSources sources{.toml_text = std::string(gatehouse::fuzz::Text(data, size))};
  if (sources.toml_text.empty()) return 0;
  auto config = gatehouse::LoadConfig(sources);
  if (!config) {
    Require(!config.error().message().empty(), "a refused file says why");
    return 0;
  }
  for (auto d : {config->access_token_ttl, config->refresh_token_ttl, config->session_absolute_ttl,
                 config->refresh_grace, config->key_rotation_interval, config->clock_leeway,
                 config->gc_interval, config->event_retention, config->signin_window}) {
    Require(d.count() >= 0, "durations are not negative");
  }
  Require(config->read_timeout.count() > 0 && config->idle_timeout.count() > 0,
          "timeouts are positive");
  Require(config->io_threads >= 0 && config->io_threads <= 256, "IO_THREADS within bounds");
  Require(config->verified_cache_entries >= 16, "VERIFIED_CACHE_ENTRIES within bounds");
  Require(config->argon2_memory_kib >= 8 && config->argon2_iterations >= 1,
          "Argon2 parameters within bounds");
  return 0;
}
