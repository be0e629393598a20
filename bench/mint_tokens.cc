// mint_tokens: signs N distinct access tokens with the signing key of a Gatehouse data directory,
// for the "every token new" HTTP benchmark (each request presents a token the server has never
// verified, so each one costs a full signature check). The tokens name sessions that do not
// exist, which `local` verification does not look up; they are otherwise what the server issues.
// Usage: mint_tokens <data dir> <count> <out file>   (creates the key when the directory is new)
//        mint_tokens <data dir> --serve   loads the key, closes the database (a running server
//          holds it alone), prints "ready", then mints for each "<count> <out file>" line read
//          from stdin and prints "ok" (or "failed") after each.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/store_factory.h"
#include "common/clock.h"
#include "crypto/base64url.h"
#include "crypto/csprng_random.h"
#include "keys/key_manager.h"
#include "keys/master_key.h"
#include "runtime/config.h"
#include "sessions/session_policy.h"
#include "tokens/access_token.h"
#include "tokens/key_ring.h"

namespace gatehouse {
namespace {

int Fail(const Error& e) {
  std::fprintf(stderr, "mint_tokens: %s\n", e.message().c_str());
  return 1;
}

// The key ring of the data directory (its key created when the directory is new); the database
// is closed again when this returns.
Result<std::shared_ptr<const tokens::KeyRing>> LoadRing(const Config& config) {
  crypto::CsprngRandom random;
  GH_ASSIGN_OR_RETURN(auto store, app::OpenStore(config.DatabaseUrl()));
  GH_ASSIGN_OR_RETURN(std::string master,
                      keys::LoadOrCreateMasterKey(config.MasterKeyPath(), random));
  const sessions::SessionPolicy policy;
  keys::KeyManager manager(*store, master,
                           {.alg = crypto::SignatureAlg::kEdDSA,
                            .rotation_interval = config.key_rotation_interval,
                            .verify_window = policy.MaxAccessTokenLifetime()},
                           Clock::Real(), random);
  GH_RETURN_IF_ERROR(manager.Load());
  return manager.Ring();
}

// Writes `count` fresh tokens, one a line, to `path`; signed on every core (10^6 take seconds).
Status Mint(const tokens::SigningKey& key, const std::string& issuer, long count,
            const std::string& path) {
  const sessions::SessionPolicy policy;
  const SystemTime now = Clock::Real().Now();
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
            key, issuer);
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
  if (failed) return Internal("signing failed");
  std::ofstream out(path);
  for (const std::string& part : parts) out << part;
  out.close();
  if (!out) return Internal("cannot write " + path);
  return OkStatus();
}

}  // namespace
}  // namespace gatehouse

int main(int argc, char** argv) {
  using namespace gatehouse;  // NOLINT(google-build-using-namespace): tool main
  const bool serve = argc == 3 && std::string(argv[2]) == "--serve";
  if (argc != 4 && !serve) {
    std::fprintf(stderr, "usage: mint_tokens <data dir> <count> <out file> | <data dir> --serve\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);  // stdout carries the --serve protocol
  Config config;
  config.data_dir = argv[1];
  auto ring = LoadRing(config);
  if (!ring) return Fail(ring.error());
  const tokens::SigningKey& key = *(*ring)->Signer();
  if (!serve) {
    Status s = Mint(key, config.issuer, std::atol(argv[2]), argv[3]);
    return s ? 0 : Fail(s.error());
  }
  std::cout << "ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    long count = 0;
    std::string path;
    words >> count >> path;
    Status s = Mint(key, config.issuer, count, path);
    if (!s) Fail(s.error());
    std::cout << (s ? "ok" : "failed") << std::endl;
  }
  return 0;
}
