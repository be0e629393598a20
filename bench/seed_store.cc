// seed_store: fills a Gatehouse SQLite file with N live sessions fast (for the load benchmarks
// at 10^3, 10^5 and 10^6 stored sessions). Each session gets a committed refresh-token row, as a
// real one would. Usage: seed_store <db path> <count>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "crypto/base64url.h"
#include "crypto/hash.h"
#include "store/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  using namespace gatehouse;  // NOLINT(google-build-using-namespace): tool main
  if (argc != 3) {
    std::fprintf(stderr, "usage: seed_store <db path> <count>\n");
    return 2;
  }
  const std::string path = argv[1];
  const long count = std::atol(argv[2]);
  auto store = store::SqliteStore::Open(path);
  if (!store) {
    std::fprintf(stderr, "seed_store: %s\n", store.error().message().c_str());
    return 1;
  }
  SeededRandom random(42);
  const std::int64_t now = ToUnixMillis(Clock::Real().Now());
  constexpr long kBatch = 20'000;
  for (long done = 0; done < count;) {
    const long n = std::min(kBatch, count - done);
    Status s = (*store)->Write([&](store::Tx& tx) -> Status {
      for (long i = 0; i < n; ++i) {
        const std::string refresh_hash = crypto::Sha256Bytes(random.Bytes(32));
        store::SessionRecord session{.handle = crypto::Base64UrlEncode(random.Bytes(16)),
                                     .user_id = "seed-user-" + std::to_string((done + i) % 100'000),
                                     .created_at = now,
                                     .last_active_at = now,
                                     .idle_expires_at = now + 14LL * 24 * 3600 * 1000,
                                     .absolute_expires_at = now + 30LL * 24 * 3600 * 1000,
                                     .user_agent = "seed",
                                     .ip = "127.0.0.1",
                                     .refresh_hash = refresh_hash,
                                     .refresh_promoted_at = now};
        GH_RETURN_IF_ERROR(tx.InsertSession(session));
        GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = refresh_hash,
                                                  .session_handle = session.handle,
                                                  .state = store::RefreshState::kCommitted,
                                                  .created_at = now}));
      }
      return OkStatus();
    });
    if (!s) {
      std::fprintf(stderr, "seed_store: %s\n", s.error().message().c_str());
      return 1;
    }
    done += n;
  }
  std::printf("seeded %ld sessions into %s\n", count, path.c_str());
  return 0;
}
