#include "crypto/signature.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/random.h"

namespace gatehouse::crypto {
namespace {

TEST(SignatureAlg, NamesRoundTrip) {
  for (SignatureAlg alg : {SignatureAlg::kEdDSA, SignatureAlg::kES256, SignatureAlg::kRS256}) {
    EXPECT_EQ(ParseAlg(AlgName(alg)).value(), alg);
  }
  EXPECT_EQ(AlgName(SignatureAlg::kEdDSA), "EdDSA");
  EXPECT_EQ(AlgName(SignatureAlg::kES256), "ES256");
  EXPECT_EQ(AlgName(SignatureAlg::kRS256), "RS256");
  for (std::string_view bad : {"", "none", "HS256", "es256", "Ed25519", "RS256 ", "PS256"}) {
    EXPECT_FALSE(ParseAlg(bad)) << bad;
  }
}

// One generated key per algorithm for the whole suite (RSA generation is slow under ASan).
const PrivateKey& KeyFor(SignatureAlg alg, int which = 0) {
  static SeededRandom random(11);
  static std::map<std::pair<SignatureAlg, int>, PrivateKey>* keys =
      new std::map<std::pair<SignatureAlg, int>, PrivateKey>();
  auto it = keys->find({alg, which});
  if (it == keys->end()) {
    it = keys->emplace(std::pair{alg, which}, PrivateKey::Generate(alg, random).value()).first;
  }
  return it->second;
}

class Signature : public ::testing::TestWithParam<SignatureAlg> {
 protected:
  SignatureAlg alg() const { return GetParam(); }
  const PrivateKey& key() const { return KeyFor(alg()); }
};

TEST_P(Signature, SignsAndVerifies) {
  EXPECT_EQ(key().alg(), alg());
  EXPECT_EQ(key().Public().alg(), alg());
  for (const std::string& message : {std::string(), std::string("header.payload"),
                                     std::string(10000, 'x'), std::string("a\0b", 3)}) {
    const std::string signature = key().Sign(message).value();
    EXPECT_TRUE(key().Public().Verify(message, signature));
  }
}

TEST_P(Signature, RefusesWrongKey) {
  const std::string signature = key().Sign("m").value();
  EXPECT_FALSE(KeyFor(alg(), 1).Public().Verify("m", signature));
}

TEST_P(Signature, RefusesModifiedMessage) {
  const std::string signature = key().Sign("header.payload").value();
  EXPECT_FALSE(key().Public().Verify("header.payloae", signature));
  EXPECT_FALSE(key().Public().Verify("header.payload ", signature));
  EXPECT_FALSE(key().Public().Verify("", signature));
}

TEST_P(Signature, RefusesEverySingleBitFlipOfTheSignature) {
  const std::string signature = key().Sign("m").value();
  for (std::size_t bit = 0; bit < signature.size() * 8; ++bit) {
    std::string altered = signature;
    altered[bit / 8] = static_cast<char>(altered[bit / 8] ^ (1 << (bit % 8)));
    ASSERT_FALSE(key().Public().Verify("m", altered)) << "bit " << bit;
  }
}

TEST_P(Signature, RefusesWrongLengthSignatures) {
  const std::string signature = key().Sign("m").value();
  EXPECT_FALSE(key().Public().Verify("m", signature.substr(0, signature.size() - 1)));
  EXPECT_FALSE(key().Public().Verify("m", signature + '\0'));
  EXPECT_FALSE(key().Public().Verify("m", ""));
  EXPECT_FALSE(key().Public().Verify("m", std::string(signature.size(), '\0')));
}

TEST_P(Signature, ExportImportRoundTrip) {
  Result<PrivateKey> restored = PrivateKey::Import(alg(), key().ExportPrivate());
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->ExportPrivate(), key().ExportPrivate());
  EXPECT_EQ(restored->Public().ExportPublic(), key().Public().ExportPublic());
  EXPECT_TRUE(key().Public().Verify("m", restored->Sign("m").value()));

