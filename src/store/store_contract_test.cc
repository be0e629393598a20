// The store contract: every Store backend must pass these tests (TEST_P over backends).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/memory/memory_store.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/test_database.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace gatehouse::store {
namespace {

struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)> open;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gh-store-" + GetParam().name + "-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

SigningKeyRecord Key(std::string kid, std::int64_t created) {
  return {.kid = std::move(kid),
          .alg = "EdDSA",
          .public_key = std::string("\x01\x00\x02", 3),
          .sealed_private = std::string("\x00sealed", 7),
          .created_at = created};
}

TEST_P(StoreContract, PingAnswers) { EXPECT_TRUE(store_->Ping().ok()); }

// Writes keys (and deletes kids) in one transaction.
Status SaveKeys(Store& store, const std::vector<SigningKeyRecord>& keys,
                const std::vector<std::string>& deleted = {}) {
  return store.Write([&](Tx& tx) -> Status {
    for (const auto& key : keys) GH_RETURN_IF_ERROR(tx.PutSigningKey(key));
    for (const auto& kid : deleted) GH_RETURN_IF_ERROR(tx.DeleteSigningKey(kid));
    return OkStatus();
  });
}

TEST_P(StoreContract, SigningKeysRoundTripOldestFirst) {
  ASSERT_TRUE(SaveKeys(*store_, {Key("b", 20), Key("a", 10)}).ok());
  auto keys = store_->ListSigningKeys().value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], Key("a", 10));  // binary fields survive, NUL bytes included
  EXPECT_EQ(keys[1].kid, "b");
}

TEST_P(StoreContract, SigningKeysUpsertAndDelete) {
  ASSERT_TRUE(SaveKeys(*store_, {Key("a", 10)}).ok());
  SigningKeyRecord retired = Key("a", 10);
  retired.sealed_private.clear();
  retired.retired_at = 99;
  retired.revoked = true;
  ASSERT_TRUE(SaveKeys(*store_, {retired}).ok());
  auto keys = store_->ListSigningKeys().value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], retired);
  ASSERT_TRUE(SaveKeys(*store_, {}, {"a", "missing"}).ok());
  EXPECT_TRUE(store_->ListSigningKeys()->empty());
  // A key written in a transaction that fails later is not kept.
  Status failed = store_->Write([&](Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.PutSigningKey(Key("c", 30)));
    return Unavailable("later step failed");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(store_->ListSigningKeys()->empty());
  // A read transaction cannot write keys.
  EXPECT_EQ(store_->Read([&](Tx& tx) { return tx.PutSigningKey(Key("d", 40)); }).error().code(),
            ErrorCode::kFailedPrecondition);
}

SessionRecord Session(std::string handle, std::string user, std::int64_t created) {
  return {.handle = std::move(handle),
          .user_id = std::move(user),
          .created_at = created,
          .last_active_at = created,
          .idle_expires_at = created + 1000,
          .absolute_expires_at = created + 5000,
          .user_agent = "curl/8",
          .ip = "10.0.0.1",
          .session_data = R"({"a":1})",
          .access_payload = "{}",
          .refresh_hash = std::string("\x00\x01hash", 6),
          .refresh_promoted_at = created};
}

TEST_P(StoreContract, SessionsInsertGetUpdate) {
  const SessionRecord s = Session("h1", "u1", 100);
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.InsertSession(s); }).ok());
  std::optional<SessionRecord> got;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetSession("h1"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, s);

  SessionRecord changed = s;
  changed.revoked_at = 150;
  changed.revoke_reason = "revoked";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.UpdateSession(changed); }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetSession("h1"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(*got, changed);

  Status dup = store_->Write([&](Tx& tx) { return tx.InsertSession(s); });
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  Status missing = store_->Write([&](Tx& tx) { return tx.UpdateSession(Session("no", "u", 1)); });
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  // user_id and created_at are fixed at insert: an update that changes them finds no row.
  SessionRecord moved = changed;
  moved.user_id = "someone-else";
  EXPECT_EQ(store_->Write([&](Tx& tx) { return tx.UpdateSession(moved); }).error().code(),
            ErrorCode::kNotFound);
  SessionRecord redated = changed;
  redated.created_at += 1;
  EXPECT_EQ(store_->Write([&](Tx& tx) { return tx.UpdateSession(redated); }).error().code(),
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetSession("nope"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(got.has_value());
}

TEST_P(StoreContract, ListLiveSessionsNewestFirst) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("a", "u1", 100)));
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("b", "u1", 300)));
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("c", "u2", 200)));
                    SessionRecord revoked = Session("d", "u1", 400);
                    revoked.revoked_at = 401;
                    GH_RETURN_IF_ERROR(tx.InsertSession(revoked));
                    SessionRecord expired = Session("e", "u1", 50);
                    expired.idle_expires_at = 120;
                    return tx.InsertSession(expired);
                  })
                  .ok());
  std::vector<SessionRecord> live;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(live, tx.ListLiveSessions("u1", 150));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].handle, "b");
  EXPECT_EQ(live[1].handle, "a");
}

