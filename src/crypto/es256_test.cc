#include "crypto/es256.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>

#include <string>

#include "common/random.h"
#include "crypto/base64url.h"
#include "crypto/openssl_ptr.h"
#include "crypto/signature.h"
#include "crypto/test_util.h"

namespace gatehouse::crypto {
namespace {

using testing::FromHex;

// RFC 7515 Appendix A.3: ES256 JWS and the P-256 public key that verifies it.
constexpr std::string_view kJwkX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr std::string_view kJwkY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
constexpr std::string_view kSigningInput =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
    "fQ";
constexpr std::string_view kSignature =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// The P-256 group order n, big-endian.
const std::string kOrder =
    FromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");

PublicKey Rfc7515Key() {
  const std::string spki =
      P256SpkiFromCoordinates(Base64UrlDecode(kJwkX).value(), Base64UrlDecode(kJwkY).value())
          .value();
  return PublicKey::Import(SignatureAlg::kES256, spki).value();
}

// The same signature with S replaced by n - S: its malleated twin (verifies mathematically).
std::string Twin(std::string_view signature) {
  std::string twin(signature);
  int borrow = 0;
  for (int b = 31; b >= 0; --b) {
    const auto i = static_cast<std::size_t>(b);
    const int d = static_cast<unsigned char>(kOrder[i]) -
                  static_cast<unsigned char>(signature[32 + i]) - borrow;
    borrow = d < 0 ? 1 : 0;
    twin[32 + i] = static_cast<char>(d < 0 ? d + 256 : d);
  }
  return twin;
}

std::string Der(std::string_view raw) {
  const EcdsaDer der = EcdsaRawToDer(raw).value();
  return std::string(reinterpret_cast<const char*>(der.bytes.data()), der.size);
}

// RFC 7515's A.3 signature happens to have a high S: as published it is refused (only low-S
// signatures are accepted), and its low-S twin — the same (r, s) point, normalised — verifies.
TEST(Es256, Rfc7515AppendixA3Verifies) {
  const PublicKey key = Rfc7515Key();
  const std::string published = Base64UrlDecode(kSignature).value();
  EXPECT_GE(static_cast<unsigned char>(published[32]), 0x80u);
  EXPECT_FALSE(key.Verify(kSigningInput, published));
  const std::string signature = Twin(published);
  EXPECT_TRUE(key.Verify(kSigningInput, signature));

  std::string altered_input(kSigningInput);
  altered_input[altered_input.size() - 2] = 'R';
  EXPECT_FALSE(key.Verify(altered_input, signature));
  for (std::size_t i : {0u, 31u, 32u, 63u}) {
    std::string altered = signature;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(key.Verify(kSigningInput, altered)) << i;
  }
}

TEST(Es256, Rfc7515KeyJwkMembers) {
  EXPECT_EQ(
      Rfc7515Key().JwkMembers(),
      (std::map<std::string, std::string>{
          {"kty", "EC"}, {"crv", "P-256"}, {"x", std::string(kJwkX)}, {"y", std::string(kJwkY)}}));
}

TEST(Es256, RefusesDerEncodedSignature) {
  const PublicKey key = Rfc7515Key();
  const std::string raw = Twin(Base64UrlDecode(kSignature).value());  // the valid low-S form
  ASSERT_TRUE(key.Verify(kSigningInput, raw));
  const std::string der = Der(raw);
  EXPECT_EQ(der[0], 0x30);
  EXPECT_FALSE(key.Verify(kSigningInput, der));
}

TEST(Es256, RefusesWrongLengthSignatures) {
  const PublicKey key = Rfc7515Key();
  const std::string raw = Base64UrlDecode(kSignature).value();
  EXPECT_FALSE(key.Verify(kSigningInput, raw.substr(0, 63)));
  EXPECT_FALSE(key.Verify(kSigningInput, raw + '\0'));
  EXPECT_FALSE(key.Verify(kSigningInput, std::string(1, '\0') + raw));
  EXPECT_FALSE(key.Verify(kSigningInput, ""));
}

TEST(Es256, RefusesOutOfRangeROrS) {
  const PublicKey key = Rfc7515Key();
  const std::string raw = Base64UrlDecode(kSignature).value();
  const std::string r = raw.substr(0, 32);
  const std::string s = raw.substr(32);
  const std::string zero(32, '\0');
  const std::string all_ones(32, '\xff');
  EXPECT_FALSE(key.Verify(kSigningInput, zero + s));
  EXPECT_FALSE(key.Verify(kSigningInput, r + zero));
  EXPECT_FALSE(key.Verify(kSigningInput, zero + zero));
  EXPECT_FALSE(key.Verify(kSigningInput, kOrder + s));
  EXPECT_FALSE(key.Verify(kSigningInput, r + kOrder));
  EXPECT_FALSE(key.Verify(kSigningInput, all_ones + s));
  EXPECT_FALSE(key.Verify(kSigningInput, r + all_ones));
}

TEST(Es256, SignaturesAreRaw64Bytes) {
  SeededRandom random(3);
  const PrivateKey key = PrivateKey::Generate(SignatureAlg::kES256, random).value();
  for (int i = 0; i < 20; ++i) {
    const std::string message = "message " + std::to_string(i);
    const std::string signature = key.Sign(message).value();
    ASSERT_EQ(signature.size(), kEs256SignatureSize);
    EXPECT_TRUE(key.Public().Verify(message, signature));
    EXPECT_FALSE(key.Public().Verify(message, Der(signature)));
    EXPECT_EQ(EcdsaDerToRaw(Der(signature)).value(), signature);
  }
}

// (r, n - s) verifies mathematically whenever (r, s) does: the high-S twin is refused, so a
// token has exactly one valid signature (hardening issue, item 10), and what we sign is low-S.
TEST(Es256, TheHighSTwinOfAValidSignatureIsRefused) {
  SeededRandom random(5);
  const PrivateKey key = PrivateKey::Generate(SignatureAlg::kES256, random).value();
  for (int i = 0; i < 20; ++i) {
    const std::string message = "m" + std::to_string(i);
    const std::string signature = key.Sign(message).value();
    ASSERT_TRUE(key.Public().Verify(message, signature));
    EXPECT_LT(static_cast<unsigned char>(signature[32]), 0x80u) << "not low-S";
    EXPECT_FALSE(key.Public().Verify(message, Twin(signature))) << i;
  }
}

TEST(Es256, CoordinatesOffTheCurveAreRefused) {
  std::string y = Base64UrlDecode(kJwkY).value();
  y[31] = static_cast<char>(y[31] ^ 1);
  EXPECT_FALSE(P256SpkiFromCoordinates(Base64UrlDecode(kJwkX).value(), y));
  EXPECT_FALSE(P256SpkiFromCoordinates("short", y));
}

TEST(Es256, ImportRefusesPointAtInfinity) {
  // SubjectPublicKeyInfo {id-ecPublicKey, prime256v1} with the one-byte infinity encoding 0x00.
  const std::string spki = FromHex(
      "3019301306072a8648ce3d020106082a8648ce3d030107"
      "03020000");
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kES256, spki));
}

TEST(Es256, ImportRefusesOtherCurvesAndExplicitParameters) {
  const EvpPkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_NE(p384, nullptr);
  const auto spki = [](EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int size = i2d_PUBKEY(key, &der);
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return out;
  };
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kES256, spki(p384.get())));

  const EvpPkeyPtr p256(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(p256, nullptr);
  EXPECT_TRUE(PublicKey::Import(SignatureAlg::kES256, spki(p256.get())));
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(p256.get(), OSSL_PKEY_PARAM_EC_ENCODING,
                                           OSSL_PKEY_EC_ENCODING_EXPLICIT),
            1);
  const std::string explicit_spki = spki(p256.get());
  EXPECT_GT(explicit_spki.size(), 200u);  // the curve parameters are spelled out
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kES256, explicit_spki));
}

}  // namespace
}  // namespace gatehouse::crypto
