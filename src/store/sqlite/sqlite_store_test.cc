#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

namespace gatehouse::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gh-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "g.db").string(); }
  std::filesystem::path dir_;
};

// Writes that arrive together are committed together: many concurrent writers need far fewer
// commits (disk flushes) than writes, and every write is still there afterwards.
TEST_F(SqliteStoreTest, ConcurrentWritesShareCommits) {
  auto store = SqliteStore::Open(Path()).value();
  constexpr int kThreads = 16, kWrites = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        ASSERT_TRUE(
            store
                ->Write([&](Tx& tx) -> Status {
                  return tx.AppendEvent({.type = "t" + std::to_string(t), .at = i, .payload = "{}"})
                      .status();
                })
                .ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store->LastEventSeq().value(), kThreads * kWrites);
  EXPECT_LT(store->commits(), static_cast<std::uint64_t>(kThreads * kWrites));
}

// One failing write in a batch is rolled back alone; its neighbours commit.
TEST_F(SqliteStoreTest, AFailingWriteDoesNotSinkItsBatch) {
  auto store = SqliteStore::Open(Path()).value();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Status s = store->Write([&](Tx& tx) -> Status {
        GH_RETURN_IF_ERROR(tx.AppendEvent({.type = "x", .at = t, .payload = "{}"}).status());
        if (t % 2 == 1) return Unavailable("odd writers fail");
        return OkStatus();
      });
      if (s.ok()) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 4);
  auto events = store->ReadEvents(0, 100).value();
  ASSERT_EQ(events.size(), 4u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, static_cast<std::int64_t>(i + 1));  // gap-free despite rollbacks
    EXPECT_EQ(events[i].at % 2, 0);
  }
}

// The commit listener (how committed events reach the revocation state) hears of commits that
// appended events, and of no others: a refresh-heavy load does not wake the feed for nothing. It
// is given exactly the committed events, and runs before Write returns.
TEST_F(SqliteStoreTest, CommitListenerHearsOnlyOfEvents) {
  auto store = SqliteStore::Open(Path()).value();
  std::atomic<int> heard{0};
  std::vector<EventRecord> got;
  store->SetCommitListener([&](const std::vector<EventRecord>& committed) {
    heard.fetch_add(1);
    got = committed;
  });
  ASSERT_TRUE(store->Write([](Tx& tx) { return tx.PutBan("u", "", 1); }));
  EXPECT_EQ(heard.load(), 0);
  ASSERT_TRUE(store->Write(
      [](Tx& tx) { return tx.AppendEvent({.type = "x", .at = 1, .payload = "{}"}).status(); }));
  EXPECT_EQ(heard.load(), 1);  // called on the writer thread before Write returns
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (EventRecord{.seq = 1, .type = "x", .at = 1, .payload = "{}"}));
}

// Writes batched into one commit: the listener gets the events of the writes that committed, in
// seq order, and none of a write that rolled back to its savepoint.
TEST_F(SqliteStoreTest, CommitListenerGetsOnlyCommittedEventsOfABatch) {
  auto store = SqliteStore::Open(Path()).value();
  Mutex mu;
  std::vector<EventRecord> got;
  store->SetCommitListener([&](const std::vector<EventRecord>& committed) {
    MutexLock lock(mu);
    got.insert(got.end(), committed.begin(), committed.end());
  });
  std::vector<std::thread> writers;
  for (int i = 0; i < 40; ++i) {
    writers.emplace_back([&store, i] {
      (void)store->Write([i](Tx& tx) -> Status {
        GH_RETURN_IF_ERROR(tx.AppendEvent({.type = "w", .at = i, .payload = "{}"}).status());
        if (i % 3 == 0) return Unavailable("this one rolls back");
        return OkStatus();
      });
    });
  }
  for (auto& t : writers) t.join();
  MutexLock lock(mu);
  const std::vector<EventRecord> stored = store->ReadEvents(0, 100).value();
  ASSERT_EQ(got.size(), stored.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], stored[i]);
    EXPECT_NE(got[i].at % 3, 0);
  }
}

TEST_F(SqliteStoreTest, DataSurvivesReopen) {
  {
    auto store = SqliteStore::Open(Path()).value();
    ASSERT_TRUE(store
                    ->Write([](Tx& tx) {
                      return tx.AppendEvent({.type = "durable", .at = 1, .payload = "{}"}).status();
                    })
                    .ok());
  }
  auto again = SqliteStore::Open(Path()).value();
  EXPECT_EQ(again->LastEventSeq().value(), 1);
  EXPECT_EQ(again->ReadEvents(0, 10)->at(0).type, "durable");
}

TEST(SqliteStoreOpen, UnwritablePathIsUnavailable) {
  auto r = SqliteStore::Open("/nonexistent-dir/x/y.db");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace gatehouse::store