TEST_P(StoreContract, FailedWriteLeavesNothing) {
  Status s = store_->Write([&](Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.InsertSession(Session("x", "u", 1)));
    GH_RETURN_IF_ERROR(tx.AppendEvent({.type = "t", .at = 1, .payload = "{}"}).status());
    return Unavailable("injected");
  });
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  std::optional<SessionRecord> got;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetSession("x"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(store_->LastEventSeq().value(), 0);
}

// The writes a backend may pipeline (store.h): a later read in the same transaction sees them;
// their error, even one reported late, fails the whole Write; nothing of it is committed; and the
// connection serves the next Write as if nothing had happened.
TEST_P(StoreContract, LateWriteErrorsFailTheWholeWrite) {
  std::optional<SessionRecord> seen;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("p", "u", 1)));
                    GH_ASSIGN_OR_RETURN(seen, tx.GetSession("p"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(seen.has_value());
  for (int round = 0; round < 20; ++round) {
    const std::string handle = "late" + std::to_string(round);
    Status missing = store_->Write([&](Tx& tx) -> Status {
      GH_RETURN_IF_ERROR(tx.InsertSession(Session(handle, "u", 1)));
      GH_RETURN_IF_ERROR(tx.UpdateSession(Session("absent", "u", 1)));
      GH_ASSIGN_OR_RETURN(seen, tx.GetSession(handle));  // reports the update's error here
      return OkStatus();
    });
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    // A duplicate as the last statement: only the commit can report it.
    Status dup = store_->Write([&](Tx& tx) -> Status {
      GH_RETURN_IF_ERROR(tx.InsertSession(Session(handle, "u", 1)));
      return tx.InsertSession(Session("p", "u", 1));
    });
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
    ASSERT_TRUE(store_
                    ->Read([&](Tx& tx) -> Status {
                      GH_ASSIGN_OR_RETURN(seen, tx.GetSession(handle));
                      return OkStatus();
                    })
                    .ok());
    EXPECT_FALSE(seen.has_value()) << handle;
    // The same connections, used again at once.
    ASSERT_TRUE(
        store_->Write([&](Tx& tx) { return tx.InsertSession(Session(handle, "u", 1)); }).ok());
  }
}

TEST_P(StoreContract, ReadTransactionsRefuseWrites) {
  Status s = store_->Read([&](Tx& tx) { return tx.InsertSession(Session("x", "u", 1)); });
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContract, RefreshTokensAndTrim) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("s", "u", 1)));
                    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = std::string("c\0", 2),
                                                              .session_handle = "s",
                                                              .state = RefreshState::kCommitted,
                                                              .created_at = 1}));
                    for (int i = 0; i < 6; ++i) {
                      GH_RETURN_IF_ERROR(
                          tx.InsertRefreshToken({.hash = "p" + std::to_string(i),
                                                 .session_handle = "s",
                                                 .parent_hash = std::string("c\0", 2),
                                                 .state = RefreshState::kPending,
                                                 .created_at = 10 + i}));
                    }
                    return OkStatus();
                  })
                  .ok());
  RefreshTokenRecord p0;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto t, tx.GetRefreshToken("p0"));
                    if (!t) return NotFound("p0");
                    p0 = *t;
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(p0.parent_hash, std::string("c\0", 2));
  EXPECT_EQ(p0.state, RefreshState::kPending);

  p0.state = RefreshState::kSuperseded;
  p0.superseded_at = 99;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.UpdateRefreshToken(p0));
                    return tx.TrimRefreshTokens("s", 3, {});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    for (const char* gone : {"p0", "p1", "p2"}) {
                      GH_ASSIGN_OR_RETURN(auto t, tx.GetRefreshToken(gone));
                      EXPECT_FALSE(t.has_value()) << gone;
                    }
                    for (const std::string kept :
                         {std::string("c\0", 2), std::string("p3"), std::string("p5")}) {
                      GH_ASSIGN_OR_RETURN(auto t, tx.GetRefreshToken(kept));
                      EXPECT_TRUE(t.has_value()) << kept;
                    }
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(store_->Stats()->refresh_tokens, 4);
}

