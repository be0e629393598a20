// mint_tokens: signs N distinct access tokens with the signing key of a Gatehouse data directory,
// for the "every token new" HTTP benchmark (each request presents a token the server has never
// verified, so each one costs a full signature check). The tokens name sessions that do not
// exist, which `local` verification does not look up; they are otherwise what the server issues.
// Usage: mint_tokens <data dir> <count> <out file>   (creates the key when the directory is new)
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "app/store_factory.h"
#include "common/clock.h"
#include "common/config.h"
#include "crypto/base64url.h"
#include "crypto/csprng_random.h"
#include "keys/key_manager.h"
#include "keys/master_key.h"
#include "sessions/session_policy.h"
#include "tokens/access_token.h"

int main(int argc, char** argv) {
  using namespace gatehouse;  // NOLINT(google-build-using-namespace): tool main
  if (argc != 4) {
    std::fprintf(stderr, "usage: mint_tokens <data dir> <count> <out file>\n");
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const long count = std::atol(argv[2]);
  crypto::CsprngRandom random;
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "mint_tokens: %s\n", e.message().c_str());
    return 1;
  };
  auto store = app::OpenStore(config.DatabaseUrl());
  if (!store) return fail(store.error());
  auto master = keys::LoadOrCreateMasterKey(config.MasterKeyPath(), random);
  if (!master) return fail(master.error());
  const sessions::SessionPolicy policy;
  keys::KeyManager manager(**store, *master,
                           {.alg = crypto::SignatureAlg::kEdDSA,
                            .rotation_interval = config.key_rotation_interval,
                            .verify_window = policy.MaxAccessTokenLifetime()},
                           Clock::Real(), random);
  if (Status s = manager.Load(); !s) return fail(s.error());
  const tokens::SigningKey* key = manager.Ring()->Signer();
  const SystemTime now = Clock::Real().Now();
  // Signed on every core: 10^6 tokens take seconds, not half a minute.
  const long threads = std::max(1L, static_cast<long>(std::thread::hardware_concurrency()));
  std::vector<std::string> parts(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  std::atomic<bool> failed{false};
  for (long t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      crypto::CsprngRandom thread_random;
      std::string& part = parts[static_cast<std::size_t>(t)];
      for (long i = t; i < count; i += threads) {
        auto token = tokens::IssueAccessToken(
            {.user_id = "mint-" + std::to_string(i % 10'000),
             .session_handle = crypto::Base64UrlEncode(thread_random.Bytes(16)),
             .issued_at = now,
             .expires_at = now + policy.access_token_ttl},
            *key, config.issuer);
        if (!token) {
          failed = true;
          return;
        }
        part += *token;
        part += '\n';
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failed) return fail(Internal("signing failed"));
  std::ofstream out(argv[3]);
  for (const std::string& part : parts) out << part;
  return out ? 0 : 1;
}
