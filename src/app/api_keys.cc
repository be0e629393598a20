#include "app/api_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/private_files.h"
#include "crypto/base64url.h"

namespace gatehouse::app {

Result<ApiKeys> LoadApiKeys(const Config& config, RandomSource& random) {
  if (!config.api_keys.empty()) return ApiKeys{.keys = config.api_keys};
  const std::string path = config.data_dir + "/api-key";
  GH_RETURN_IF_ERROR(MakePrivateDirectories(config.data_dir));
  if (!std::filesystem::exists(path)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const std::string key = "gh_" + crypto::Base64UrlEncode(random.Bytes(32)) + "\n";
      const bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
      ::close(fd);
      if (!ok) return FailedPrecondition("cannot write " + path);
    }
  }
  std::ifstream in(path);
  std::string key;
  std::getline(in, key);
  if (key.size() < 16) return FailedPrecondition(path + " does not hold an API key");
  return ApiKeys{.keys = {key}, .generated_path = path};
}

}  // namespace gatehouse::app