// Children of a protected parent (the committed token's pending children and its siblings)
// survive any trim, however many newer tokens there are; the others are trimmed to `keep`.
// A refresh's first read: the token with its session and the user's ban, or nothing when either
// is missing; the same as reading them one by one.
TEST_P(StoreContract, RefreshStartReadsTokenSessionAndBan) {
  SessionRecord session = Session("s", "u", 1);
  session.refresh_hash = std::string("c\0", 2);
  const RefreshTokenRecord token{.hash = std::string("c\0", 2),
                                 .session_handle = "s",
                                 .parent_hash = "",
                                 .state = RefreshState::kCommitted,
                                 .created_at = 1,
                                 .superseded_at = 7};
  const RefreshTokenRecord orphan{.hash = "o", .session_handle = "gone", .created_at = 2};
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(session));
                    GH_RETURN_IF_ERROR(tx.InsertRefreshToken(token));
                    return tx.InsertRefreshToken(orphan);
                  })
                  .ok());
  const auto start = [&](std::string_view hash) {
    std::optional<RefreshStart> got;
    EXPECT_TRUE(store_
                    ->Write([&](Tx& tx) -> Status {
                      GH_ASSIGN_OR_RETURN(got, tx.GetRefreshStart(hash));
                      return OkStatus();
                    })
                    .ok());
    return got;
  };
  EXPECT_EQ(start(token.hash), (RefreshStart{.token = token, .session = session, .banned = false}));
  EXPECT_FALSE(start("unknown").has_value());
  EXPECT_FALSE(start("o").has_value());  // its session is not there
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.PutBan("u", "", 3); }).ok());
  EXPECT_EQ(start(token.hash), (RefreshStart{.token = token, .session = session, .banned = true}));
}

TEST_P(StoreContract, TrimNeverDeletesChildrenOfProtectedParents) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("s", "u", 1)));
                    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = "C",
                                                              .session_handle = "s",
                                                              .parent_hash = "B",
                                                              .state = RefreshState::kCommitted,
                                                              .created_at = 1}));
                    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = "victim",
                                                              .session_handle = "s",
                                                              .parent_hash = "C",
                                                              .state = RefreshState::kPending,
                                                              .created_at = 2}));
                    GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = "sibling",
                                                              .session_handle = "s",
                                                              .parent_hash = "B",
                                                              .state = RefreshState::kPending,
                                                              .created_at = 2}));
                    for (int i = 0; i < 20; ++i) {  // newer rows of an older generation
                      GH_RETURN_IF_ERROR(tx.InsertRefreshToken({.hash = "old" + std::to_string(i),
                                                                .session_handle = "s",
                                                                .parent_hash = "A",
                                                                .state = RefreshState::kSuperseded,
                                                                .created_at = 10 + i}));
                    }
                    return tx.TrimRefreshTokens("s", 3, {"C", "B"});
                  })
                  .ok());
  int children = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    for (const char* kept : {"C", "victim", "sibling", "old19", "old17"}) {
                      GH_ASSIGN_OR_RETURN(auto t, tx.GetRefreshToken(kept));
                      EXPECT_TRUE(t.has_value()) << kept;
                    }
                    GH_ASSIGN_OR_RETURN(auto gone, tx.GetRefreshToken("old16"));
                    EXPECT_FALSE(gone.has_value());
                    GH_ASSIGN_OR_RETURN(children, tx.CountPendingChildren("s", "C"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(children, 1);
  EXPECT_EQ(store_->Stats()->refresh_tokens, 6);
}

TEST_P(StoreContract, EventsAreGapFreeAndOrdered) {
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_
                    ->Write([&](Tx& tx) -> Status {
                      GH_ASSIGN_OR_RETURN(
                          std::int64_t seq,
                          tx.AppendEvent({.type = "session_revoked",
                                          .at = 1000 + i,
                                          .payload = R"({"n":)" + std::to_string(i) + "}"}));
                      seqs.push_back(seq);
                      return OkStatus();
                    })
                    .ok());
  }
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3}));
  // A rolled-back append does not burn a number.
  (void)store_->Write([&](Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(tx.AppendEvent({.type = "x", .at = 1, .payload = "{}"}).status());
    return Unavailable("rollback");
  });
  auto events = store_->ReadEvents(1, 10).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].seq, 2);
  EXPECT_EQ(events[1].payload, R"({"n":2})");
  EXPECT_EQ(store_->LastEventSeq().value(), 3);
  EXPECT_EQ(store_->ReadEvents(0, 2)->size(), 2u);
}

TEST_P(StoreContract, AuditNewestFirstByUser) {
  ASSERT_TRUE(
      store_
          ->Write([&](Tx& tx) -> Status {
            GH_RETURN_IF_ERROR(
                tx.AppendAudit({.at = 1, .type = "signin_succeeded", .user_id = "a"}));
            GH_RETURN_IF_ERROR(tx.AppendAudit({.at = 2, .type = "signout", .user_id = "b"}));
            return tx.AppendAudit({.at = 3, .type = "signout", .user_id = "a", .detail = "{}"});
          })
          .ok());
  auto all = store_->ListAudit("", 0, 10).value();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 3);
  auto of_a = store_->ListAudit("a", 0, 10).value();
  ASSERT_EQ(of_a.size(), 2u);
  auto page = store_->ListAudit("a", 3, 10).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].type, "signin_succeeded");
}

