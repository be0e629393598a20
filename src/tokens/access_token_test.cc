#include "tokens/access_token.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tokens/test_keys.h"
#include "tokens/token_verifier.h"

namespace gatehouse::tokens {
namespace {

// Every claim of a verified token, parsed from the JSON the claims keep.
boost::json::object AllClaims(const AccessClaims& claims) {
  return boost::json::parse(claims.AllJson()).as_object();
}

using std::chrono::minutes;
using std::chrono::seconds;
using testing::SignRaw;

class AccessTokenTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  SeededRandom random_{3};
  KeyRing ring_ = testing::RingWithOneKey(random_, clock_.Now());
  VerifierOptions options_{.issuer = "https://gh.test", .leeway = seconds(5)};

  AccessTokenSpec Spec() {
    return {.user_id = "user-1",
            .session_handle = "sess-1",
            .version = 3,
            .roles = {"admin", "editor"},
            .custom = {{"tenant", "acme"}},
            .issued_at = clock_.Now(),
            .expires_at = clock_.Now() + minutes(10)};
  }
  Result<std::shared_ptr<const AccessClaims>> Verify(std::string_view token) {
    return VerifyAccessToken(token, ring_.VerifyKeys(), options_, clock_.Now());
  }
  // A token with hand-written claims, signed by the ring's key with a correct header.
  std::string Raw(const std::string& claims, const std::string& typ = "at+jwt") {
    const SigningKey& key = *ring_.Signer();
    return SignRaw(R"({"alg":"EdDSA","kid":")" + key.kid + R"(","typ":")" + typ + "\"}", claims,
                   *key.private_key);
  }
  std::string Claims(std::int64_t iat, std::int64_t exp, const std::string& extra = "") {
    return R"({"iss":"https://gh.test","sub":"u","sid":"s","ver":0,"iat":)" + std::to_string(iat) +
           ",\"exp\":" + std::to_string(exp) + extra + "}";
  }
  static void ExpectUnauthorised(const Result<std::shared_ptr<const AccessClaims>>& r,
                                 std::string_view reason = "") {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
    EXPECT_EQ(r.error().reason(), reason);
  }
};

TEST_F(AccessTokenTest, IssueThenVerify) {
  const std::string token = IssueAccessToken(Spec(), *ring_.Signer(), options_.issuer).value();
  auto claims = Verify(token).value();
  EXPECT_EQ(claims->user_id, "user-1");
  EXPECT_EQ(claims->session_handle, "sess-1");
  EXPECT_EQ(claims->version, 3);
  EXPECT_EQ(claims->RoleList(), (std::vector<std::string>{"admin", "editor"}));
  EXPECT_EQ(claims->kid, ring_.Signer()->kid);
  EXPECT_EQ(AllClaims(*claims).at("tenant").as_string(), "acme");
  EXPECT_EQ(claims->expires_at_s - claims->issued_at_s, 600);
  EXPECT_FALSE(AllClaims(*claims).contains("perms"));
}

