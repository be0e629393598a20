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
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

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
  // Runs examples/nginx/<file> with its placeholders filled: @GATEHOUSE_PORT@ with the first of
  // `gatehouse_ports`, @GATEHOUSE_SERVERS@ with a server line for each.
  Nginx(std::vector<int> gatehouse_ports, const std::string& prefix,
        const std::string& file = "gatehouse.conf")
      : port_(FreePort()) {
    std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/examples/nginx/" + file);
    std::stringstream text;
    text << in.rdbuf();
    std::string conf = text.str();
    std::string servers;
    for (int p : gatehouse_ports) {
      servers += "server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=5s;\n";
    }
    Replace(conf, "@PREFIX@", prefix);
    Replace(conf, "@GATEHOUSE_SERVERS@", servers);
    Replace(conf, "@GATEHOUSE_PORT@", std::to_string(gatehouse_ports.at(0)));
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
  Nginx nginx({server.port()}, prefix.string());

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

// examples/nginx/gatehouse-cluster.conf: two instances on one PostgreSQL database behind one
// nginx, round robin, no stickiness. Whichever instance each request reaches, the client sees one
// Gatehouse: a session made through nginx refreshes and verifies through it, a revoke through it
// holds on every later request, and an instance killed is skipped.
TEST(NginxCluster, RoundRobinOverInstancesOnOneDatabase) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  ASSERT_TRUE(std::filesystem::exists("/usr/sbin/nginx")) << "scripts/install-deps installs nginx";
  const auto prefix =
      std::filesystem::temp_directory_path() / ("gh-nginx-cluster-" + std::to_string(::getpid()));
  std::filesystem::remove_all(prefix);
  std::filesystem::create_directories(prefix / "a");
  std::filesystem::create_directories(prefix / "b");
  const std::map<std::string, std::string> settings{
      {"DATABASE", PostgresUrlFor(prefix.string())},
      {"MASTER_KEY_FILE", (prefix / "master.key").string()},
      {"API_KEYS", "nginx-cluster-api-key-0123456789abcdef"},
      {"TRUSTED_PROXIES", "127.0.0.1/32"}};
  auto a = std::make_unique<ServerProcess>(settings, (prefix / "a").string());
  ServerProcess b(settings, (prefix / "b").string());
  Nginx nginx({a->port(), b.port()}, prefix.string(), "gatehouse-cluster.conf");
  HttpClient lb(nginx.port());
  const auto auth = b.Auth();

  auto s = Json(lb.Send("POST", "/v1/sessions", R"({"user_id":"lb"})", auth).body);
  std::string refresh = Str(s.at("refresh_token"), "token");
  std::string token = Str(s.at("access_token"), "token");
  const std::string handle = Str(s.at("session"), "handle");
  for (int i = 0; i < 6; ++i) {  // alternating instances
    const HttpResponse r =
        lb.Send("POST", "/v1/sessions/refresh", R"({"refresh_token":")" + refresh + "\"}", auth);
    ASSERT_EQ(r.status, 200) << "refresh " << i << ": " << r.body;
    refresh = Str(Json(r.body).at("refresh_token"), "token");
    token = Str(Json(r.body).at("access_token"), "token");
    const HttpResponse v =
        lb.Send("POST", "/v1/sessions/verify", R"({"access_token":")" + token + "\"}", auth);
    EXPECT_EQ(v.status, 200) << v.body;
  }
  ASSERT_EQ(lb.Send("DELETE", "/v1/sessions/" + handle, "", auth).status, 200);
  for (int i = 0; i < 4; ++i) {
    const HttpResponse v = lb.Send("POST", "/v1/sessions/verify",
                                   R"({"access_token":")" + token + R"(","mode":"strict"})", auth);
    EXPECT_EQ(v.status, 401) << "verify " << i << " after the revoke: " << v.body;
  }
  a.reset();  // an instance goes away: nginx skips it, nothing is lost
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(lb.Send("POST", "/v1/sessions", R"({"user_id":"after"})", auth).status, 201);
  }
  std::filesystem::remove_all(prefix);
}

}  // namespace
}  // namespace gatehouse::testing
