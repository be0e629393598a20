#include "keys/key_manager.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/fake_clock.h"
#include "keys/master_key.h"
#include "store/fault_injecting_store.h"
#include "store/memory/memory_store.h"

namespace gatehouse::keys {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class KeyManagerTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  SeededRandom random_{21};
  store::MemoryStore store_;
  std::string master_ = random_.Bytes(kMasterKeySize);
  tokens::KeyRing::Options options_{.alg = crypto::SignatureAlg::kEdDSA,
                                    .rotation_interval = hours(24),
                                    .verify_window = minutes(11)};

  std::unique_ptr<KeyManager> Open(const std::string& master) {
    auto m = std::make_unique<KeyManager>(store_, master, options_, clock_, random_);
    Status s = m->Load();
    if (!s) return nullptr;
    return m;
  }
};

TEST_F(KeyManagerTest, FirstLoadCreatesAndPersistsASealedKey) {
  auto manager = Open(master_);
  ASSERT_NE(manager, nullptr);
  const tokens::SigningKey* signer = manager->Ring()->Signer();
  ASSERT_NE(signer, nullptr);
  auto records = store_.ListSigningKeys().value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kid, signer->kid);
  // The store holds the private key only sealed: its raw bytes appear nowhere.
  const std::string raw = signer->private_key->ExportPrivate();
  EXPECT_EQ(records[0].sealed_private.find(raw), std::string::npos);
  EXPECT_GT(records[0].sealed_private.size(), raw.size());
}

TEST_F(KeyManagerTest, ReloadSignsWithTheSameKey) {
  std::string kid;
  std::string sig;
  {
    auto manager = Open(master_);
    kid = manager->Ring()->Signer()->kid;
  }
  auto again = Open(master_);
  ASSERT_NE(again, nullptr);
  const tokens::SigningKey* signer = again->Ring()->Signer();
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->kid, kid);
  const std::string signature = signer->private_key->Sign("m").value();
  EXPECT_TRUE(signer->public_key.Verify("m", signature));
  EXPECT_EQ(store_.ListSigningKeys()->size(), 1u);  // no new key on restart
}

TEST_F(KeyManagerTest, WrongMasterKeyIsRefused) {
  ASSERT_NE(Open(master_), nullptr);
  auto manager = std::make_unique<KeyManager>(store_, random_.Bytes(kMasterKeySize), options_,
                                              clock_, random_);
  Status s = manager->Load();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(KeyManagerTest, RotatesOnScheduleAndPrunes) {
  auto manager = Open(master_);
  const std::string kid1 = manager->Ring()->Signer()->kid;
  clock_.Advance(hours(23));
  ASSERT_TRUE(manager->RotateIfDue().ok());
  EXPECT_EQ(manager->Ring()->Signer()->kid, kid1);
  clock_.Advance(hours(1));
  ASSERT_TRUE(manager->RotateIfDue().ok());
  const std::string kid2 = manager->Ring()->Signer()->kid;
  EXPECT_NE(kid2, kid1);
  auto records = store_.ListSigningKeys().value();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].sealed_private.empty());  // retired: private half gone from disk too
  EXPECT_TRUE(records[0].retired_at.has_value());

  clock_.Advance(minutes(12));
  ASSERT_TRUE(manager->RotateIfDue().ok());
  EXPECT_EQ(manager->Ring()->Find(kid1), nullptr);
  EXPECT_EQ(store_.ListSigningKeys()->size(), 1u);
}

TEST_F(KeyManagerTest, EmergencyRotationRevokesAndNotifies) {
  auto manager = Open(master_);
  const std::string kid1 = manager->Ring()->Signer()->kid;
  std::vector<std::string> notified;
  manager->SetListener([&](const std::vector<std::string>& revoked) { notified = revoked; });
  const std::string kid2 = manager->Rotate(/*revoke_previous=*/true).value();
  EXPECT_EQ(notified, std::vector<std::string>{kid1});
  EXPECT_TRUE(manager->Ring()->Find(kid1)->revoked);
  EXPECT_EQ(manager->Ring()->Signer()->kid, kid2);
  // Survives a restart.
  auto again = Open(master_);
  EXPECT_TRUE(again->Ring()->Find(kid1)->revoked);
  // One key_revoked event, and the audit of each rotation and of the revocation.
  auto events = store_.ReadEvents(0, 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "key_revoked");
  EXPECT_EQ(events[0].payload, R"({"kid":")" + kid1 + "\"}");
  auto audit = store_.ListAudit("", 0, 10).value();
  ASSERT_EQ(audit.size(), 3u);  // newest first; the first key was made on schedule by Load
  EXPECT_EQ(audit[0].type, "key_revoked");
  EXPECT_EQ(audit[1].type, "key_rotated");
  EXPECT_EQ(audit[1].actor, "api");
  EXPECT_EQ(audit[2].type, "key_rotated");
  EXPECT_EQ(audit[2].actor, "schedule");
}