TEST_P(StoreContract, DeleteDeadSessionsInBatches) {
  ASSERT_TRUE(
      store_
          ->Write([&](Tx& tx) -> Status {
            for (int i = 0; i < 5; ++i) {
              SessionRecord s = Session("dead" + std::to_string(i), "u", 1);  // expires at 1001
              GH_RETURN_IF_ERROR(tx.InsertSession(s));
              GH_RETURN_IF_ERROR(tx.InsertRefreshToken(
                  {.hash = "t" + std::to_string(i), .session_handle = s.handle, .created_at = 1}));
            }
            SessionRecord revoked = Session("revoked", "u", 5000);
            revoked.revoked_at = 5001;
            GH_RETURN_IF_ERROR(tx.InsertSession(revoked));
            return tx.InsertSession(Session("live", "u", 5000));
          })
          .ok());
  EXPECT_EQ(store_->DeleteDeadSessions(2000, 0, 3).value(), 3);
  EXPECT_EQ(store_->DeleteDeadSessions(2000, 0, 3).value(), 2);
  EXPECT_EQ(store_->DeleteDeadSessions(2000, 0, 3).value(), 0);
  EXPECT_EQ(store_->DeleteDeadSessions(2000, 5002, 3).value(), 1);  // revoked long enough ago
  auto stats = store_->Stats().value();
  EXPECT_EQ(stats.sessions, 1);
  EXPECT_EQ(stats.refresh_tokens, 0);
}

TEST_P(StoreContract, ConcurrentWritersAllCommit) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Status s = store_->Write([&](Tx& tx) -> Status {
          GH_RETURN_IF_ERROR(tx.InsertSession(
              Session("t" + std::to_string(t) + "-" + std::to_string(i), "u", 10'000)));
          return tx.AppendEvent({.type = "x", .at = 1, .payload = "{}"}).status();
        });
        ASSERT_TRUE(s.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store_->Stats()->sessions, 200);
  EXPECT_EQ(store_->LastEventSeq().value(), 200);
  auto events = store_->ReadEvents(0, 1000).value();
  ASSERT_EQ(events.size(), 200u);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, std::int64_t(i + 1));
}

// Read-modify-write of one row from many threads: no update is lost (on PostgreSQL the read
// locks the row, so the writers take turns; SQLite has one writer).
TEST_P(StoreContract, WritersOfOneRowLoseNoUpdate) {
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.InsertSession(Session("hot", "u", 0)); }).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Status s = store_->Write([&](Tx& tx) -> Status {
          GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> got, tx.GetSession("hot"));
          if (!got) return NotFound("hot");
          ++got->last_active_at;
          return tx.UpdateSession(*got);
        });
        ASSERT_TRUE(s.ok()) << s.error().message();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::optional<SessionRecord> got;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetSession("hot"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->last_active_at, 120);
}

