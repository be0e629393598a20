#pragma once
// ServerProcess: the real `gatehouse serve` binary started for a test on 127.0.0.1:0 with a fresh
// temporary DATA_DIR (SQLite file — or a PostgreSQL database, see PostgresBackend —, master key,
// API key). Stopped with SIGTERM by the destructor.
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
// True when servers run on PostgreSQL (GATEHOUSE_TEST_BACKEND=postgres, inside
// scripts/with-postgres): each data directory gets a database of its own there.
bool PostgresBackend();
// The data directory's own database on the test server, made at first use and kept in the
// directory, so a server started again on the same directory finds its data.
std::string PostgresUrlFor(const std::string& data_dir);

}  // namespace gatehouse::testing