TEST_F(KeyManagerTest, AFailedWriteChangesNothing) {
  store::FaultInjectingStore faulty(store_);
  auto manager = std::make_unique<KeyManager>(faulty, master_, options_, clock_, random_);
  ASSERT_TRUE(manager->Load());
  const std::string kid1 = manager->Ring()->Signer()->kid;
  const std::size_t events = store_.ReadEvents(0, 10)->size();
  bool rotated = false;
  for (int n = 1; n <= 20 && !rotated; ++n) {  // every store call of the rotation in turn
    faulty.FailAt(n);
    rotated = manager->Rotate(/*revoke_previous=*/true).has_value();
    if (rotated) break;
    EXPECT_EQ(manager->Ring()->Signer()->kid, kid1) << n;
    EXPECT_FALSE(manager->Ring()->Find(kid1)->revoked) << n;
    EXPECT_EQ(store_.ReadEvents(0, 10)->size(), events) << n;
    EXPECT_EQ(store_.ListSigningKeys()->size(), 1u) << n;
  }
  EXPECT_TRUE(rotated);  // the loop reached a call beyond the last step
  EXPECT_EQ(store_.ReadEvents(0, 10)->size(), events + 1);
}

// Two instances on one store: each change starts from the store's keys, and the other one
// converges by Reload (its timer), LoadUnknownKid (a token of the new key) or RequestReload
// (a key_revoked event) — never signing with a key revoked elsewhere.
TEST_F(KeyManagerTest, InstancesSharingAStoreConverge) {
  auto a = Open(master_);
  auto b = Open(master_);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string first = a->Ring()->Signer()->kid;
  EXPECT_EQ(b->Ring()->Signer()->kid, first);  // B loaded A's key instead of making its own

  const std::string second = a->Rotate(/*revoke_previous=*/false).value();
  EXPECT_EQ(b->Ring()->Find(second), nullptr);
  EXPECT_TRUE(b->LoadUnknownKid(second));
  EXPECT_EQ(b->Ring()->Signer()->kid, second);
  const std::string unknown = "no-such-kid";
  EXPECT_FALSE(b->LoadUnknownKid(unknown));  // reloads at most once a second
  EXPECT_EQ(b->Ring()->Find(unknown), nullptr);

  // B rotates next: it retires A's key too (it read it from the store first).
  const std::string third = b->Rotate(/*revoke_previous=*/false).value();
  ASSERT_TRUE(a->Reload());
  int active = 0;
  for (const auto& key : a->Ring()->keys()) active += key.active() ? 1 : 0;
  EXPECT_EQ(active, 1);
  EXPECT_EQ(a->Ring()->Signer()->kid, third);

  // An emergency rotation on A: once B hears (the feed's key_revoked), B signs with A's key.
  const std::string fourth = a->Rotate(/*revoke_previous=*/true).value();
  EXPECT_EQ(b->SigningRing()->Signer()->kid, third);  // not heard yet
  b->RequestReload();
  EXPECT_EQ(b->SigningRing()->Signer()->kid, fourth);
  EXPECT_TRUE(b->Ring()->Find(third)->revoked);
}

