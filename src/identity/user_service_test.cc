#include "identity/user_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "sessions/test_fixture.h"

namespace gatehouse::identity {
namespace {

using std::chrono::minutes;

class UserServiceTest : public ::testing::Test {
 protected:
  UserServiceTest()
      : throttle_(3, minutes(15), f_.clock()),
        users_({.store = f_.memory(),
                .sessions = f_.service(),
                .throttle = throttle_,
                .clock = f_.clock(),
                .random = random_,
                .argon2 = {.memory_kib = 1024, .iterations = 1}}) {}

  sessions::testing::ServiceFixture f_;
  SeededRandom random_{5};
  SigninThrottle throttle_;
  UserService users_;
  ClientInfo client_{.ip = "198.51.100.4", .user_agent = "test"};
};

TEST_F(UserServiceTest, SignUpThenSignIn) {
  SignedIn up = users_.SignUp(" Ann@Example.com ", "a long enough secret", client_).value();
  EXPECT_EQ(up.user.email, "ann@example.com");
  EXPECT_NE(up.user.password_hash.find("$argon2id$"), std::string::npos);
  SignedIn in = users_.SignIn("ANN@example.com", "a long enough secret", client_).value();
  EXPECT_EQ(in.user.id, up.user.id);
  EXPECT_NE(in.session.session.handle, up.session.session.handle);  // a new session each time
  EXPECT_EQ(in.session.session.ip, "198.51.100.4");
  EXPECT_EQ(users_.SignUp("ann@example.com", "another secret here", client_).error().code(),
            ErrorCode::kAlreadyExists);
  // The sign-in's audit entry names the session it made (written in the same transaction).
  auto entries = f_.memory().ListAudit(up.user.id, 0, 10).value();
  auto it = std::find_if(entries.begin(), entries.end(),
                         [](const auto& e) { return e.type == "signin_succeeded"; });
  ASSERT_NE(it, entries.end());
  EXPECT_EQ(it->session_handle, in.session.session.handle);
  EXPECT_EQ(it->ip, "198.51.100.4");
  EXPECT_EQ(it->actor, "user");
  EXPECT_GT(it->at, 0);
}

TEST_F(UserServiceTest, WrongPasswordAndUnknownEmailLookTheSame) {
  ASSERT_TRUE(users_.Create("bo@example.com", "a long enough secret"));
  auto wrong = users_.SignIn("bo@example.com", "not the secret", client_);
  auto unknown = users_.SignIn("nobody@example.com", "not the secret", client_);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code(), unknown.error().code());
  EXPECT_EQ(wrong.error().message(), unknown.error().message());
}

TEST_F(UserServiceTest, ThrottleRefusesEvenTheRightPassword) {
  ASSERT_TRUE(users_.Create("cy@example.com", "a long enough secret"));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(users_.SignIn("cy@example.com", "wrong!!!", client_));
  auto r = users_.SignIn("cy@example.com", "a long enough secret", client_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  f_.clock().Advance(minutes(16));
  EXPECT_TRUE(users_.SignIn("cy@example.com", "a long enough secret",
                            {.ip = "203.0.113.9", .user_agent = "t"}));
}

TEST_F(UserServiceTest, BannedUserLearnsItOnlyWithTheRightPassword) {
  auto user = users_.Create("di@example.com", "a long enough secret").value();
  ASSERT_TRUE(f_.memory().Write([&](store::Tx& tx) { return tx.PutBan(user.id, "spam", 1); }).ok());
  EXPECT_EQ(users_.SignIn("di@example.com", "wrong password", client_).error().reason(), "");
  EXPECT_EQ(users_.SignIn("di@example.com", "a long enough secret", client_).error().reason(),
            reason::kUserBanned);
}

TEST_F(UserServiceTest, PasswordChangeEndsOtherSessionsAndKeepsThisOne) {
  SignedIn a = users_.SignUp("ed@example.com", "a long enough secret", client_).value();
  SignedIn b = users_.SignIn("ed@example.com", "a long enough secret", client_).value();
  EXPECT_EQ(users_
                .ChangePassword(a.user.id, a.session.session.handle, "bad current",
                                "new long secret!", client_)
                .error()
                .code(),
            ErrorCode::kUnauthenticated);
  ASSERT_TRUE(users_
                  .ChangePassword(a.user.id, a.session.session.handle, "a long enough secret",
                                  "new long secret!", client_)
                  .ok());
  using sessions::VerifyMode;
  EXPECT_TRUE(f_.service().Verify(a.session.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(f_.service().Verify(b.session.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(f_.service().Refresh(b.session.refresh_token));
  EXPECT_FALSE(users_.SignIn("ed@example.com", "a long enough secret", client_));
  EXPECT_TRUE(users_.SignIn("ed@example.com", "new long secret!", client_));
}

TEST_F(UserServiceTest, AdminResetEndsAllSessionsButTheKeptOne) {
  SignedIn a = users_.SignUp("fi@example.com", "a long enough secret", client_).value();
  SignedIn b = users_.SignIn("fi@example.com", "a long enough secret", client_).value();
  EXPECT_EQ(users_.SetPassword(a.user.id, "reset by admin 1", std::nullopt).value(), 2);
  EXPECT_FALSE(f_.service().Verify(a.session.access_token, sessions::VerifyMode::kLocal));
  EXPECT_FALSE(f_.service().Verify(b.session.access_token, sessions::VerifyMode::kLocal));
  EXPECT_EQ(users_.SetPassword("nope", "reset by admin 1", std::nullopt).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(UserServiceTest, OldParametersAreUpgradedOnSignIn) {
  UserService weak({.store = f_.memory(),
                    .sessions = f_.service(),
                    .throttle = throttle_,
                    .clock = f_.clock(),
                    .random = random_,
                    .argon2 = {.memory_kib = 512, .iterations = 1}});
  auto user = weak.Create("gu@example.com", "a long enough secret").value();
  EXPECT_NE(user.password_hash.find("m=512"), std::string::npos);
  ASSERT_TRUE(users_.SignIn("gu@example.com", "a long enough secret", client_));
  EXPECT_NE(users_.Get(user.id)->password_hash.find("m=1024"), std::string::npos);
}

TEST_F(UserServiceTest, ListPagesAndDelete) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(users_.Create("p" + std::to_string(i) + "@example.com", "a long enough secret"));
  }
  UserPage first = users_.List("", "", "", 3).value();
  ASSERT_EQ(first.users.size(), 3u);
  ASSERT_FALSE(first.next_cursor.empty());
  UserPage second = users_.List("", "", first.next_cursor, 3).value();
  EXPECT_EQ(second.users.size(), 2u);
  EXPECT_TRUE(second.next_cursor.empty());
  EXPECT_EQ(users_.List("P3@Example.com", "", "", 10)->users.size(), 1u);
  // A prefix in any case, paged by email: the cursor is the last email of the page.
  UserPage by_prefix = users_.List("", " P", "", 2).value();
  ASSERT_EQ(by_prefix.users.size(), 2u);
  EXPECT_EQ(by_prefix.users[0].email, "p0@example.com");
  EXPECT_EQ(by_prefix.next_cursor, "p1@example.com");
  UserPage rest = users_.List("", "p", by_prefix.next_cursor, 10).value();
  ASSERT_EQ(rest.users.size(), 3u);
  EXPECT_EQ(rest.users[0].email, "p2@example.com");
  EXPECT_TRUE(rest.next_cursor.empty());
  const std::string id = first.users[0].id;
  ASSERT_TRUE(users_.Delete(id).ok());
  EXPECT_EQ(users_.Get(id).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(users_.Delete(id).error().code(), ErrorCode::kNotFound);
}

TEST_F(UserServiceTest, AuditNeverHoldsSecrets) {
  ASSERT_TRUE(users_.SignUp("hy@example.com", "a long enough secret", client_));
  (void)users_.SignIn("hy@example.com", "wrong password 1", client_);
  auto entries = f_.memory().ListAudit("", 0, 100).value();
  ASSERT_GE(entries.size(), 2u);
  for (const auto& e : entries) {
    EXPECT_EQ(e.detail.find("secret"), std::string::npos);
    EXPECT_EQ(e.detail.find("wrong password"), std::string::npos);
  }
}

}  // namespace
}  // namespace gatehouse::identity
