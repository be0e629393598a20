#include "tokens/verified_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/fake_clock.h"

namespace gatehouse::tokens {
namespace {

using std::chrono::seconds;

std::shared_ptr<const AccessClaims> ClaimsFor(const std::string& token, const std::string& user) {
  return AccessClaims::Make({.user_id = user, .token = token});
}

TEST(VerifiedTokenCache, HitsUntilDropTime) {
  FakeClock clock;
  VerifiedTokenCache cache(100);
  cache.Insert(ClaimsFor("tok-a", "a"), clock.Now() + seconds(10), clock.Now());
  ASSERT_NE(cache.Find("tok-a", clock.Now()), nullptr);
  EXPECT_EQ(cache.Find("tok-a", clock.Now())->user_id, "a");
  EXPECT_EQ(cache.Find("tok-b", clock.Now()), nullptr);
  clock.Advance(seconds(11));
  EXPECT_EQ(cache.Find("tok-a", clock.Now()), nullptr);
  EXPECT_EQ(cache.EvictExpired(clock.Now()), 1u);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(VerifiedTokenCache, BoundedInEntries) {
  FakeClock clock;
  VerifiedTokenCache cache(160);  // 10 per shard
  for (int i = 0; i < 5000; ++i) {
    cache.Insert(ClaimsFor("token-" + std::to_string(i), "u"), clock.Now() + seconds(60),
                 clock.Now());
  }
  EXPECT_LE(cache.size(), 160u);
  EXPECT_GT(cache.size(), 100u);
}

TEST(VerifiedTokenCache, ExpiredEntriesGoFirstWhenFull) {
  FakeClock clock;
  VerifiedTokenCache cache(16);  // 1 per shard
  for (int i = 0; i < 64; ++i) {
    cache.Insert(ClaimsFor("old-" + std::to_string(i), "u"), clock.Now() + seconds(1), clock.Now());
  }
  clock.Advance(seconds(2));
  cache.Insert(ClaimsFor("fresh", "f"), clock.Now() + seconds(60), clock.Now());
  EXPECT_NE(cache.Find("fresh", clock.Now()), nullptr);
}

// CLOCK: a token found since the hand last passed survives a flood of new ones. The old
// "erase an arbitrary entry" policy evicted hot tokens as readily as cold ones.
TEST(VerifiedTokenCache, TokensInUseSurviveAFloodOfNewOnes) {
  FakeClock clock;
  VerifiedTokenCache cache(1600);  // 100 per shard
  const auto until = clock.Now() + seconds(60);
  std::vector<std::string> hot;
  for (int i = 0; i < 100; ++i) {
    hot.push_back("hot-" + std::to_string(i));
    cache.Insert(ClaimsFor(hot.back(), hot.back()), until, clock.Now());
  }
  for (int i = 0; i < 20'000; ++i) {
    if (i % 50 == 0) {
      for (const std::string& token : hot) ASSERT_NE(cache.Find(token, clock.Now()), nullptr);
    }
    cache.Insert(ClaimsFor("cold-" + std::to_string(i), "c"), until, clock.Now());
  }
  for (const std::string& token : hot) EXPECT_NE(cache.Find(token, clock.Now()), nullptr) << token;
  EXPECT_LE(cache.size(), cache.capacity());
  EXPECT_GE(cache.size(), 1500u);  // full: every shard at its bound
}

TEST(VerifiedTokenCache, EvictExpiredFreesSlotsForReuse) {
  FakeClock clock;
  VerifiedTokenCache cache(160);
  for (int i = 0; i < 1000; ++i) {
    cache.Insert(ClaimsFor("a-" + std::to_string(i), "a"), clock.Now() + seconds(5), clock.Now());
  }
  const std::size_t full = cache.size();
  ASSERT_GE(full, 150u);
  clock.Advance(seconds(6));
  EXPECT_EQ(cache.EvictExpired(clock.Now()), full);
  EXPECT_EQ(cache.size(), 0u);
  for (int i = 0; i < 1000; ++i) {
    cache.Insert(ClaimsFor("b-" + std::to_string(i), "b"), clock.Now() + seconds(5), clock.Now());
  }
  EXPECT_EQ(cache.size(), full);  // the freed slots are used again; the bound holds
  EXPECT_NE(cache.Find("b-999", clock.Now()), nullptr);
  EXPECT_EQ(cache.Find("a-999", clock.Now()), nullptr);
}

TEST(VerifiedTokenCache, ReinsertingATokenReplacesItsEntry) {
  FakeClock clock;
  VerifiedTokenCache cache(16);
  cache.Insert(ClaimsFor("t", "first"), clock.Now() + seconds(5), clock.Now());
  cache.Insert(ClaimsFor("t", "second"), clock.Now() + seconds(60), clock.Now());
  EXPECT_EQ(cache.size(), 1u);
  clock.Advance(seconds(10));
  ASSERT_NE(cache.Find("t", clock.Now()), nullptr);
  EXPECT_EQ(cache.Find("t", clock.Now())->user_id, "second");
}

// The tables double as they fill: every entry stays findable across growth.
TEST(VerifiedTokenCache, EntriesSurviveTheTablesGrowing) {
  FakeClock clock;
  VerifiedTokenCache cache;
  for (int i = 0; i < 20'000; ++i) {
    const std::string token = "grow-" + std::to_string(i);
    cache.Insert(ClaimsFor(token, token), clock.Now() + seconds(60), clock.Now());
  }
  EXPECT_EQ(cache.size(), 20'000u);
  for (int i = 0; i < 20'000; ++i) {
    const std::string token = "grow-" + std::to_string(i);
    auto hit = cache.Find(token, clock.Now());
    ASSERT_NE(hit, nullptr) << token;
    EXPECT_EQ(hit->user_id, token);
  }
}

// Removing entries from the middle of probe runs (expired ones, every third) must leave every
// other entry findable: deletion moves later entries of a run back instead of leaving holes.
TEST(VerifiedTokenCache, EvictingSomeKeepsTheRestFindable) {
  FakeClock clock;
  VerifiedTokenCache cache(16'000);
  for (int i = 0; i < 15'000; ++i) {
    const std::string token = "mix-" + std::to_string(i);
    const auto drop = clock.Now() + seconds(i % 3 == 0 ? 1 : 60);
    cache.Insert(ClaimsFor(token, token), drop, clock.Now());
  }
  ASSERT_EQ(cache.size(), 15'000u);
  clock.Advance(seconds(2));
  EXPECT_EQ(cache.EvictExpired(clock.Now()), 5'000u);
  EXPECT_EQ(cache.size(), 10'000u);
  for (int i = 0; i < 15'000; ++i) {
    const std::string token = "mix-" + std::to_string(i);
    EXPECT_EQ(cache.Find(token, clock.Now()) != nullptr, i % 3 != 0) << token;
  }
}

// The block holds copies: the claims outlive the strings they were made from, and outlive
// their eviction while a caller holds them.
TEST(AccessClaims, MakeCopiesEveryPartIntoTheBlock) {
  std::shared_ptr<const AccessClaims> claims;
  {
    std::string user = "user-with-a-name-longer-than-sso", role_a = "editor", role_b = "admin";
    std::string token = std::string(300, 't');
    claims = AccessClaims::Make({.kid = "k1",
                                 .user_id = user,
                                 .session_handle = "handle-1",
                                 .issued_at_s = 10,
                                 .expires_at_s = 20,
                                 .version = 3,
                                 .roles = {role_a, role_b},
                                 .token = token,
                                 .all_json = R"({"sub":"u"})"});
    user.assign(user.size(), 'x');
    token.assign(token.size(), 'x');
    role_a.assign(role_a.size(), 'x');
  }
  EXPECT_EQ(claims->kid, "k1");
  EXPECT_EQ(claims->user_id, "user-with-a-name-longer-than-sso");
  EXPECT_EQ(claims->session_handle, "handle-1");
  EXPECT_EQ(claims->issued_at_s, 10);
  EXPECT_EQ(claims->expires_at_s, 20);
  EXPECT_EQ(claims->version, 3);
  EXPECT_EQ(claims->RoleList(), (std::vector<std::string>{"editor", "admin"}));
  EXPECT_EQ(claims->token, std::string(300, 't'));
  EXPECT_EQ(claims->AllJson(), R"({"sub":"u"})");

  FakeClock clock;
  VerifiedTokenCache cache(16);
  cache.Insert(claims, clock.Now() + seconds(1), clock.Now());
  auto held = cache.Find(claims->token, clock.Now());
  claims.reset();
  cache.Clear();
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->user_id, "user-with-a-name-longer-than-sso");
}

TEST(VerifiedTokenCache, ClearDropsEverything) {
  FakeClock clock;
  VerifiedTokenCache cache;
  cache.Insert(ClaimsFor("t", "u"), clock.Now() + seconds(60), clock.Now());
  cache.Clear();
  EXPECT_EQ(cache.Find("t", clock.Now()), nullptr);
}

TEST(VerifiedTokenCache, ConcurrentReadersAndWriters) {
  FakeClock clock;
  VerifiedTokenCache cache(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string token = "t" + std::to_string((i * 7 + t) % 300);
        if (i % 3 == 0) {
          cache.Insert(ClaimsFor(token, token), clock.Now() + seconds(60), clock.Now());
        } else if (auto hit = cache.Find(token, clock.Now())) {
          ASSERT_EQ(hit->user_id, token);  // never another token's claims
        }
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
}  // namespace gatehouse::tokens