// Two families on one store (the native ring and the SuperTokens face's "d-" RS256 keys): each
// manager sees, rotates, revokes and prunes only its own keys.
TEST_F(KeyManagerTest, FamiliesSharingAStoreKeepToTheirOwnKeys) {
  auto native = Open(master_);
  tokens::KeyRing::Options dynamic_options{.alg = crypto::SignatureAlg::kRS256,
                                           .rotation_interval = hours(168),
                                           .verify_window = minutes(61),
                                           .kid_prefix = "d-"};
  KeyManager dynamic(store_, master_, dynamic_options, clock_, random_);
  ASSERT_TRUE(dynamic.Load());
  const tokens::SigningKey* d1 = dynamic.Ring()->Signer();
  ASSERT_NE(d1, nullptr);
  EXPECT_EQ(d1->kid, "d-" + std::to_string(ToUnixMillis(clock_.Now())));
  EXPECT_EQ(d1->alg, crypto::SignatureAlg::kRS256);
  const std::string n1 = native->Ring()->Signer()->kid;
  EXPECT_FALSE(tokens::KeyRing::Owns("d-", n1));
  EXPECT_EQ(store_.ListSigningKeys()->size(), 2u);
  EXPECT_EQ(native->Ring()->keys().size(), 1u);
  EXPECT_EQ(dynamic.Ring()->keys().size(), 1u);

  // An emergency rotation of the native ring leaves the dynamic key signing, and the reverse.
  const std::string d1_kid = d1->kid;
  const std::string n2 = native->Rotate(/*revoke_previous=*/true).value();
  ASSERT_TRUE(dynamic.Reload());
  EXPECT_EQ(dynamic.Ring()->Signer()->kid, d1_kid);
  EXPECT_FALSE(dynamic.Ring()->Find(d1_kid)->revoked);
  clock_.Advance(std::chrono::milliseconds(1));
  const std::string d2 = dynamic.Rotate(/*revoke_previous=*/true).value();
  ASSERT_TRUE(native->Reload());
  EXPECT_EQ(native->Ring()->Signer()->kid, n2);
  EXPECT_EQ(native->Ring()->keys().size(), 2u);  // n1 (revoked) and n2: no "d-" key among them
  EXPECT_EQ(dynamic.Ring()->Find(n2), nullptr);
  EXPECT_TRUE(dynamic.Ring()->Find(d1_kid)->revoked);
  EXPECT_EQ(dynamic.Ring()->Signer()->kid, d2);
  // Each family's JWKS holds its own keys only.
  const std::string jwks = dynamic.Ring()->JwksJson(clock_.Now());
  EXPECT_NE(jwks.find(d2), std::string::npos);
  EXPECT_EQ(jwks.find(n2), std::string::npos);
  EXPECT_NE(jwks.find("\"RS256\""), std::string::npos);
}

// Native kids never look like a family's ("x-…"), whatever the random bytes.
TEST(KeyRingKids, NativeKidsNeverHaveADashSecond) {
  FakeClock clock;
  SeededRandom random{7};
  tokens::KeyRing ring({.alg = crypto::SignatureAlg::kEdDSA});
  for (int i = 0; i < 3000; ++i) {
    const std::string kid = ring.Rotate(clock.Now(), random).value().kid;
    ASSERT_TRUE(tokens::KeyRing::Owns("", kid)) << kid;
    ASSERT_FALSE(tokens::KeyRing::Owns("d-", kid)) << kid;
  }
  EXPECT_TRUE(tokens::KeyRing::Owns("d-", "d-1700000000000"));
  EXPECT_FALSE(tokens::KeyRing::Owns("", "d-1700000000000"));
  EXPECT_FALSE(tokens::KeyRing::Owns("", "s-abc"));
  // An app's family is not the public one's, nor another app's whose id it starts with.
  EXPECT_TRUE(tokens::KeyRing::Owns("d-a-b-", "d-a-b-1700000000000"));
  EXPECT_FALSE(tokens::KeyRing::Owns("d-", "d-a-b-1700000000000"));
  EXPECT_FALSE(tokens::KeyRing::Owns("d-a-", "d-a-b-1700000000000"));
  EXPECT_FALSE(tokens::KeyRing::Owns("d-", "d-"));
}

TEST(MasterKey, CreatedOnceWithOwnerOnlyMode) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-master-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "sub" / "master.key").string();
  SeededRandom random(1);
  const std::string key = LoadOrCreateMasterKey(path, random).value();
  EXPECT_EQ(key.size(), kMasterKeySize);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(LoadOrCreateMasterKey(path, random).value(), key);  // read back, not regenerated

  std::ofstream(path, std::ios::trunc) << "not a key\n";
  auto bad = LoadOrCreateMasterKey(path, random);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatehouse::keys
