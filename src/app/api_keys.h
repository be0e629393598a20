#pragma once
// The backend API keys: API_KEYS from the configuration, or — when none is configured — one key
// generated on first start into DATA_DIR/api-key (mode 0600) and read back on later starts. The
// backend API never answers without a key.

#include <string>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "runtime/config.h"

namespace gatehouse::app {

struct ApiKeys {
  std::vector<std::string> keys;
  std::string generated_path;  // set when the key came from (or was written to) DATA_DIR
};

Result<ApiKeys> LoadApiKeys(const Config& config, RandomSource& random);

}  // namespace gatehouse::app