// store.h: a write's callback may run more than once (PostgreSQL runs a transaction again after
// a deadlock or serialization failure), and only its last run counts. Two writers lock two rows
// in opposite orders; where writers run concurrently one of them is chosen as the deadlock's
// victim and run again. Both end committed, each exactly once.
TEST_P(StoreContract, WriteCallbacksRunAgainAfterADeadlockCountOnce) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertSession(Session("a", "u", 0)));
                    return tx.InsertSession(Session("b", "u", 0));
                  })
                  .ok());
  std::atomic<int> calls{0};
  std::mutex mu;
  std::condition_variable both_hold;
  int first_reads = 0;  // guarded by mu
  auto crossed = [&](const std::string& first, const std::string& second) {
    return store_->Write([&](Tx& tx) -> Status {
      calls.fetch_add(1);
      GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> one, tx.GetSession(first));
      // Wait (briefly: a backend with one writer runs the other write only after this one)
      // until the other writer holds its first row too.
      {
        std::unique_lock lock(mu);
        ++first_reads;
        both_hold.notify_all();
        both_hold.wait_for(lock, std::chrono::milliseconds(200), [&] { return first_reads >= 2; });
      }
      GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> two, tx.GetSession(second));
      if (!one || !two) return NotFound("row");
      ++one->last_active_at;
      ++two->last_active_at;
      GH_RETURN_IF_ERROR(tx.UpdateSession(*one));
      GH_RETURN_IF_ERROR(tx.UpdateSession(*two));
      return tx.AppendEvent({.type = "crossed", .at = 1, .payload = "{}"}).status();
    });
  };
  Status ab;
  Status ba;
  std::thread t1([&] { ab = crossed("a", "b"); });
  std::thread t2([&] { ba = crossed("b", "a"); });
  t1.join();
  t2.join();
  ASSERT_TRUE(ab.ok()) << ab.error().message();
  ASSERT_TRUE(ba.ok()) << ba.error().message();
  EXPECT_GE(calls.load(), 2);
  if (GetParam().name == "postgres") {
    EXPECT_GE(calls.load(), 3);  // the victim ran again
  }
  std::optional<SessionRecord> a;
  std::optional<SessionRecord> b;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(a, tx.GetSession("a"));
                    GH_ASSIGN_OR_RETURN(b, tx.GetSession("b"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(a->last_active_at, 2);
  EXPECT_EQ(b->last_active_at, 2);
  EXPECT_EQ(store_->LastEventSeq().value(), 2);  // the victim's first run left no event
  EXPECT_EQ(store_->ReadEvents(0, 10)->size(), 2u);
}

// Throttle records: round trip, delete, prune by age; and a read-modify-write of one key from
// many threads loses no count (the read holds the key on PostgreSQL).
TEST_P(StoreContract, ThrottlesRoundTripPruneAndTakeTurns) {
  const ThrottleRecord r{
      .key = "email:a@b.c", .failures = "10,20", .in_flight = 1, .updated_at = 20};
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.PutThrottle(r); }).ok());
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) {
                    return tx.PutThrottle({.key = "ip:1", .failures = "", .updated_at = 5});
                  })
                  .ok());
  std::optional<ThrottleRecord> got;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetThrottle(r.key));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(got, r);
  int pruned = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(pruned, tx.PruneThrottles(10));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_EQ(pruned, 1);  // ip:1 only

  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        Status s = store_->Write([&](Tx& tx) -> Status {
          GH_ASSIGN_OR_RETURN(std::optional<ThrottleRecord> cur, tx.GetThrottle(r.key));
          if (!cur) return NotFound("throttle");
          ++cur->in_flight;
          return tx.PutThrottle(*cur);
        });
        ASSERT_TRUE(s.ok()) << s.error().message();
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetThrottle(r.key));
                    return tx.DeleteThrottle("no-such-key");
                  })
                  .ok());
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->in_flight, 1 + 6 * 15);

  // The first writers of a key no record holds yet take turns too.
  std::vector<std::thread> first;
  for (int t = 0; t < 6; ++t) {
    first.emplace_back([&] {
      Status s = store_->Write([&](Tx& tx) -> Status {
        GH_ASSIGN_OR_RETURN(std::optional<ThrottleRecord> cur, tx.GetThrottle("new-key"));
        ThrottleRecord next = cur.value_or(ThrottleRecord{.key = "new-key"});
        ++next.in_flight;
        next.updated_at = 1;
        return tx.PutThrottle(next);
      });
      ASSERT_TRUE(s.ok()) << s.error().message();
    });
  }
  for (auto& th : first) th.join();
  std::optional<ThrottleRecord> made;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(made, tx.GetThrottle("new-key"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(made.has_value());
  EXPECT_EQ(made->in_flight, 6);
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.DeleteThrottle(r.key); }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(got, tx.GetThrottle(r.key));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(got.has_value());
}

UserRecord User(std::string id, std::string email) {
  return {.id = std::move(id),
          .email = std::move(email),
          .password_hash = "$argon2id$x",
          .created_at = 5};
}

TEST_P(StoreContract, UsersByEmailPrefixArePagedInEmailOrder) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u3", "ann.c@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u1", "ann.a@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u2", "ann.b@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u4", "anna@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u5", "ann@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u6", "anm@x.io")));  // 'm' < 'n'
                    return tx.InsertUser(User("u7", "ano@x.io"));               // 'o' > 'n'
                  })
                  .ok());
  auto emails = [](const std::vector<UserRecord>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.email);
    return out;
  };
  ASSERT_TRUE(
      store_
          ->Read([&](Tx& tx) -> Status {
            GH_ASSIGN_OR_RETURN(auto first, tx.ListUsers("ann.", "", 2));
            EXPECT_EQ(emails(first), (std::vector<std::string>{"ann.a@x.io", "ann.b@x.io"}));
            GH_ASSIGN_OR_RETURN(auto second, tx.ListUsers("ann.", "ann.b@x.io", 2));
            EXPECT_EQ(emails(second), (std::vector<std::string>{"ann.c@x.io"}));
            GH_ASSIGN_OR_RETURN(auto all, tx.ListUsers("ann", "", 10));
            EXPECT_EQ(emails(all),
                      (std::vector<std::string>{"ann.a@x.io", "ann.b@x.io", "ann.c@x.io",
                                                "ann@x.io", "anna@x.io"}));
            GH_ASSIGN_OR_RETURN(auto none, tx.ListUsers("zz", "", 10));
            EXPECT_TRUE(none.empty());
            // A LIKE wildcard in the prefix is a literal character, not a pattern.
            GH_ASSIGN_OR_RETURN(auto literal, tx.ListUsers("an%", "", 10));
            EXPECT_TRUE(literal.empty());
            return OkStatus();
          })
          .ok());
}

