#include "tokens/jws.h"

#include <gtest/gtest.h>

#include "tokens/test_keys.h"

namespace gatehouse::tokens {
namespace {

using testing::SignRaw;

class JwsTest : public ::testing::Test {
 protected:
  SeededRandom random_{7};
  crypto::PrivateKey key_ =
      crypto::PrivateKey::Generate(crypto::SignatureAlg::kEdDSA, random_).value();

  std::string Sign(std::string_view header, std::string_view payload = R"({"sub":"u"})") {
    return SignRaw(header, payload, key_);
  }
  static bool Refused(std::string_view token) {
    Result<Jws> r = ParseJws(token);
    return !r && r.error().code() == ErrorCode::kUnauthenticated;
  }
};

TEST_F(JwsTest, RoundTrip) {
  const boost::json::object header{{"alg", "EdDSA"}, {"kid", "k1"}, {"typ", "at+jwt"}};
  const std::string token = SignJws(header, {{"sub", "u1"}}, key_).value();
  Jws jws = ParseJws(token).value();
  EXPECT_EQ(jws.alg, "EdDSA");
  EXPECT_EQ(jws.kid, "k1");
  EXPECT_EQ(jws.typ, "at+jwt");
  EXPECT_EQ(jws.claims.at("sub").as_string(), "u1");
  EXPECT_TRUE(VerifySignature(jws, key_.Public()));
}

TEST_F(JwsTest, RefusesWrongShape) {
  const std::string good = Sign(R"({"alg":"EdDSA","kid":"k"})");
  EXPECT_TRUE(ParseJws(good));
  EXPECT_TRUE(Refused(""));
  EXPECT_TRUE(Refused("abc"));
  EXPECT_TRUE(Refused("a.b"));
  EXPECT_TRUE(Refused(good + ".x"));                          // four parts
  EXPECT_TRUE(Refused("a.b.c.d.e"));                          // JWE compact form
  EXPECT_TRUE(Refused(good.substr(0, good.rfind('.') + 1)));  // empty signature
  EXPECT_TRUE(Refused("." + good.substr(good.find('.'))));    // empty header
  EXPECT_TRUE(Refused(std::string(kMaxTokenSize + 1, 'a')));
}

TEST_F(JwsTest, RefusesOversizedEvenIfValid) {
  const std::string big(kMaxTokenSize, 'x');
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k"})", R"({"pad":")" + big + "\"}")));
}

TEST_F(JwsTest, RefusesNonCanonicalBase64) {
  const std::string good = Sign(R"({"alg":"EdDSA","kid":"k"})");
  EXPECT_TRUE(Refused(good + "="));            // padding
  EXPECT_TRUE(Refused("+" + good.substr(1)));  // standard alphabet
  EXPECT_TRUE(Refused(" " + good));            // whitespace
}

TEST_F(JwsTest, RefusesNonObjectsAndDuplicates) {
  EXPECT_TRUE(Refused(Sign(R"(["alg","EdDSA"])")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k"})", "[1]")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k"})", "not json")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k","kid":"j"})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k"})", R"({"sub":"a","sub":"b"})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":"k"})", "{\"sub\":\"\xff\"}")));
}

TEST_F(JwsTest, RefusesAlgNoneAndMissingAlgOrKid) {
  EXPECT_TRUE(Refused(Sign(R"({"alg":"none","kid":"k"})")));
  EXPECT_TRUE(Refused(Sign(R"({"kid":"k"})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":5,"kid":"k"})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA"})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":""})")));
  EXPECT_TRUE(Refused(Sign(R"({"alg":"EdDSA","kid":7})")));
  // An unsigned token: "none" with an empty signature.
  EXPECT_TRUE(Refused(crypto::Base64UrlEncode(R"({"alg":"none","kid":"k"})") + "." +
                      crypto::Base64UrlEncode("{}") + "."));
}

TEST_F(JwsTest, RefusesDangerousHeaderMembers) {
  for (const char* member : {"jwk", "jku", "x5u", "x5c", "crit", "zip", "cty", "enc", "b64"}) {
    const std::string header = std::string(R"({"alg":"EdDSA","kid":"k",")") + member + R"(":"x"})";
    EXPECT_TRUE(Refused(Sign(header))) << member;
  }
}

TEST_F(JwsTest, AlgMustMatchTheKey) {
  // The token claims HS256 (HMAC with the public key as secret) or another asymmetric alg:
  // the key decides, so verification fails even though the signature bytes are Ed25519's.
  for (const char* alg : {"HS256", "ES256", "RS256", "eddsa"}) {
    Jws jws = ParseJws(Sign(std::string(R"({"alg":")") + alg + R"(","kid":"k"})")).value();
    EXPECT_FALSE(VerifySignature(jws, key_.Public())) << alg;
  }
}

TEST_F(JwsTest, RefusesTamperingAndOtherKeys) {
  const std::string token = Sign(R"({"alg":"EdDSA","kid":"k"})", R"({"sub":"alice"})");
  Jws jws = ParseJws(token).value();
  ASSERT_TRUE(VerifySignature(jws, key_.Public()));

  const std::string forged_payload = crypto::Base64UrlEncode(R"({"sub":"mallory"})");
  const std::size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  const std::string forged = token.substr(0, dot1 + 1) + forged_payload + token.substr(dot2);
  EXPECT_FALSE(VerifySignature(ParseJws(forged).value(), key_.Public()));

  auto other = crypto::PrivateKey::Generate(crypto::SignatureAlg::kEdDSA, random_).value();
  EXPECT_FALSE(VerifySignature(jws, other.Public()));
}

}  // namespace
}  // namespace gatehouse::tokens
