#pragma once
// ServerProcess: the real `gatehouse serve` binary started for a test on 127.0.0.1:0 with a fresh
// temporary DATA_DIR (SQLite file, master key, API key). Stopped with SIGTERM by the destructor.
//
//   ServerProcess server({{"ACCESS_TOKEN_TTL", "2s"}});
//   HttpClient client(server.port());
//   client.Send("GET", "/healthz");

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace gatehouse::testing {

class ServerProcess {
 public:
  // `settings`: configuration keys (e.g. {"REFRESH_GRACE", "0s"}) passed as flags.
  explicit ServerProcess(std::map<std::string, std::string> settings = {},
                         std::string data_dir = "");
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& api_key() const { return api_key_; }
  const std::string& data_dir() const { return data_dir_; }
  // "Authorization: Bearer <key>" as a header pair.
  std::vector<std::pair<std::string, std::string>> Auth() const {
    return {{"Authorization", "Bearer " + api_key_}};
  }
  // Stops the process (SIGTERM) and waits; returns its exit status.
  int Stop();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool own_dir_ = false;
  std::string data_dir_;
  std::string api_key_;
};

// The path of the gatehouse binary under test (GATEHOUSE_BIN, set by CMake).
std::string GatehouseBinary();

}  // namespace gatehouse::testing
