#include "tests/support/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "store/postgres/test_database.h"

namespace gatehouse::testing {

std::string GatehouseBinary() {
  const char* bin = std::getenv("GATEHOUSE_BIN");
  return bin != nullptr ? bin : "gatehouse";
}

namespace {

std::string NewTempDir() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() /
             ("gh-it-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace

std::string PostgresUrlFor(const std::string& data_dir) {
  const std::string file = data_dir + "/test-postgres-url";
  std::ifstream in(file);
  std::string url;
  if (std::getline(in, url) && !url.empty()) return url;
  const std::optional<std::string> server = store::TestPostgresUrl();
  if (!server)
    throw std::runtime_error("GATEHOUSE_TEST_BACKEND=postgres needs scripts/with-postgres");
  Result<std::string> fresh = store::FreshTestDatabase(*server);
  if (!fresh) throw std::runtime_error(fresh.error().message());
  std::ofstream(file) << *fresh << "\n";
  return *fresh;
}

bool PostgresBackend() {
  const char* backend = std::getenv("GATEHOUSE_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

ServerProcess::ServerProcess(std::map<std::string, std::string> settings, std::string data_dir)
    : own_dir_(data_dir.empty()), data_dir_(own_dir_ ? NewTempDir() : std::move(data_dir)) {
  settings.emplace("LISTEN", "127.0.0.1:0");
  settings.emplace("DATA_DIR", data_dir_);
  settings.emplace("LOG_LEVEL", "warn");
  settings.emplace("IO_THREADS", "2");
  if (PostgresBackend() && !settings.contains("DATABASE")) {
    settings.emplace("DATABASE", PostgresUrlFor(data_dir_));
  }
  std::vector<std::string> args = {GatehouseBinary(), "serve"};
  for (const auto& [key, value] : settings) {
    std::string flag = "--";
    for (char c : key) flag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
    args.push_back(flag);
    args.push_back(value);
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive a crashed or killed test
    ::dup2(out[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  const std::string marker = "gatehouse listening on ";  // then http:// or https://
  while (text.find(marker) == std::string::npos ||
         text.find('\n', text.find(marker)) == std::string::npos) {
    pollfd p{.fd = out[0], .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, 60'000) <= 0) break;
    char buf[512];
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  const auto at = text.find(marker);
  if (at == std::string::npos) {
    Stop();
    throw std::runtime_error("gatehouse did not start: " + text);
  }
  const std::size_t line_end = text.find('\n', at);
  port_ = std::atoi(text.c_str() + text.rfind(':', line_end) + 1);  // host:port, any host
  std::ifstream key_file(data_dir_ + "/api-key");
  std::getline(key_file, api_key_);
  if (auto it = settings.find("API_KEYS"); it != settings.end()) {
    api_key_ = it->second.substr(0, it->second.find(','));
  }
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

ServerProcess::~ServerProcess() {
  Stop();
  if (own_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

}  // namespace gatehouse::testing
