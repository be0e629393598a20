#include "tokens/key_ring.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>

#include "common/fake_clock.h"
#include "tokens/access_token.h"
#include "tokens/token_verifier.h"

namespace gatehouse::tokens {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class KeyRingTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  SeededRandom random_{11};
  KeyRing ring_{{.alg = crypto::SignatureAlg::kEdDSA,
                 .rotation_interval = hours(24 * 7),
                 .verify_window = minutes(11)}};
  VerifierOptions verifier_{.issuer = "https://gh.test", .leeway = std::chrono::seconds(5)};

  std::string IssueNow() {
    AccessTokenSpec spec{.user_id = "u1",
                         .session_handle = "s1",
                         .issued_at = clock_.Now(),
                         .expires_at = clock_.Now() + minutes(10)};
    return IssueAccessToken(spec, *ring_.Signer(), verifier_.issuer).value();
  }
  Status Verify(const std::string& token) {
    auto r = VerifyAccessToken(token, ring_.VerifyKeys(), verifier_, clock_.Now());
    if (!r) return r.error();
    return OkStatus();
  }
  std::vector<std::string> JwksKids() {
    std::vector<std::string> kids;
    auto jwks = boost::json::parse(ring_.JwksJson(clock_.Now()));
    for (const auto& k : jwks.at("keys").as_array()) {
      kids.emplace_back(k.at("kid").as_string());
    }
    return kids;
  }
};

TEST_F(KeyRingTest, FirstRotationCreatesTheSigner) {
  EXPECT_EQ(ring_.Signer(), nullptr);
  EXPECT_TRUE(ring_.NeedsRotation(clock_.Now()));
  SigningKey key = ring_.Rotate(clock_.Now(), random_).value();
  ASSERT_NE(ring_.Signer(), nullptr);
  EXPECT_EQ(ring_.Signer()->kid, key.kid);
  EXPECT_EQ(key.kid.size(), 22u);  // 16 random bytes, base64url
  EXPECT_FALSE(ring_.NeedsRotation(clock_.Now()));
}

TEST_F(KeyRingTest, RotatesOnTheIntervalAndKeepsRetiredKeysForTheWindow) {
  const std::string kid1 = ring_.Rotate(clock_.Now(), random_)->kid;
  clock_.Advance(hours(24 * 7) - minutes(1));
  EXPECT_FALSE(ring_.NeedsRotation(clock_.Now()));
  const std::string old_token = IssueNow();  // signed by kid1 just before rotation
  clock_.Advance(minutes(1));
  ASSERT_TRUE(ring_.NeedsRotation(clock_.Now()));
  const std::string kid2 = ring_.Rotate(clock_.Now(), random_)->kid;
  EXPECT_NE(kid1, kid2);
  EXPECT_EQ(ring_.Signer()->kid, kid2);
  EXPECT_EQ(ring_.Find(kid1)->private_key, nullptr);  // retired keys lose the private half

  // The retired key still verifies and is still published until its tokens have expired.
  EXPECT_TRUE(Verify(old_token).ok());
  EXPECT_EQ(JwksKids(), (std::vector<std::string>{kid1, kid2}));
  EXPECT_TRUE(ring_.Prune(clock_.Now()).empty());

  clock_.Advance(minutes(11) + std::chrono::seconds(1));
  EXPECT_EQ(ring_.Prune(clock_.Now()), std::vector<std::string>{kid1});
  EXPECT_EQ(JwksKids(), std::vector<std::string>{kid2});
  Status s = Verify(old_token);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().reason(), "");  // unknown kid: unauthorised, not try_refresh_token
}

