#include "keys/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/private_files.h"
#include "crypto/base64url.h"
#include "runtime/log.h"

namespace gatehouse::keys {
namespace {

Result<std::string> ReadKey(const std::string& path) {
  std::ifstream in(path);
  if (!in) return FailedPrecondition("cannot read master key file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string encoded = text.str();
  while (!encoded.empty() && (encoded.back() == '\n' || encoded.back() == '\r')) {
    encoded.pop_back();
  }
  Result<std::string> key = crypto::Base64UrlDecode(encoded);
  if (!key || key->size() != kMasterKeySize) {
    return FailedPrecondition("master key file " + path + " does not hold a 32-byte base64url key");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    spdlog::warn("master key file {} is readable by group or others; chmod 600 it", path);
  }
  return key;
}

}  // namespace

Result<std::string> LoadOrCreateMasterKey(const std::string& path, RandomSource& random) {
  if (std::filesystem::exists(path)) return ReadKey(path);

  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) GH_RETURN_IF_ERROR(MakePrivateDirectories(parent.string()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return ReadKey(path);  // another process won the race
    return FailedPrecondition("cannot create master key file " + path + ": " +
                              std::strerror(errno));
  }
  const std::string text = crypto::Base64UrlEncode(random.Bytes(kMasterKeySize)) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(path, ec);
    return FailedPrecondition("cannot write master key file " + path);
  }
  spdlog::info("created master key file {}", path);
  return ReadKey(path);
}

}  // namespace gatehouse::keys