TEST_P(StoreContract, UsersInsertLookupUpdateDeleteAndPage) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("b", "b@x.io")));
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("a", "a@x.io")));
                    return tx.InsertUser(User("c", "c@x.io"));
                  })
                  .ok());
  Status dup = store_->Write([&](Tx& tx) { return tx.InsertUser(User("d", "a@x.io")); });
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto byid, tx.GetUser("a"));
                    EXPECT_EQ(byid, User("a", "a@x.io"));
                    GH_ASSIGN_OR_RETURN(auto byemail, tx.GetUserByEmail("c@x.io"));
                    EXPECT_EQ(byemail->id, "c");
                    GH_ASSIGN_OR_RETURN(auto none, tx.GetUserByEmail("z@x.io"));
                    EXPECT_FALSE(none.has_value());
                    GH_ASSIGN_OR_RETURN(auto page, tx.ListUsers("", "", 2));
                    EXPECT_EQ(page.size(), 2u);
                    EXPECT_EQ(page[0].id, "a");
                    GH_ASSIGN_OR_RETURN(auto rest, tx.ListUsers("", "b", 10));
                    EXPECT_EQ(rest.size(), 1u);
                    return OkStatus();
                  })
                  .ok());
  UserRecord banned = User("a", "a@x.io");  // `banned` itself comes from the bans (below)
  banned.password_hash = "$argon2id$changed";
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.UpdateUser(banned); }).ok());
  bool deleted = false;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto u, tx.GetUser("a"));
                    EXPECT_EQ(u, banned);
                    GH_ASSIGN_OR_RETURN(deleted, tx.DeleteUser("a"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(deleted);
  EXPECT_EQ(store_->Write([&](Tx& tx) { return tx.UpdateUser(banned); }).error().code(),
            ErrorCode::kNotFound);
}

TEST_P(StoreContract, RolesGrantsAndClaimsVersions) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.PutRole({"editor", {"doc:read", "doc:write"}}));
                    GH_RETURN_IF_ERROR(tx.PutRole({"viewer", {"doc:read"}}));
                    GH_ASSIGN_OR_RETURN(bool added, tx.GrantRole("u1", "editor"));
                    EXPECT_TRUE(added);
                    GH_ASSIGN_OR_RETURN(added, tx.GrantRole("u1", "editor"));
                    EXPECT_FALSE(added);
                    GH_RETURN_IF_ERROR(tx.GrantRole("u1", "viewer").status());
                    GH_RETURN_IF_ERROR(tx.GrantRole("u2", "viewer").status());
                    GH_ASSIGN_OR_RETURN(std::int64_t v1, tx.BumpClaimsVersion("u1"));
                    GH_ASSIGN_OR_RETURN(std::int64_t v2, tx.BumpClaimsVersion("u1"));
                    EXPECT_EQ(v1, 1);
                    EXPECT_EQ(v2, 2);
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto role, tx.GetRole("editor"));
                    EXPECT_EQ(role, (RoleRecord{"editor", {"doc:read", "doc:write"}}));
                    GH_ASSIGN_OR_RETURN(auto roles, tx.ListRoles());
                    EXPECT_EQ(roles.size(), 2u);
                    GH_ASSIGN_OR_RETURN(auto of_u1, tx.UserRoles("u1"));
                    EXPECT_EQ(of_u1, (std::vector<std::string>{"editor", "viewer"}));
                    GH_ASSIGN_OR_RETURN(auto viewers, tx.RoleUsers("viewer"));
                    EXPECT_EQ(viewers, (std::vector<std::string>{"u1", "u2"}));
                    GH_ASSIGN_OR_RETURN(std::int64_t v, tx.ClaimsVersion("u1"));
                    EXPECT_EQ(v, 2);
                    GH_ASSIGN_OR_RETURN(std::int64_t none, tx.ClaimsVersion("nobody"));
                    EXPECT_EQ(none, 0);
                    // Both at once: a version with roles, roles without a version, neither.
                    GH_ASSIGN_OR_RETURN(ClaimsRecord u1, tx.GetClaims("u1"));
                    EXPECT_EQ(u1, (ClaimsRecord{2, {"editor", "viewer"}}));
                    GH_ASSIGN_OR_RETURN(ClaimsRecord u2, tx.GetClaims("u2"));
                    EXPECT_EQ(u2, (ClaimsRecord{0, {"viewer"}}));
                    GH_ASSIGN_OR_RETURN(ClaimsRecord nobody, tx.GetClaims("nobody"));
                    EXPECT_EQ(nobody, ClaimsRecord{});
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.PutRole({"editor", {"doc:read"}}));  // replaces
                    GH_ASSIGN_OR_RETURN(bool removed, tx.RemoveRole("u1", "viewer"));
                    EXPECT_TRUE(removed);
                    GH_ASSIGN_OR_RETURN(bool deleted, tx.DeleteRole("viewer"));
                    EXPECT_TRUE(deleted);
                    GH_ASSIGN_OR_RETURN(auto of_u2, tx.UserRoles("u2"));
                    EXPECT_TRUE(of_u2.empty());  // deleting a role removes its grants
                    GH_ASSIGN_OR_RETURN(auto editor, tx.GetRole("editor"));
                    EXPECT_EQ(editor->permissions, std::vector<std::string>{"doc:read"});
                    GH_ASSIGN_OR_RETURN(auto gone, tx.GetRole("viewer"));
                    EXPECT_FALSE(gone.has_value());
                    return OkStatus();
                  })
                  .ok());
}