TEST_F(KeyRingTest, RevokedKeyLeavesJwksAndItsTokensMustRefresh) {
  const std::string kid1 = ring_.Rotate(clock_.Now(), random_)->kid;
  const std::string token = IssueNow();
  const std::string kid2 = ring_.Rotate(clock_.Now(), random_)->kid;
  ASSERT_TRUE(ring_.Revoke(kid1).ok());
  EXPECT_EQ(JwksKids(), std::vector<std::string>{kid2});
  Status s = Verify(token);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().reason(), reason::kTryRefreshToken);
  EXPECT_EQ(ring_.Revoke("nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(KeyRingTest, RevokeAllButActiveIsTheEmergencySwitch) {
  const std::string kid1 = ring_.Rotate(clock_.Now(), random_)->kid;
  const std::string kid2 = ring_.Rotate(clock_.Now(), random_)->kid;
  const std::string kid3 = ring_.Rotate(clock_.Now(), random_)->kid;
  EXPECT_EQ(ring_.RevokeAllButActive(), (std::vector<std::string>{kid1, kid2}));
  EXPECT_EQ(JwksKids(), std::vector<std::string>{kid3});
}

TEST_F(KeyRingTest, JwksHasRfc8037Members) {
  ring_.Rotate(clock_.Now(), random_).value();
  auto jwks = boost::json::parse(ring_.JwksJson(clock_.Now()));
  const auto& jwk = jwks.at("keys").at(0).as_object();
  EXPECT_EQ(jwk.at("kty").as_string(), "OKP");
  EXPECT_EQ(jwk.at("crv").as_string(), "Ed25519");
  EXPECT_EQ(jwk.at("alg").as_string(), "EdDSA");
  EXPECT_EQ(jwk.at("use").as_string(), "sig");
  EXPECT_EQ(jwk.at("x").as_string().size(), 43u);
  EXPECT_FALSE(jwk.contains("d"));  // never the private half
}

// A verifier that holds only the JWKS (the client library) must stop accepting a retired key
// when the server does, not at its next fetch of the document: the JWK says until when.
TEST_F(KeyRingTest, AJwksVerifierDropsARetiredKeyWhenTheRingDoes) {
  ring_.Rotate(clock_.Now(), random_).value();
  const std::string old_token = IssueNow();
  const std::string old_kid = ring_.Signer()->kid;
  clock_.Advance(minutes(1));
  ring_.Rotate(clock_.Now(), random_).value();
  const std::string jwks = ring_.JwksJson(clock_.Now());  // fetched once, just after the rotation
  auto doc = boost::json::parse(jwks);
  for (const auto& k : doc.at("keys").as_array()) {
    const bool retired = k.at("kid").as_string() == old_kid;
    EXPECT_EQ(k.as_object().contains(kVerifiesUntilMember), retired);
    if (retired) {
      EXPECT_EQ(k.at(kVerifiesUntilMember).as_int64(), ToUnixMillis(clock_.Now() + minutes(11)));
    }
  }
  const VerifyKeys from_jwks = VerifyKeys::FromJwks(jwks).value();
  const auto verdict = [&](const VerifyKeys& keys) {
    auto r = VerifyAccessToken(old_token, keys, verifier_, clock_.Now());
    return r ? std::string("valid") : r.error().message() + "/" + std::string(r.error().reason());
  };
  EXPECT_EQ(verdict(from_jwks), "valid");
  clock_.Advance(minutes(11) + std::chrono::seconds(1));  // past the window (and the token's exp)
  EXPECT_EQ(verdict(from_jwks), verdict(ring_.VerifyKeys()));
  EXPECT_EQ(verdict(from_jwks), "invalid token/");

  // A limit that is not a whole number fails closed for its key alone; the others still load.
  for (const std::string value : {"\"soon\"", "1.5e12", "-5", "18446744073709551615"}) {
    std::string odd = jwks;
    const std::string member = "\"" + std::string(kVerifiesUntilMember) + "\":";
    const std::size_t at = odd.find(member) + member.size();
    odd.replace(at, odd.find_first_of(",}", at) - at, value);
    const VerifyKeys keys = VerifyKeys::FromJwks(odd).value();
    ASSERT_NE(keys.Find(old_kid), nullptr) << value;
    EXPECT_EQ(VerifyKeys::CanVerify(*keys.Find(old_kid), clock_.Now() - minutes(11)),
              value == "18446744073709551615")  // a uint64: the latest time kept
        << value;
    EXPECT_TRUE(VerifyKeys::CanVerify(*keys.Find(ring_.Signer()->kid), clock_.Now())) << value;
  }
}

// A cached token must not outlive its retired key's window, even for a verifier whose leeway
// would keep it longer (the client library's clock_leeway is set apart from the server's).
TEST_F(KeyRingTest, ACachedTokenEndsWithItsKeysWindow) {
  ring_.Rotate(clock_.Now(), random_).value();
  const std::string token = IssueNow();         // exp in 10 minutes
  ring_.Rotate(clock_.Now(), random_).value();  // its key retires now: verifies for 11 minutes
  auto keys = std::make_shared<const VerifyKeys>(
      VerifyKeys::FromJwks(ring_.JwksJson(clock_.Now())).value());
  TokenVerifier verifier([keys] { return keys; },
                         {.issuer = verifier_.issuer, .leeway = minutes(5)});
  ASSERT_TRUE(verifier.Verify(token, clock_.Now()).has_value());
  clock_.Advance(minutes(11) + std::chrono::seconds(1));  // past the window, inside exp + leeway
  auto late = verifier.Verify(token, clock_.Now());
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().message(), "invalid token");
}

