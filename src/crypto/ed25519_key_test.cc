// Ed25519 known answers (RFC 8032, RFC 8037) and rejections, through the public API.

#include <gtest/gtest.h>

#include <string>

#include "crypto/base64url.h"
#include "crypto/signature.h"
#include "crypto/test_util.h"

namespace gatehouse::crypto {
namespace {

using testing::FromHex;

// RFC 8032 §7.1 TEST 1, also the key of RFC 8037 Appendix A.1/A.2.
const std::string kSeed =
    FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const std::string kPublic =
    FromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

// RFC 8037 Appendix A.4: {"alg":"EdDSA"} over "Example of Ed25519 signing". (Checked against the
// RFC text as quoted by several independent JOSE libraries' tests.)
constexpr std::string_view kJwsSigningInput =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr std::string_view kJwsSignature =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

PrivateKey Rfc8032Key() { return PrivateKey::Import(SignatureAlg::kEdDSA, kSeed).value(); }

TEST(Ed25519, Rfc8032Test1EmptyMessage) {
  const PrivateKey key = Rfc8032Key();
  EXPECT_EQ(key.Public().ExportPublic(), kPublic);
  const std::string expected = FromHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
      "1cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_EQ(key.Sign("").value(), expected);
  EXPECT_TRUE(key.Public().Verify("", expected));
}

TEST(Ed25519, Rfc8037A1JwkMembers) {
  const auto jwk = Rfc8032Key().Public().JwkMembers();
  EXPECT_EQ(jwk, (std::map<std::string, std::string>{
                     {"kty", "OKP"},
                     {"crv", "Ed25519"},
                     {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}));
  EXPECT_EQ(Base64UrlEncode(Rfc8032Key().ExportPrivate()),
            "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");  // the JWK "d"
}

TEST(Ed25519, Rfc8037A4Signing) {
  EXPECT_EQ(Base64UrlEncode(Rfc8032Key().Sign(kJwsSigningInput).value()), kJwsSignature);
}

TEST(Ed25519, Rfc8037A5Verification) {
  const PublicKey key = PublicKey::Import(SignatureAlg::kEdDSA, kPublic).value();
  const std::string signature = Base64UrlDecode(kJwsSignature).value();
  EXPECT_TRUE(key.Verify(kJwsSigningInput, signature));
  std::string altered_input(kJwsSigningInput);
  altered_input.back() = 'h';
  EXPECT_FALSE(key.Verify(altered_input, signature));
}

TEST(Ed25519, RefusesNonCanonicalS) {
  // S + L, for the group order L, is the same scalar mod L; a lax verifier accepts it.
  const PrivateKey key = Rfc8032Key();
  std::string signature = key.Sign("message").value();
  const std::string order =
      FromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");  // L, LE
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = static_cast<unsigned char>(signature[32 + i]) +
                         static_cast<unsigned char>(order[i]) + carry;
    signature[32 + i] = static_cast<char>(sum & 0xff);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_FALSE(key.Public().Verify("message", signature));
}

TEST(Ed25519, RefusesWrongLengthSignatures) {
  const PrivateKey key = Rfc8032Key();
  const std::string signature = key.Sign("m").value();
  EXPECT_FALSE(key.Public().Verify("m", signature.substr(0, 63)));
  EXPECT_FALSE(key.Public().Verify("m", signature + '\0'));
  EXPECT_FALSE(key.Public().Verify("m", ""));
}

TEST(Ed25519, ImportRefusesBadKeys) {
  EXPECT_FALSE(PrivateKey::Import(SignatureAlg::kEdDSA, kSeed.substr(1)));
  EXPECT_FALSE(PrivateKey::Import(SignatureAlg::kEdDSA, kSeed + kPublic));  // libsodium's 64 bytes
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kEdDSA, kPublic.substr(1)));
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kEdDSA, ""));
  // The identity point (small order) and a non-canonical y (2^255 - 1 >= p).
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kEdDSA, FromHex("01" + std::string(62, '0'))));
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kEdDSA, FromHex(std::string(62, 'f') + "7f")));
}

}  // namespace
}  // namespace gatehouse::crypto
