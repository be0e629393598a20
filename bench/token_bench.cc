// Token benchmarks: for each algorithm, the raw library signature call beside our wrapper and
// our full JWT verify on the same key, plus the cache-hit verify. scripts/run-bench prints the
// ratios (target: full JWT verify >= 0.9 x raw verify; cache hit >= 5 M/s per core; a miss with
// the cache full >= 0.8 x a miss with room).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <memory>
#include <string>
#include <vector>

#include "common/fake_clock.h"
#include "crypto/signature.h"
#include "tokens/access_token.h"
#include "tokens/jws.h"
#include "tokens/token_verifier.h"

namespace gatehouse {
namespace {

using crypto::SignatureAlg;

struct Fixture {
  FakeClock clock;
  SeededRandom random{1234};
  std::shared_ptr<tokens::KeyRing> ring;
  std::shared_ptr<const tokens::VerifyKeys> keys;
  std::string token;
  std::string signing_input;
  std::string signature;
  tokens::VerifierOptions options{.issuer = "https://bench.test"};

  explicit Fixture(SignatureAlg alg) {
    ring = std::make_shared<tokens::KeyRing>(tokens::KeyRing::Options{.alg = alg});
    (void)ring->Rotate(clock.Now(), random).value();
    keys = std::make_shared<const tokens::VerifyKeys>(ring->VerifyKeys());
    tokens::AccessTokenSpec spec{.user_id = "user-0123456789",
                                 .session_handle = "Zk9nQ2xhc3NpY0hhbmRsZQ",
                                 .version = 4,
                                 .roles = {"admin", "editor"},
                                 .issued_at = clock.Now(),
                                 .expires_at = clock.Now() + std::chrono::minutes(10)};
    token = tokens::IssueAccessToken(spec, *ring->Signer(), options.issuer).value();
    auto jws = tokens::ParseJws(token).value();
    signing_input = std::string(jws.signing_input);
    signature = jws.signature;
  }
  const crypto::PrivateKey& key() const { return *ring->Signer()->private_key; }
};

Fixture& FixtureFor(SignatureAlg alg) {
  static auto* eddsa = new Fixture(SignatureAlg::kEdDSA);
  static auto* es256 = new Fixture(SignatureAlg::kES256);
  static auto* rs256 = new Fixture(SignatureAlg::kRS256);
  switch (alg) {
    case SignatureAlg::kEdDSA:
      return *eddsa;
    case SignatureAlg::kES256:
      return *es256;
    case SignatureAlg::kRS256:
      return *rs256;
  }
  return *eddsa;
}

// ---- raw library calls on the same key ----

struct EvpKeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<EVP_PKEY, EvpKeyDeleter> RawOpenSslKey(const Fixture& f) {
  const std::string der = f.key().ExportPrivate();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return std::unique_ptr<EVP_PKEY, EvpKeyDeleter>(
      d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
}

// ES256 JWS signatures are raw r||s; OpenSSL verifies DER. The raw call gets DER made once.
std::string DerSignature(EVP_PKEY* key, const std::string& msg) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(msg.data()),
                 msg.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

void BM_RawVerify(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  const auto* msg = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  if (alg == SignatureAlg::kEdDSA) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    const std::string seed = f.key().ExportPrivate();
    crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed.data()));
    const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
    for (auto _ : state) {
      benchmark::DoNotOptimize(crypto_sign_verify_detached(sig, msg, f.signing_input.size(), pk));
    }
  } else {
    auto key = RawOpenSslKey(f);
    const std::string sig =
        alg == SignatureAlg::kES256 ? DerSignature(key.get(), f.signing_input) : f.signature;
    for (auto _ : state) {
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
      const int ok = EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()),
                                      sig.size(), msg, f.signing_input.size());
      EVP_MD_CTX_free(ctx);
      if (ok != 1) state.SkipWithError("raw verify failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RawSign(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  const auto* msg = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  if (alg == SignatureAlg::kEdDSA) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    const std::string seed = f.key().ExportPrivate();
    crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed.data()));
    unsigned char sig[crypto_sign_BYTES];
    for (auto _ : state) {
      crypto_sign_detached(sig, nullptr, msg, f.signing_input.size(), sk);
      benchmark::DoNotOptimize(sig);
    }
  } else {
    auto key = RawOpenSslKey(f);
    for (auto _ : state) {
      benchmark::DoNotOptimize(DerSignature(key.get(), f.signing_input));
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- ours ----

void BM_OurVerify(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  const crypto::PublicKey& pub = f.ring->Signer()->public_key;
  for (auto _ : state) {
    if (!pub.Verify(f.signing_input, f.signature)) state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_OurSign(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  for (auto _ : state) benchmark::DoNotOptimize(f.key().Sign(f.signing_input));
  state.SetItemsProcessed(state.iterations());
}

void BM_JwtVerify(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  for (auto _ : state) {
    auto r = tokens::VerifyAccessToken(f.token, *f.keys, f.options, f.clock.Now());
    if (!r) state.SkipWithError("jwt verify failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_JwtIssue(benchmark::State& state, SignatureAlg alg) {
  Fixture& f = FixtureFor(alg);
  tokens::AccessTokenSpec spec{.user_id = "user-0123456789",
                               .session_handle = "Zk9nQ2xhc3NpY0hhbmRsZQ",
                               .version = 4,
                               .roles = {"admin", "editor"},
                               .issued_at = f.clock.Now(),
                               .expires_at = f.clock.Now() + std::chrono::minutes(10)};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tokens::IssueAccessToken(spec, *f.ring->Signer(), f.options.issuer));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_JwtVerifyCacheHit(benchmark::State& state) {
  Fixture& f = FixtureFor(SignatureAlg::kEdDSA);
  std::shared_ptr<const tokens::VerifyKeys> keys = f.keys;
  static tokens::TokenVerifier* verifier =
      new tokens::TokenVerifier([keys] { return keys; }, f.options);
  if (!verifier->Verify(f.token, f.clock.Now())) state.SkipWithError("warm-up failed");
  for (auto _ : state) {
    auto r = verifier->Verify(f.token, f.clock.Now());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// Verify of tokens never seen before (each a cache miss: full check, then an insert), with the
// cache below its bound (`room`) or at it (`full`: 2^20 entries, half of them recently found, so
// the clock must pass marked entries). Target: full >= 0.8 x room. Tokens are signed in batches
// with the timer paused whenever the supply runs out, so a fast machine never runs dry.
class NewTokens {
 public:
  explicit NewTokens(Fixture& f) : f_(f) {}
  const std::string& Next(benchmark::State& state) {
    if (next_ == tokens_.size()) {
      state.PauseTiming();
      Mint(10'000);
      state.ResumeTiming();
    }
    return tokens_[next_++];
  }

 private:
  void Mint(int n) {
    tokens_.clear();
    next_ = 0;
    for (int i = 0; i < n; ++i) {
      tokens::AccessTokenSpec spec{.user_id = "user-" + std::to_string(minted_ % 10'000),
                                   .session_handle = "handle-" + std::to_string(minted_++),
                                   .version = 4,
                                   .roles = {"admin", "editor"},
                                   .issued_at = f_.clock.Now(),
                                   .expires_at = f_.clock.Now() + std::chrono::minutes(10)};
      tokens_.push_back(
          tokens::IssueAccessToken(spec, *f_.ring->Signer(), f_.options.issuer).value());
    }
  }
  Fixture& f_;
  std::vector<std::string> tokens_;
  std::size_t next_ = 0;
  long minted_ = 0;
};

void BM_VerifyNewToken(benchmark::State& state, bool full) {
  Fixture& f = FixtureFor(SignatureAlg::kEdDSA);
  std::shared_ptr<const tokens::VerifyKeys> keys = f.keys;
  static auto* room = new tokens::TokenVerifier([keys] { return keys; }, f.options);
  static auto* at_bound = [&f, keys] {
    auto* v = new tokens::TokenVerifier([keys] { return keys; }, f.options);
    const SystemTime until = f.clock.Now() + std::chrono::minutes(10);
    const std::size_t n = v->cache().capacity();
    for (std::size_t i = 0; i < n; ++i) {
      // As large as a real entry: a 400-character token and its 250-byte payload.
      const std::string filler = "filler-" + std::to_string(i) + std::string(380, 'x');
      v->cache().Insert(tokens::AccessClaims::Make({.kid = "kid",
                                                    .user_id = "user-filler",
                                                    .session_handle = "handle-filler",
                                                    .token = filler,
                                                    .all_json = std::string(250, 'j')}),
                        until, f.clock.Now());
    }
    for (std::size_t i = 0; i < n; i += 2) {
      (void)v->cache().Find("filler-" + std::to_string(i) + std::string(380, 'x'), f.clock.Now());
    }
    return v;
  }();
  static auto* supply = new NewTokens(f);
  tokens::TokenVerifier& verifier = full ? *at_bound : *room;
  for (auto _ : state) {
    if (!full && verifier.cache().size() + 1 >= verifier.cache().capacity() * 9 / 10) {
      state.PauseTiming();
      verifier.cache().Clear();  // keep `room` below its bound
      state.ResumeTiming();
    }
    auto r = verifier.Verify(supply->Next(state), f.clock.Now());
    if (!r) state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cache_entries"] = static_cast<double>(verifier.cache().size());
}

#define GH_ALG_BENCH(fn)                                             \
  BENCHMARK_CAPTURE(fn, EdDSA, SignatureAlg::kEdDSA)->UseRealTime(); \
  BENCHMARK_CAPTURE(fn, ES256, SignatureAlg::kES256)->UseRealTime(); \
  BENCHMARK_CAPTURE(fn, RS256, SignatureAlg::kRS256)->UseRealTime()

GH_ALG_BENCH(BM_RawVerify);
// Both cores verifying at once: the ceiling of "HTTP verify, every token new".
BENCHMARK_CAPTURE(BM_RawVerify, EdDSA, SignatureAlg::kEdDSA)->UseRealTime()->Threads(2);
GH_ALG_BENCH(BM_OurVerify);
GH_ALG_BENCH(BM_JwtVerify);
GH_ALG_BENCH(BM_RawSign);
GH_ALG_BENCH(BM_OurSign);
GH_ALG_BENCH(BM_JwtIssue);
BENCHMARK(BM_JwtVerifyCacheHit)->UseRealTime();
BENCHMARK(BM_JwtVerifyCacheHit)->UseRealTime()->Threads(2);
BENCHMARK_CAPTURE(BM_VerifyNewToken, room, false)->UseRealTime();
BENCHMARK_CAPTURE(BM_VerifyNewToken, full, true)->UseRealTime();

}  // namespace
}  // namespace gatehouse

BENCHMARK_MAIN();