  Result<PublicKey> public_key = PublicKey::Import(alg(), key().Public().ExportPublic());
  ASSERT_TRUE(public_key);
  EXPECT_EQ(public_key->ExportPublic(), key().Public().ExportPublic());
  EXPECT_EQ(public_key->JwkMembers(), key().Public().JwkMembers());
  EXPECT_TRUE(public_key->Verify("m", key().Sign("m").value()));
}

TEST_P(Signature, ImportOfGarbageFailsCleanly) {
  SeededRandom random(99);
  const std::string exported_private = key().ExportPrivate();
  const std::string exported_public = key().Public().ExportPublic();
  std::vector<std::string> garbage = {"",
                                      "x",
                                      std::string(32, '\0'),
                                      exported_private.substr(0, exported_private.size() - 1),
                                      exported_private + '\0',
                                      exported_public + '\0',
                                      exported_public.substr(1)};
  for (std::size_t size : {16u, 31u, 33u, 64u, 91u, 138u, 294u, 1200u}) {
    garbage.push_back(random.Bytes(size));
  }
  for (const std::string& bytes : garbage) {
    Result<PrivateKey> private_key = PrivateKey::Import(alg(), bytes);
    if (private_key) {
      // Only an Ed25519 seed can be any 32 bytes.
      EXPECT_EQ(alg(), SignatureAlg::kEdDSA);
      EXPECT_EQ(bytes.size(), 32u);
    } else {
      EXPECT_EQ(private_key.error().code(), ErrorCode::kInvalidArgument);
    }
    Result<PublicKey> public_key = PublicKey::Import(alg(), bytes);
    if (!public_key) {
      EXPECT_EQ(public_key.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST_P(Signature, ImportRefusesOtherAlgorithmsKeys) {
  for (SignatureAlg other : {SignatureAlg::kEdDSA, SignatureAlg::kES256, SignatureAlg::kRS256}) {
    if (other == alg()) continue;
    EXPECT_FALSE(PublicKey::Import(alg(), KeyFor(other).Public().ExportPublic()));
    if (alg() != SignatureAlg::kEdDSA) {  // any 32 bytes are an Ed25519 seed
      EXPECT_FALSE(PrivateKey::Import(alg(), KeyFor(other).ExportPrivate()));
    }
  }
}

// A JWKS reader (the client library) rebuilds the key from the members the server publishes;
// members of another type, curve or a damaged value are refused.
TEST_P(Signature, JwkMembersRoundTrip) {
  const std::map<std::string, std::string> members = key().Public().JwkMembers();
  const PublicKey back = PublicKey::FromJwk(alg(), members).value();
  EXPECT_EQ(back.ExportPublic(), key().Public().ExportPublic());
  const std::string signature = key().Sign("header.payload").value();
  EXPECT_TRUE(back.Verify("header.payload", signature));
  for (SignatureAlg other : {SignatureAlg::kEdDSA, SignatureAlg::kES256, SignatureAlg::kRS256}) {
    if (other != alg()) {
      EXPECT_FALSE(PublicKey::FromJwk(other, members));
    }
  }
  for (const auto& [name, value] : members) {
    std::map<std::string, std::string> damaged = members;
    if (name != "e") {  // (a shorter RSA exponent is still an exponent)
      damaged[name] = name == "kty" || name == "crv" ? "X" : value.substr(0, value.size() / 2);
      EXPECT_FALSE(PublicKey::FromJwk(alg(), damaged)) << name;
    }
    damaged.erase(name);
    EXPECT_FALSE(PublicKey::FromJwk(alg(), damaged)) << name;
  }
}

TEST_P(Signature, CopiesOfPublicKeySharePublicMaterial) {
  const PublicKey copy = key().Public();
  EXPECT_EQ(copy.ExportPublic(), key().Public().ExportPublic());
  EXPECT_TRUE(copy.Verify("m", key().Sign("m").value()));
}

TEST_P(Signature, MovedFromKeysFailSafely) {
  PrivateKey original = PrivateKey::Import(alg(), key().ExportPrivate()).value();
  PrivateKey moved = std::move(original);
  EXPECT_TRUE(moved.Public().Verify("m", moved.Sign("m").value()));
  // NOLINTNEXTLINE(bugprone-use-after-move): checking the documented moved-from state
  EXPECT_FALSE(original.Sign("m"));
  EXPECT_FALSE(original.Public().Verify("m", moved.Sign("m").value()));
}

TEST_P(Signature, ConcurrentSignAndVerify) {
  const std::string signature = key().Sign("shared").value();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string message = std::to_string(t) + ":" + std::to_string(i);
        if (!key().Public().Verify("shared", signature)) ++failures;
        if (!key().Public().Verify(message, key().Sign(message).value())) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, Signature,
                         ::testing::Values(SignatureAlg::kEdDSA, SignatureAlg::kES256,
                                           SignatureAlg::kRS256),
                         [](const ::testing::TestParamInfo<SignatureAlg>& param_info) {
                           return std::string(AlgName(param_info.param));
                         });

}  // namespace
}  // namespace gatehouse::crypto
