// A full disk (issue "Scale and faults"): the data directory on a 4 MiB tmpfs that a filler file
// fills up. Writes answer 503 `unavailable` with Retry-After (never a 500, a crash or a half
// write), verification keeps working, /readyz says not ready, and once space is freed /readyz
// and writes recover with no restart. Needs root (to mount the tmpfs); skipped otherwise.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

namespace fs = std::filesystem;

class DiskFull : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
    dir_ = (fs::temp_directory_path() / ("gh-full-" + std::to_string(::getpid()))).string();
    fs::create_directories(dir_);
    const CommandResult mounted =
        RunCommand({"mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", dir_});
    ASSERT_EQ(mounted.exit_code, 0) << mounted.output;
    mounted_ = true;
  }
  void TearDown() override {
    server_.reset();
    if (mounted_) RunCommand({"umount", dir_});
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Writes a file until the file system refuses another byte.
  void FillUp() {
    std::ofstream filler(dir_ + "/filler", std::ios::binary);
    const std::string chunk(4096, 'x');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) filler.flush();
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    HttpClient c(server_->port());
    return c.Send(method, target, body, server_->Auth());
  }
  HttpResponse Create(int i) {
    return Call("POST", "/v1/sessions",
                R"({"user_id":"full-)" + std::to_string(i) + R"(","session_data":{"pad":")" +
                    std::string(2000, 'p') + "\"}}");
  }

  std::string dir_;
  bool mounted_ = false;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(DiskFull, WritesAnswerUnavailableVerifyGoesOnAndWritesComeBack) {
  server_ = std::make_unique<ServerProcess>(std::map<std::string, std::string>{}, dir_);
  std::vector<std::string> access;
  std::vector<std::string> handles;
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = Create(i);
    ASSERT_EQ(r.status, 201) << r.body;
    access.push_back(Str(Json(r.body).at("access_token"), "token"));
    handles.push_back(Str(Json(r.body).at("session"), "handle"));
  }
  FillUp();

  // Writes fail cleanly: 503 with Retry-After, nothing else.
  int refused = 0;
  for (int i = 100; i < 400 && refused < 5; ++i) {
    HttpResponse r = Create(i);
    ASSERT_TRUE(r.status == 201 || r.status == 503) << r.status << " " << r.body;
    if (r.status == 503) {
      ++refused;
      EXPECT_EQ(Str(Json(r.body), "error"), "unavailable") << r.body;
      EXPECT_TRUE(r.Header("retry-after").has_value());
    }
  }
  ASSERT_EQ(refused, 5) << "a full disk never refused a write";
  HttpResponse ready = Call("GET", "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find("cannot write"), std::string::npos) << ready.body;

  // Reads and verification go on.
  for (const std::string& token : access) {
    for (const char* mode : {"local", "strict"}) {
      HttpResponse v = Call("POST", "/v1/sessions/verify",
                            R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}");
      EXPECT_EQ(v.status, 200) << mode << ": " << v.body;
    }
  }
  // A revoke that could not be written left the session as it was, not half-ended.
  HttpResponse revoke = Call("DELETE", "/v1/sessions/" + handles[0]);
  ASSERT_TRUE(revoke.status == 200 || revoke.status == 503) << revoke.body;
  const int expected_after_revoke = revoke.status == 200 ? 401 : 200;
  EXPECT_EQ(Call("POST", "/v1/sessions/verify",
                 R"({"access_token":")" + access[0] + R"(","mode":"strict"})")
                .status,
            expected_after_revoke);

  // Space comes back: writes succeed again, with no restart.
  fs::remove(dir_ + "/filler");
  EXPECT_EQ(Call("GET", "/readyz").status, 200);  // its test write goes through again
  HttpResponse again = Create(1000);
  for (int i = 0; i < 20 && again.status != 201; ++i) again = Create(1001 + i);
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Call("DELETE", "/v1/sessions/" + handles[1]).status, 200);
  EXPECT_EQ(Call("POST", "/v1/sessions/verify",
                 R"({"access_token":")" + access[1] + R"(","mode":"local"})")
                .status,
            401);
  EXPECT_TRUE(server_->running());
}

}  // namespace
}  // namespace gatehouse::testing
