// seed_store: fills a Gatehouse store with N live sessions fast (for the load benchmarks at 10^3,
// 10^5 and 10^6 stored sessions). Each session gets a committed refresh-token row, as a real one
// would. Usage: seed_store <SQLite file path | postgres:// URL> <count> [<users>]
// With <users>, also that many user rows (seed-user-<i>, email seed-user-<i>@example.com, a
// password no one knows) owning the sessions round robin, and one audit entry per session, for
// the console benchmark (scripts/console_bench.py).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "crypto/base64url.h"
#include "crypto/hash.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  using namespace gatehouse;  // NOLINT(google-build-using-namespace): tool main
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: seed_store <db path> <count> [<users>]\n");
    return 2;
  }
  const std::string path = argv[1];
  const long count = std::atol(argv[2]);
  const long users = argc == 4 ? std::atol(argv[3]) : 0;
  const long owners = users > 0 ? users : 100'000;
  Result<std::unique_ptr<store::Store>> store = [&]() -> Result<std::unique_ptr<store::Store>> {
    if (path.starts_with("postgres://") || path.starts_with("postgresql://")) {
      GH_ASSIGN_OR_RETURN(auto pg, store::PostgresStore::Open(path));
      return std::unique_ptr<store::Store>(std::move(pg));
    }
    GH_ASSIGN_OR_RETURN(auto sqlite, store::SqliteStore::Open(path));
    return std::unique_ptr<store::Store>(std::move(sqlite));
  }();
  if (!store) {
    std::fprintf(stderr, "seed_store: %s\n", store.error().message().c_str());
    return 1;
  }
  SeededRandom random(42);
  const std::int64_t now = ToUnixMillis(Clock::Real().Now());
  constexpr long kBatch = 20'000;
  for (long done = 0; done < users;) {
    const long n = std::min(kBatch, users - done);
    Status s = (*store)->Write([&](store::Tx& tx) -> Status {
      for (long i = done; i < done + n; ++i) {
        const std::string id = "seed-user-" + std::to_string(i);
        GH_RETURN_IF_ERROR(
            tx.InsertUser({.id = id,
                           .email = id + "@example.com",
                           // Well formed, of a random password: it signs no one in.
                           .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$" +
                                            crypto::Base64UrlEncode(random.Bytes(16)) + "$" +
                                            crypto::Base64UrlEncode(random.Bytes(32)),
                           .created_at = now - i}));
      }
      return OkStatus();
    });
    if (!s) {
      std::fprintf(stderr, "seed_store: %s\n", s.error().message().c_str());
      return 1;
    }
    done += n;
  }
  for (long done = 0; done < count;) {
    const long n = std::min(kBatch, count - done);
    Status s = (*store)->Write([&](store::Tx& tx) -> Status {
      for (long i = 0; i < n; ++i) {
        const std::string refresh_hash = crypto::Sha256Bytes(random.Bytes(32));
        store::SessionRecord session{.handle = crypto::Base64UrlEncode(random.Bytes(16)),
                                     .user_id = "seed-user-" + std::to_string((done + i) % owners),
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
        if (users > 0) {
          GH_RETURN_IF_ERROR(tx.AppendAudit({.at = now,
                                             .type = "signin_succeeded",
                                             .user_id = session.user_id,
                                             .session_handle = session.handle,
                                             .actor = "user",
                                             .ip = "127.0.0.1",
                                             .detail = "{}"}));
        }
      }
      return OkStatus();
    });
    if (!s) {
      std::fprintf(stderr, "seed_store: %s\n", s.error().message().c_str());
      return 1;
    }
    done += n;
  }
  std::printf("seeded %ld sessions and %ld users into %s\n", count, users, path.c_str());
  return 0;
}
