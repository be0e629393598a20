// Store faults (issue "Scale and faults"): the data directory on a 4 MiB tmpfs that a filler
// file fills up, or its files made immutable (chattr +i: even root's writes through the open
// descriptors fail, as on a file system gone read-only). Either way writes answer 503
// `unavailable` with Retry-After (never a 500, a crash or a half write), verification keeps
// working, /readyz says not ready, and once the fault is gone /readyz and writes recover with no
// restart. Needs root (mount, chattr); skipped otherwise, or where chattr is not supported.
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

// One server on `dir_` with five sessions; the checks every store fault must pass.
class StoreFault : public ::testing::Test {
 protected:
  void TearDown() override { server_.reset(); }

  void StartWithSessions() {
    server_ = std::make_unique<ServerProcess>(std::map<std::string, std::string>{}, dir_);
    for (int i = 0; i < 5; ++i) {
      HttpResponse r = Create(i);
      ASSERT_EQ(r.status, 201) << r.body;
      access_.push_back(Str(Json(r.body).at("access_token"), "token"));
      handles_.push_back(Str(Json(r.body).at("session"), "handle"));
    }
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
  int Verify(const std::string& token, const char* mode) {
    return Call("POST", "/v1/sessions/verify",
                R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}")
        .status;
  }

  // Writes fail cleanly (503 with Retry-After, nothing else), /readyz says why, reads and
  // verification go on, and a revoke that could not be written left the session whole.
  void ExpectWritesRefusedReadsServed() {
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
    ASSERT_EQ(refused, 5) << "the fault never refused a write";
    HttpResponse ready = Call("GET", "/readyz");
    EXPECT_EQ(ready.status, 503) << ready.body;
    EXPECT_NE(ready.body.find("cannot write"), std::string::npos) << ready.body;
    for (const std::string& token : access_) {
      for (const char* mode : {"local", "strict"}) EXPECT_EQ(Verify(token, mode), 200) << mode;
    }
    HttpResponse revoke = Call("DELETE", "/v1/sessions/" + handles_[0]);
    ASSERT_TRUE(revoke.status == 200 || revoke.status == 503) << revoke.body;
    EXPECT_EQ(Verify(access_[0], "strict"), revoke.status == 200 ? 401 : 200);
  }

  // After the fault is gone: writes succeed again, with no restart.
  void ExpectRecovered() {
    EXPECT_EQ(Call("GET", "/readyz").status, 200);  // its test write goes through again
    HttpResponse again = Create(1000);
    for (int i = 0; i < 20 && again.status != 201; ++i) again = Create(1001 + i);
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(Call("DELETE", "/v1/sessions/" + handles_[1]).status, 200);
    EXPECT_EQ(Verify(access_[1], "local"), 401);
    EXPECT_TRUE(server_->running());
  }

  std::string dir_;
  std::unique_ptr<ServerProcess> server_;
  std::vector<std::string> access_;
  std::vector<std::string> handles_;
};

class DiskFull : public StoreFault {
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
    StoreFault::TearDown();
    if (mounted_) RunCommand({"umount", dir_});
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Writes a file until the file system refuses another byte.
  void FillUp() {
    std::ofstream filler(dir_ + "/filler", std::ios::binary);
    const std::string chunk(4096, 'x');
    while (filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) filler.flush();
  }

  bool mounted_ = false;
};

TEST_F(DiskFull, WritesAnswerUnavailableVerifyGoesOnAndWritesComeBack) {
  ASSERT_NO_FATAL_FAILURE(StartWithSessions());
  FillUp();
  ASSERT_NO_FATAL_FAILURE(ExpectWritesRefusedReadsServed());
  fs::remove(dir_ + "/filler");
  ExpectRecovered();
}

class ReadOnlyFiles : public StoreFault {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to set the immutable attribute";
    dir_ = (fs::temp_directory_path() / ("gh-ro-" + std::to_string(::getpid()))).string();
    fs::create_directories(dir_);
    const CommandResult probe = RunCommand({"chattr", "+i", dir_});
    if (probe.exit_code != 0) GTEST_SKIP() << "chattr +i not supported here: " << probe.output;
    RunCommand({"chattr", "-i", dir_});
  }
  void TearDown() override {
    SetImmutable(false);
    StoreFault::TearDown();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // The data directory and every file in it (the database, its WAL, the keys).
  void SetImmutable(bool on) {
    if (dir_.empty() || !fs::exists(dir_)) return;
    std::vector<std::string> argv{"chattr", on ? "+i" : "-i", dir_};
    for (const auto& entry : fs::directory_iterator(dir_)) argv.push_back(entry.path().string());
    const CommandResult r = RunCommand(argv);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
};

TEST_F(ReadOnlyFiles, WritesAnswerUnavailableVerifyGoesOnAndWritesComeBack) {
  ASSERT_NO_FATAL_FAILURE(StartWithSessions());
  ASSERT_NO_FATAL_FAILURE(SetImmutable(true));
  ASSERT_NO_FATAL_FAILURE(ExpectWritesRefusedReadsServed());
  ASSERT_NO_FATAL_FAILURE(SetImmutable(false));
  ExpectRecovered();
}

}  // namespace
}  // namespace gatehouse::testing
