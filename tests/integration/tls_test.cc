// HTTPS served by Gatehouse itself (hardening item 8): self-signed certificates made by the
// `openssl` CLI for each test, and curl as the real client. TLS 1.2 and 1.3 only; plain HTTP on
// the TLS port gets no HTTP answer; Secure cookies round-trip with no proxy; SIGHUP reloads the
// certificate for new connections and keeps the old one when the new files do not load; bad
// files stop the start with a message that names them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kCurlVerifyFailed = 60;   // curl: peer certificate cannot be authenticated
constexpr int kCurlConnectFailed = 35;  // curl: SSL connect error (handshake refused)

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class Tls : public ::testing::Test {
 protected:
  Tls() : dir_(fs::temp_directory_path() / ("gh-tls-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    MakeCertificate("a");
    MakeCertificate("b");
    Install("a");
  }
  ~Tls() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  // dir/<name>.crt and dir/<name>.key: a self-signed P-256 certificate for 127.0.0.1.
  void MakeCertificate(const std::string& name) {
    const CommandResult r =
        RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=gatehouse-test-" + name, "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", Path(name + ".key"), "-out", Path(name + ".crt")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  // Makes <name>'s pair the one the server's files hold (each file replaced by a rename).
  void Install(const std::string& name) {
    Replace(Path(name + ".crt"), Path("live.crt"));
    Replace(Path(name + ".key"), Path("live.key"));
  }
  void Replace(const std::string& from, const std::string& to) {
    fs::copy_file(from, to + ".new", fs::copy_options::overwrite_existing);
    fs::permissions(to + ".new", fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(to + ".new", to);
  }
  std::string Path(const std::string& file) const { return (dir_ / file).string(); }

  void StartServer() {
    server_ = std::make_unique<ServerProcess>(std::map<std::string, std::string>{
        {"TLS_CERT_FILE", Path("live.crt")}, {"TLS_KEY_FILE", Path("live.key")}});
  }
  std::string Url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  // curl over HTTPS trusting only `ca` (a certificate name), with the response head in output.
  CommandResult Curl(const std::string& ca, const std::string& path,
                     std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv = {"curl",           "-sS", "-i", "--max-time", "10", "--cacert",
                                     Path(ca + ".crt")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(Url(path));
    return RunCommand(argv);
  }
  // Reads /metrics until `line` appears (the server handles SIGHUP asynchronously).
  bool WaitForMetric(const std::string& ca, const std::string& line) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Contains(Curl(ca, "/metrics").output, line)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  fs::path dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(Tls, ServesHttpsWithTls12And13Only) {
  StartServer();
  const CommandResult ok = Curl("a", "/healthz");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(Contains(ok.output, "HTTP/1.1 200")) << ok.output;
  EXPECT_TRUE(Contains(ok.output, "Strict-Transport-Security: max-age=31536000")) << ok.output;

  const CommandResult v13 = Curl("a", "/healthz", {"--tlsv1.3", "-v"});
  EXPECT_EQ(v13.exit_code, 0) << v13.output;
  EXPECT_TRUE(Contains(v13.output, "TLSv1.3")) << v13.output;
  const CommandResult v12 = Curl("a", "/healthz", {"--tlsv1.2", "--tls-max", "1.2", "-v"});
  EXPECT_EQ(v12.exit_code, 0) << v12.output;
  EXPECT_TRUE(Contains(v12.output, "TLSv1.2")) << v12.output;
  // A client that offers TLS 1.1 at most (its own security level lowered so it may) is refused.
  const CommandResult v11 =
      Curl("a", "/healthz", {"--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0"});
  EXPECT_EQ(v11.exit_code, kCurlConnectFailed) << v11.output;

  // The certificate is the one configured: a client that trusts another refuses it.
  EXPECT_EQ(Curl("b", "/healthz").exit_code, kCurlVerifyFailed);

  // Plain HTTP to the TLS port gets no HTTP answer.
  const CommandResult plain =
      RunCommand({"curl", "-sS", "-i", "--max-time", "10",
                  "http://127.0.0.1:" + std::to_string(server_->port()) + "/healthz"});
  EXPECT_NE(plain.exit_code, 0) << plain.output;
  EXPECT_FALSE(Contains(plain.output, "HTTP/1.1")) << plain.output;
}

TEST_F(Tls, SecureCookiesRoundTripWithNoProxy) {
  StartServer();
  const std::string jar = Path("cookies.txt");
  const std::vector<std::string> browser = {
      "-c", jar, "-b", jar, "-H", "X-Gatehouse-CSRF: 1", "-H", "Content-Type: application/json"};
  auto with = [&browser](std::vector<std::string> more) {
    std::vector<std::string> argv = browser;
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  };
  const CommandResult signup =
      Curl("a", "/v1/auth/signup",
           with({"-d", R"({"email":"tls@example.com","password":"correct horse 42"})"}));
  ASSERT_EQ(signup.exit_code, 0) << signup.output;
  ASSERT_TRUE(Contains(signup.output, "HTTP/1.1 201")) << signup.output;
  EXPECT_TRUE(Contains(signup.output, "Set-Cookie: __Host-gh_access=")) << signup.output;
  EXPECT_TRUE(Contains(signup.output, "Set-Cookie: __Secure-gh_refresh=")) << signup.output;
  EXPECT_TRUE(Contains(signup.output, "; Secure")) << signup.output;

  // curl sends Secure cookies only over HTTPS, as a browser does: they came back.
  const CommandResult me = Curl("a", "/v1/me", with({}));
  EXPECT_TRUE(Contains(me.output, "HTTP/1.1 200")) << me.output;
  EXPECT_TRUE(Contains(me.output, "tls@example.com")) << me.output;
  const CommandResult refresh = Curl("a", "/v1/auth/refresh", with({"-X", "POST"}));
  EXPECT_TRUE(Contains(refresh.output, "HTTP/1.1 200")) << refresh.output;
  EXPECT_TRUE(Contains(refresh.output, "Set-Cookie: __Secure-gh_refresh=")) << refresh.output;
}

TEST_F(Tls, EventStreamsWorkOverTls) {
  StartServer();
  const std::string auth = "Authorization: Bearer " + server_->api_key();
  const CommandResult created =
      Curl("a", "/v1/sessions",
           {"-H", auth, "-H", "Content-Type: application/json", "-d", R"({"user_id":"tls-user"})"});
  ASSERT_TRUE(Contains(created.output, "HTTP/1.1 201")) << created.output;
  const std::string handle =
      Str(Json(created.output.substr(created.output.find("\r\n\r\n") + 4)).at("session"), "handle");
  ASSERT_FALSE(handle.empty()) << created.output;
  ASSERT_TRUE(Contains(Curl("a", "/v1/sessions/" + handle, {"-X", "DELETE", "-H", auth}).output,
                       "HTTP/1.1 200"));
  // The stream stays open; curl's --max-time ends it after the backlog arrived.
  const CommandResult stream =
      Curl("a", "/v1/revocations/stream?after=0", {"-N", "--max-time", "2", "-H", auth});
  EXPECT_TRUE(Contains(stream.output, "HTTP/1.1 200")) << stream.output;
  EXPECT_TRUE(Contains(stream.output, "text/event-stream")) << stream.output;
  EXPECT_TRUE(Contains(stream.output, "event: session_revoked")) << stream.output;
  EXPECT_TRUE(Contains(stream.output, handle)) << stream.output;
}

TEST_F(Tls, SighupReloadsTheCertificateAndKeepsItWhenTheNewFilesDoNotLoad) {
  StartServer();
  ASSERT_EQ(Curl("a", "/healthz").exit_code, 0);

  Install("b");
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForMetric("b", "tls_certificate_reloads_total 1"));
  EXPECT_EQ(Curl("b", "/healthz").exit_code, 0);
  EXPECT_EQ(Curl("a", "/healthz").exit_code, kCurlVerifyFailed);

  // A certificate file cut short: the reload fails and b stays in use.
  std::ofstream(Path("live.crt"), std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nMIIB\n";
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForMetric("b", "tls_certificate_reload_failures_total 1"));
  EXPECT_EQ(Curl("b", "/healthz").exit_code, 0);

  // a's certificate with b's key: refused as a mismatch, b stays.
  Replace(Path("a.crt"), Path("live.crt"));
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForMetric("b", "tls_certificate_reload_failures_total 2"));
  EXPECT_EQ(Curl("b", "/healthz").exit_code, 0);
  EXPECT_EQ(Curl("a", "/healthz").exit_code, kCurlVerifyFailed);
  EXPECT_TRUE(Contains(Curl("b", "/metrics").output, "tls_certificate_reloads_total 1"));
}

TEST_F(Tls, SighupWithoutTlsLeavesTheServerRunning) {
  ServerProcess plain;
  ASSERT_EQ(::kill(plain.pid(), SIGHUP), 0);
  // Pending together, SIGHUP is delivered before SIGTERM: with SIGHUP's default action the
  // process would die of it; handled, SIGTERM then stops it cleanly.
  const int status = plain.Stop();
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(Tls, BadFilesStopTheStartAndSayWhich) {
  auto start = [this](const std::string& cert, const std::string& key) {
    std::vector<std::string> argv = {GatehouseBinary(), "serve",      "--listen",
                                     "127.0.0.1:0",     "--data-dir", Path("data")};
    if (!cert.empty()) argv.insert(argv.end(), {"--tls-cert-file", cert});
    if (!key.empty()) argv.insert(argv.end(), {"--tls-key-file", key});
    return RunCommand(argv);
  };
  const CommandResult missing = start(Path("nope.crt"), Path("a.key"));
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_TRUE(Contains(missing.output, "TLS_CERT_FILE " + Path("nope.crt"))) << missing.output;

  const CommandResult mismatch = start(Path("a.crt"), Path("b.key"));
  EXPECT_EQ(mismatch.exit_code, 1) << mismatch.output;
  EXPECT_TRUE(Contains(mismatch.output, "does not match")) << mismatch.output;

  const CommandResult half = start(Path("a.crt"), "");
  EXPECT_EQ(half.exit_code, 2) << half.output;
  EXPECT_TRUE(Contains(half.output, "TLS_CERT_FILE and TLS_KEY_FILE must be set together"))
      << half.output;
  EXPECT_FALSE(Contains(missing.output + mismatch.output + half.output, "listening"));
}

}  // namespace
}  // namespace gatehouse::testing
