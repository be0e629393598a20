// examples/nginx/gatehouse.conf against real nginx: a protected location passes for a signed-in
// user (the upstream receives X-Gatehouse-User / -Session / -Roles) and answers 401 once the
// session is revoked.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
  }
}

class Nginx {
 public:
  Nginx(int gatehouse_port, const std::string& prefix) : port_(FreePort()) {
    std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/examples/nginx/gatehouse.conf");
    std::stringstream text;
    text << in.rdbuf();
    std::string conf = text.str();
    Replace(conf, "@PREFIX@", prefix);
    Replace(conf, "@GATEHOUSE_PORT@", std::to_string(gatehouse_port));
    Replace(conf, "@LISTEN_PORT@", std::to_string(port_));
    std::ofstream(prefix + "/nginx.conf") << conf;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      const std::string conf_path = prefix + "/nginx.conf";
      ::execl("/usr/sbin/nginx", "nginx", "-p", prefix.c_str(), "-c", conf_path.c_str(), "-g",
              "daemon off;", nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 100; ++i) {  // wait until nginx listens
      HttpClient probe(port_);
      if (probe.Send("GET", "/nothing").status != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~Nginx() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST(NginxForwardAuth, ProtectsALocationAndFollowsRevocation) {
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/nginx")) << "scripts/install-deps installs nginx";
  ServerProcess server;
  const auto prefix =
      std::filesystem::temp_directory_path() / ("gh-nginx-" + std::to_string(::getpid()));
  std::filesystem::create_directories(prefix);
  Nginx nginx(server.port(), prefix.string());

  HttpClient admin(server.port());
  ASSERT_EQ(admin.Send("PUT", "/v1/roles/reader", R"({"permissions":["doc:read"]})", server.Auth())
                .status,
            200);
  ASSERT_EQ(admin.Send("PUT", "/v1/users/nina/roles/reader", "", server.Auth()).status, 200);
  auto s = Json(admin.Send("POST", "/v1/sessions", R"({"user_id":"nina"})", server.Auth()).body);
  const std::string token = Str(s.at("access_token"), "token");

  HttpClient browser(nginx.port());
  EXPECT_EQ(browser.Send("GET", "/app/page").status, 401);
  HttpResponse ok = browser.Send("GET", "/app/page", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "user=nina session=" + Str(s.at("session"), "handle") + " roles=reader\n");
  // A client cannot claim to be someone by sending the headers itself.
  HttpResponse forged = browser.Send("GET", "/app/page", "", {{"X-Gatehouse-User", "root"}});
  EXPECT_EQ(forged.status, 401);

  ASSERT_EQ(
      admin.Send("DELETE", "/v1/sessions/" + Str(s.at("session"), "handle"), "", server.Auth())
          .status,
      200);
  EXPECT_EQ(browser.Send("GET", "/app/page", "", {{"Authorization", "Bearer " + token}}).status,
            401);
  std::filesystem::remove_all(prefix);
}

}  // namespace
}  // namespace gatehouse::testing