TEST_F(AccessTokenTest, ReservedCustomClaimsAreRefused) {
  for (std::string_view name : kReservedClaims) {
    AccessTokenSpec spec = Spec();
    spec.custom[name] = "x";
    auto r = IssueAccessToken(spec, *ring_.Signer(), options_.issuer);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_F(AccessTokenTest, ExpiryWithLeeway) {
  const std::string token = IssueAccessToken(Spec(), *ring_.Signer(), options_.issuer).value();
  clock_.Advance(minutes(10) + seconds(5));
  EXPECT_TRUE(Verify(token));  // inside the leeway
  clock_.Advance(seconds(1));
  ExpectUnauthorised(Verify(token), reason::kTryRefreshToken);
}

TEST_F(AccessTokenTest, NotBeforeAndIssuedAtInTheFuture) {
  const std::int64_t now = ToUnixSeconds(clock_.Now());
  EXPECT_TRUE(Verify(Raw(Claims(now + 5, now + 600))));  // iat within leeway
  ExpectUnauthorised(Verify(Raw(Claims(now + 6, now + 600))));
  EXPECT_TRUE(Verify(Raw(Claims(now, now + 600, R"(,"nbf":)" + std::to_string(now + 5)))));
  ExpectUnauthorised(Verify(Raw(Claims(now, now + 600, R"(,"nbf":)" + std::to_string(now + 6)))));
  ExpectUnauthorised(Verify(Raw(Claims(now, now + 600, R"(,"nbf":"soon")"))));
}

TEST_F(AccessTokenTest, RequiredClaimsAndTypes) {
  const std::int64_t now = ToUnixSeconds(clock_.Now());
  const std::string exp = std::to_string(now + 600), iat = std::to_string(now);
  ExpectUnauthorised(Verify(
      Raw(R"({"sub":"u","sid":"s","ver":0,"iat":)" + iat + ",\"exp\":" + exp + "}")));  // no iss
  ExpectUnauthorised(Verify(Raw(R"({"iss":"https://evil","sub":"u","sid":"s","ver":0,"iat":)" +
                                iat + ",\"exp\":" + exp + "}")));
  ExpectUnauthorised(Verify(Raw(R"({"iss":"https://gh.test","sid":"s","ver":0,"iat":)" + iat +
                                ",\"exp\":" + exp + "}")));  // no sub
  ExpectUnauthorised(Verify(Raw(R"({"iss":"https://gh.test","sub":"u","sid":"s","iat":)" + iat +
                                ",\"exp\":" + exp + "}")));  // no ver
  ExpectUnauthorised(Verify(Raw(R"({"iss":"https://gh.test","sub":"u","sid":"s","ver":0,"iat":)" +
                                iat + ",\"exp\":\"" + exp + "\"}")));  // exp as string
  ExpectUnauthorised(Verify(Raw(R"({"iss":"https://gh.test","sub":"u","sid":"s","ver":0,"iat":)" +
                                iat + ",\"exp\":" + exp + ".5}")));  // exp not an integer
  ExpectUnauthorised(Verify(Raw(Claims(now, now + 600, R"(,"roles":"admin")"))));
  ExpectUnauthorised(Verify(Raw(Claims(now, now + 600, R"(,"roles":[1])"))));
}

TEST_F(AccessTokenTest, TypMustBeAccessToken) {
  const std::int64_t now = ToUnixSeconds(clock_.Now());
  EXPECT_TRUE(Verify(Raw(Claims(now, now + 600), "AT+JWT")));
  EXPECT_TRUE(Verify(Raw(Claims(now, now + 600), "application/at+jwt")));
  ExpectUnauthorised(Verify(Raw(Claims(now, now + 600), "JWT")));
  const SigningKey& key = *ring_.Signer();
  ExpectUnauthorised(Verify(SignRaw(R"({"alg":"EdDSA","kid":")" + key.kid + "\"}",
                                    Claims(now, now + 600), *key.private_key)));  // no typ
}

TEST_F(AccessTokenTest, UnknownKidAndForeignKey) {
  const std::int64_t now = ToUnixSeconds(clock_.Now());
  auto other = crypto::PrivateKey::Generate(crypto::SignatureAlg::kEdDSA, random_).value();
  // Right kid, wrong key (key substitution).
  ExpectUnauthorised(
      Verify(SignRaw(R"({"alg":"EdDSA","typ":"at+jwt","kid":")" + ring_.Signer()->kid + "\"}",
                     Claims(now, now + 600), other)));
  ExpectUnauthorised(Verify(
      SignRaw(R"({"alg":"EdDSA","typ":"at+jwt","kid":"nope"})", Claims(now, now + 600), other)));
}

TEST(TokenVerifier, CachesVerifiedTokensUntilExpiry) {
  FakeClock clock;
  SeededRandom random(5);
  auto ring = std::make_shared<KeyRing>(testing::RingWithOneKey(random, clock.Now()));
  int ring_reads = 0;
  TokenVerifier verifier(
      [&] {
        ++ring_reads;
        return std::make_shared<const VerifyKeys>(ring->VerifyKeys());
      },
      {.issuer = "iss", .leeway = seconds(0)});
  AccessTokenSpec spec{.user_id = "u",
                       .session_handle = "s",
                       .issued_at = clock.Now(),
                       .expires_at = clock.Now() + minutes(1)};
  const std::string token = IssueAccessToken(spec, *ring->Signer(), "iss").value();

  ASSERT_TRUE(verifier.Verify(token, clock.Now()));
  ASSERT_TRUE(verifier.Verify(token, clock.Now()));
  EXPECT_EQ(ring_reads, 1);  // the second verify was a cache hit
  EXPECT_EQ(verifier.cache().size(), 1u);

  // A different (tampered) token with the same prefix is not a hit.
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifier.Verify(tampered, clock.Now()));

  clock.Advance(minutes(1) + seconds(1));
  auto r = verifier.Verify(token, clock.Now());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), reason::kTryRefreshToken);

  // Revoking the key: after OnKeysChanged, the cached entry is gone and the key refuses.
  const SystemTime issued = spec.issued_at;
  ASSERT_TRUE(verifier.Verify(token, issued));
  ASSERT_TRUE(ring->Revoke(ring->Signer()->kid).ok());
  verifier.OnKeysChanged();
  r = verifier.Verify(token, issued);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason(), reason::kTryRefreshToken);
}

}  // namespace
}  // namespace gatehouse::tokens