TEST_P(StoreContract, BansShowOnUsers) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u", "u@x.io")));
                    return tx.PutBan("u", "spam", 10);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto user, tx.GetUser("u"));
                    EXPECT_TRUE(user.has_value() && user->banned);
                    GH_ASSIGN_OR_RETURN(bool external, tx.IsBanned("external-id"));
                    EXPECT_FALSE(external);
                    return OkStatus();
                  })
                  .ok());
  bool removed = false;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(removed, tx.DeleteBan("u"));
                    return tx.PutBan("external-id", "", 11);  // bans apply to any id
                  })
                  .ok());
  EXPECT_TRUE(removed);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto user, tx.GetUserByEmail("u@x.io"));
                    EXPECT_TRUE(user.has_value() && !user->banned);
                    GH_ASSIGN_OR_RETURN(bool external, tx.IsBanned("external-id"));
                    EXPECT_TRUE(external);
                    return OkStatus();
                  })
                  .ok());
}

TEST_P(StoreContract, PruningKeepsSequenceNumbersGoing) {
  EXPECT_EQ(store_->FirstEventSeq().value(), 1);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_
                    ->Write([&](Tx& tx) {
                      return tx.AppendEvent({.type = "e", .at = 100 + i, .payload = "{}"}).status();
                    })
                    .ok());
  }
  EXPECT_EQ(store_->PruneEvents(103, 2).value(), 2);
  EXPECT_EQ(store_->PruneEvents(103, 10).value(), 1);
  EXPECT_EQ(store_->FirstEventSeq().value(), 4);
  EXPECT_EQ(store_->PruneEvents(1000, 10).value(), 2);
  EXPECT_EQ(store_->FirstEventSeq().value(), 6);  // empty: the next seq to come
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) {
                    return tx.AppendEvent({.type = "e", .at = 200, .payload = "{}"}).status();
                  })
                  .ok());
  EXPECT_EQ(store_->LastEventSeq().value(), 6);  // never reused
  EXPECT_EQ(store_->ReadEvents(0, 10)->at(0).seq, 6);
}

std::vector<Backend> Backends() {
  std::vector<Backend> out{
      Backend{"memory", [](const auto&) { return std::make_unique<MemoryStore>(); }},
      Backend{"sqlite", [](const std::filesystem::path& dir) -> std::unique_ptr<Store> {
                auto s = SqliteStore::Open((dir / "test.db").string());
                return s ? std::move(s).value() : nullptr;
              }}};
  // On the server scripts/with-postgres starts (`make test` runs every suite with one).
  if (const std::optional<std::string> url = TestPostgresUrl()) {
    out.push_back(Backend{"postgres", [url = *url](const auto&) -> std::unique_ptr<Store> {
                            Result<std::string> fresh = FreshTestDatabase(url);
                            if (!fresh) {
                              ADD_FAILURE() << fresh.error().message();
                              return nullptr;
                            }
                            auto store = PostgresStore::Open(*fresh);
                            if (!store) ADD_FAILURE() << store.error().message();
                            return store ? std::move(store).value() : nullptr;
                          }});
  }
  return out;
}

TEST_P(StoreContract, UsersByAgeInJoinOrderWithinAPrefix) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    // Two join at one instant: the id breaks the tie.
                    for (auto [id, at] : {std::pair{"app:b", 20},
                                          {"app:a", 20},
                                          {"app:c", 10},
                                          {"other", 5},
                                          {"app:d", 30}}) {
                      UserRecord u =
                          User(id, std::string(id).substr(id[0] == 'a' ? 4 : 0) + "@x.io");
                      u.created_at = at;
                      GH_RETURN_IF_ERROR(tx.InsertUser(u));
                    }
                    return OkStatus();
                  })
                  .ok());
  auto ids = [](const std::vector<UserRecord>& users) {
    std::vector<std::string> out;
    for (const UserRecord& u : users) out.push_back(u.id);
    return out;
  };
  ASSERT_TRUE(
      store_
          ->Read([&](Tx& tx) -> Status {
            GH_ASSIGN_OR_RETURN(auto oldest, tx.ListUsersByAge("app:", false, {}, 10));
            EXPECT_EQ(ids(oldest), (std::vector<std::string>{"app:c", "app:a", "app:b", "app:d"}));
            GH_ASSIGN_OR_RETURN(auto page,
                                tx.ListUsersByAge("app:", false, Tx::UserCursor{20, "app:a"}, 2));
            EXPECT_EQ(ids(page), (std::vector<std::string>{"app:b", "app:d"}));
            GH_ASSIGN_OR_RETURN(auto newest,
                                tx.ListUsersByAge("app:", true, Tx::UserCursor{20, "app:b"}, 5));
            EXPECT_EQ(ids(newest), (std::vector<std::string>{"app:a", "app:c"}));
            GH_ASSIGN_OR_RETURN(auto all, tx.ListUsersByAge("", true, {}, 1));
            EXPECT_EQ(ids(all), (std::vector<std::string>{"app:d"}));
            GH_ASSIGN_OR_RETURN(std::int64_t in_app, tx.CountUsers("app:"));
            EXPECT_EQ(in_app, 4);
            GH_ASSIGN_OR_RETURN(std::int64_t everyone, tx.CountUsers(""));
            EXPECT_EQ(everyone, 5);
            return OkStatus();
          })
          .ok());
}

