#include "compat/access_token.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "common/fake_clock.h"
#include "crypto/base64url.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;

class StAccessTokenTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  SeededRandom random_{5};
  tokens::KeyRing ring_{{.alg = crypto::SignatureAlg::kRS256, .kid_prefix = "d-"}};
  StAccessToken token_;

  void SetUp() override {
    ASSERT_TRUE(ring_.Rotate(clock_.Now(), random_).has_value());
    token_ = {.user_id = "u1",
              .session_handle = "h1",
              .refresh_hash1 = std::string(64, 'a'),
              .payload = bj::object{{"st-role", bj::object{{"v", bj::array{"admin"}}}},
                                    {"iss", "http://localhost/auth"}},
              .issued_at_s = ToUnixSeconds(clock_.Now()),
              .expires_at_s = ToUnixSeconds(clock_.Now()) + 3600};
  }
  tokens::VerifyKeys keys_;
  const tokens::VerifyKeys* Keys() {
    keys_ = ring_.VerifyKeys();
    return &keys_;
  }
  std::string Issue(const StAccessToken& t) {
    return IssueStAccessToken(t, *ring_.Signer()).value();
  }
};

TEST_F(StAccessTokenTest, RoundTripsInTheCoresLayout) {
  const std::string jwt = Issue(token_);
  Result<StAccessToken> read = ReadStAccessToken(jwt, {Keys()}, clock_.Now(), true);
  ASSERT_TRUE(read.has_value()) << read.error().message();
  EXPECT_EQ(*read, token_);
  // What the SDK checks: typ JWT, version "5", a d- kid; sub, rsub, sessionHandle and
  // refreshTokenHash1 strings, exp and iat numbers, the two nullable claims present as null.
  const std::size_t dot = jwt.find('.');
  const bj::value header = bj::parse(crypto::Base64UrlDecode(jwt.substr(0, dot)).value());
  EXPECT_EQ(header.at("typ"), "JWT");
  EXPECT_EQ(header.at("version"), "5");
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_TRUE(header.at("kid").as_string().starts_with("d-"));
  const std::size_t dot2 = jwt.find('.', dot + 1);
  const bj::value claims =
      bj::parse(crypto::Base64UrlDecode(jwt.substr(dot + 1, dot2 - dot - 1)).value());
  EXPECT_EQ(claims.at("sub"), "u1");
  EXPECT_EQ(claims.at("rsub"), "u1");
  EXPECT_EQ(claims.at("tId"), "public");
  EXPECT_TRUE(claims.at("parentRefreshTokenHash1").is_null());
  EXPECT_TRUE(claims.at("antiCsrfToken").is_null());
  EXPECT_EQ(claims.at("st-role").at("v").at(0), "admin");  // custom claims at top level
  // With a parent and an anti-CSRF token.
  token_.parent_refresh_hash1 = std::string(64, 'b');
  token_.anti_csrf = "csrf-1";
  EXPECT_EQ(ReadStAccessToken(Issue(token_), {Keys()}, clock_.Now(), true).value(), token_);
}

TEST_F(StAccessTokenTest, AProtectedClaimInThePayloadIsRefused) {
  for (std::string_view name : kProtectedClaims) {
    StAccessToken t = token_;
    t.payload[name] = "x";
    Status s = CheckUserPayload(t.payload);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find(std::string(name)), std::string::npos);
    EXPECT_FALSE(IssueStAccessToken(t, *ring_.Signer()).has_value()) << name;
  }
}

TEST_F(StAccessTokenTest, WhatCannotBeUsedAnswersTryRefreshToken) {
  const std::string jwt = Issue(token_);
  auto refused = [&](std::string_view text, SystemTime now, bool check_expiry = true) {
    Result<StAccessToken> r = ReadStAccessToken(text, {Keys()}, now, check_expiry);
    return !r.has_value() && r.error().code() == ErrorCode::kUnauthenticated &&
           r.error().reason() == reason::kTryRefreshToken;
  };
  EXPECT_TRUE(refused("not a token", clock_.Now()));
  std::string forged = jwt;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(refused(forged, clock_.Now()));
  // Expired: refused when expiry counts, read when it does not (regenerate reads such tokens).
  const SystemTime later = clock_.Now() + std::chrono::seconds(3600);
  EXPECT_TRUE(refused(jwt, later));
  EXPECT_FALSE(refused(jwt, later, /*check_expiry=*/false));
  // A key that is not the face's, or revoked.
  tokens::KeyRing native({.alg = crypto::SignatureAlg::kRS256});
  ASSERT_TRUE(native.Rotate(clock_.Now(), random_).has_value());
  const std::string other = IssueStAccessToken(token_, *native.Signer()).value();
  tokens::VerifyKeys both = *Keys();
  for (const auto& kid : native.VerifyKeys().Kids()) both.Add(*native.VerifyKeys().Find(kid));
  EXPECT_FALSE(ReadStAccessToken(other, {&both}, clock_.Now(), true).has_value());
  tokens::VerifyKeys revoked = *Keys();
  revoked.Revoke(ring_.Signer()->kid);
  EXPECT_FALSE(ReadStAccessToken(jwt, {&revoked}, clock_.Now(), true).has_value());
}

}  // namespace
}  // namespace gatehouse::compat
