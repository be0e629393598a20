#include "crypto/rs256.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <string>

#include "common/random.h"
#include "crypto/base64url.h"
#include "crypto/openssl_ptr.h"
#include "crypto/signature.h"

namespace gatehouse::crypto {
namespace {

// RSA key generation is slow under sanitizers: one key for the whole suite.
const PrivateKey& SharedKey() {
  static SeededRandom random(5);
  static const PrivateKey key = PrivateKey::Generate(SignatureAlg::kRS256, random).value();
  return key;
}

std::string Pkcs8Der(EVP_PKEY* key) {
  const Pkcs8Ptr info(EVP_PKEY2PKCS8(key));
  unsigned char* der = nullptr;
  const int size = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::string SpkiDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

TEST(Rs256, SignsWithPkcs1V15) {
  const PrivateKey& key = SharedKey();
  const std::string signature = key.Sign("header.payload").value();
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_TRUE(key.Public().Verify("header.payload", signature));
  // PKCS#1 v1.5 is deterministic (PSS would not be).
  EXPECT_EQ(key.Sign("header.payload").value(), signature);
}

TEST(Rs256, JwkMembers) {
  const auto jwk = SharedKey().Public().JwkMembers();
  ASSERT_EQ(jwk.size(), 3u);
  EXPECT_EQ(jwk.at("kty"), "RSA");
  EXPECT_EQ(jwk.at("e"), "AQAB");  // 65537, no leading zero byte
  const std::string n = Base64UrlDecode(jwk.at("n")).value();
  EXPECT_EQ(n.size(), 256u);
  EXPECT_NE(n[0], '\0');
}

TEST(Rs256, RefusesAlteredOrWrongLengthSignatures) {
  const PublicKey& key = SharedKey().Public();
  const std::string signature = SharedKey().Sign("m").value();
  EXPECT_FALSE(key.Verify("n", signature));
  for (std::size_t i : {0u, 100u, 255u}) {
    std::string altered = signature;
    altered[i] = static_cast<char>(altered[i] ^ 0x80);
    EXPECT_FALSE(key.Verify("m", altered)) << i;
  }
  EXPECT_FALSE(key.Verify("m", signature.substr(1)));
  EXPECT_FALSE(key.Verify("m", std::string(1, '\0') + signature));
  EXPECT_FALSE(key.Verify("m", signature + '\0'));
  EXPECT_FALSE(key.Verify("m", ""));
}

TEST(Rs256, ImportRefuses1024BitKeys) {
  const EvpPkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  ASSERT_NE(small, nullptr);
  Result<PrivateKey> private_key = PrivateKey::Import(SignatureAlg::kRS256, Pkcs8Der(small.get()));
  ASSERT_FALSE(private_key);
  EXPECT_EQ(private_key.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kRS256, SpkiDer(small.get())));
  EXPECT_FALSE(CheckRsaKey(small.get()).ok());
}

TEST(Rs256, ImportRefusesEcKeys) {
  const EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  EXPECT_FALSE(PrivateKey::Import(SignatureAlg::kRS256, Pkcs8Der(ec.get())));
  EXPECT_FALSE(PublicKey::Import(SignatureAlg::kRS256, SpkiDer(ec.get())));
}

}  // namespace
}  // namespace gatehouse::crypto