TEST_P(StoreContract, OneTimeTokensAreTakenOnce) {
  const OneTimeTokenRecord reset{
      .hash = "h1", .kind = "reset", .user_id = "u", .email = "u@x.io", .expires_at = 100};
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.PutOneTimeToken(reset));
                    OneTimeTokenRecord other = reset;
                    other.hash = "h2";
                    GH_RETURN_IF_ERROR(tx.PutOneTimeToken(other));
                    other.hash = "h3";
                    other.kind = "verify";
                    other.expires_at = 50;
                    return tx.PutOneTimeToken(other);
                  })
                  .ok());
  std::optional<OneTimeTokenRecord> first, second;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(first, tx.TakeOneTimeToken("h1"));
                    GH_ASSIGN_OR_RETURN(second, tx.TakeOneTimeToken("h1"));
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, reset);
  EXPECT_FALSE(second.has_value());
  std::optional<OneTimeTokenRecord> h2, h3;
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.DeleteOneTimeTokens("u", "reset"));
                    GH_RETURN_IF_ERROR(tx.PruneOneTimeTokens(60));  // h3 expired at 50
                    GH_ASSIGN_OR_RETURN(h2, tx.TakeOneTimeToken("h2"));
                    GH_ASSIGN_OR_RETURN(h3, tx.TakeOneTimeToken("h3"));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(h2.has_value());
  EXPECT_FALSE(h3.has_value());
}

TEST_P(StoreContract, VerifiedEmailsAreForgottenWithTheUser) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.InsertUser(User("u", "u@x.io")));
                    GH_RETURN_IF_ERROR(tx.SetEmailVerified("u", "u@x.io", true));
                    GH_RETURN_IF_ERROR(tx.SetEmailVerified("u", "u@x.io", true));  // idempotent
                    GH_RETURN_IF_ERROR(tx.SetEmailVerified("external", "e@x.io", true));
                    return tx.PutOneTimeToken({.hash = "h",
                                               .kind = "verify",
                                               .user_id = "u",
                                               .email = "u@x.io",
                                               .expires_at = 1});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(bool verified, tx.IsEmailVerified("u", "u@x.io"));
                    EXPECT_TRUE(verified);
                    GH_ASSIGN_OR_RETURN(bool other, tx.IsEmailVerified("u", "v@x.io"));
                    EXPECT_FALSE(other);
                    GH_RETURN_IF_ERROR(tx.SetEmailVerified("external", "e@x.io", false));
                    GH_ASSIGN_OR_RETURN(bool unverified, tx.IsEmailVerified("external", "e@x.io"));
                    EXPECT_FALSE(unverified);
                    return tx.DeleteUser("u").status();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(bool verified, tx.IsEmailVerified("u", "u@x.io"));
                    EXPECT_FALSE(verified);
                    GH_ASSIGN_OR_RETURN(auto token, tx.TakeOneTimeToken("h"));
                    EXPECT_FALSE(token.has_value());
                    return OkStatus();
                  })
                  .ok());
}

TEST_P(StoreContract, FaceAppsUpsertAndList) {
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) -> Status {
                    GH_RETURN_IF_ERROR(tx.PutFaceApp({.id = "b", .config = "{}"}));
                    GH_RETURN_IF_ERROR(tx.PutFaceApp({.id = "a", .config = R"({"x":1})"}));
                    return tx.PutFaceApp({.id = "b", .config = R"({"y":2})", .removed = true});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) -> Status {
                    GH_ASSIGN_OR_RETURN(auto apps, tx.ListFaceApps());
                    EXPECT_EQ(apps, (std::vector<FaceAppRecord>{
                                        {.id = "a", .config = R"({"x":1})"},
                                        {.id = "b", .config = R"({"y":2})", .removed = true}}));
                    GH_ASSIGN_OR_RETURN(auto missing, tx.GetFaceApp("c"));
                    EXPECT_FALSE(missing.has_value());
                    GH_ASSIGN_OR_RETURN(auto b, tx.GetFaceApp("b"));
                    EXPECT_TRUE(b.has_value() && b->removed);
                    return OkStatus();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::ValuesIn(Backends()),
                         [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace gatehouse::store
