#include "common/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace gatehouse {

Status MakePrivateDirectories(const std::string& path) {
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = std::filesystem::path(path).lexically_normal();
       !p.empty() && !std::filesystem::exists(p); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return FailedPrecondition("cannot create " + it->string() + ": " + std::strerror(errno));
    }
    ::chmod(it->c_str(), 0700);  // whatever the umask
  }
  return OkStatus();
}

Status MakePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return FailedPrecondition("cannot create " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool ok = ::fstat(fd, &st) == 0;
  if (ok && (st.st_mode & 077) != 0) ::fchmod(fd, st.st_mode & 0700);
  ::close(fd);
  return OkStatus();
}

}  // namespace gatehouse