TEST_F(KeyRingTest, OtherAlgorithms) {
  for (auto alg : {crypto::SignatureAlg::kES256, crypto::SignatureAlg::kRS256}) {
    ring_ = KeyRing({.alg = alg});
    ring_.Rotate(clock_.Now(), random_).value();
    EXPECT_TRUE(Verify(IssueNow()).ok());
    auto jwks = boost::json::parse(ring_.JwksJson(clock_.Now()));
    const auto& jwk = jwks.at("keys").at(0).as_object();
    EXPECT_EQ(jwk.at("alg").as_string(), crypto::AlgName(alg));
    EXPECT_EQ(jwk.at("kty").as_string(), alg == crypto::SignatureAlg::kES256 ? "EC" : "RSA");
  }
}

}  // namespace
}  // namespace gatehouse::tokens

namespace gatehouse::tokens {
namespace {

// The server's JWKS holds every family's keys that can verify: the native ring's and the
// SuperTokens face's RS256 "d-" keys, each JWK with its own alg.
TEST(JwksOfRings, HoldsTheKeysOfEveryRing) {
  FakeClock clock;
  SeededRandom random{3};
  KeyRing native({.alg = crypto::SignatureAlg::kEdDSA});
  KeyRing face({.alg = crypto::SignatureAlg::kRS256, .kid_prefix = "d-"});
  const std::string n = native.Rotate(clock.Now(), random).value().kid;
  const std::string d = face.Rotate(clock.Now(), random).value().kid;
  EXPECT_EQ(d, "d-" + std::to_string(ToUnixMillis(clock.Now())));
  // A second key within the same millisecond still gets a kid of its own.
  const std::string d2 = face.Rotate(clock.Now(), random).value().kid;
  EXPECT_EQ(d2, "d-" + std::to_string(ToUnixMillis(clock.Now()) + 1));
  ASSERT_TRUE(face.Revoke(d).ok());
  auto jwks = boost::json::parse(JwksJson({&native, &face}, clock.Now()));
  std::map<std::string, std::string> algs;
  for (const auto& jwk : jwks.at("keys").as_array()) {
    algs[std::string(jwk.at("kid").as_string())] = std::string(jwk.at("alg").as_string());
  }
  EXPECT_EQ(algs, (std::map<std::string, std::string>{{n, "EdDSA"}, {d2, "RS256"}}));
  EXPECT_EQ(JwksJson({&native}, clock.Now()), native.JwksJson(clock.Now()));
}

}  // namespace
}  // namespace gatehouse::tokens
