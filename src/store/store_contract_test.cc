// The store contract: every Store backend must pass these tests (TEST_P over backends).
#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"

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

TEST_P(StoreContract, SigningKeysRoundTripOldestFirst) {
  ASSERT_TRUE(store_->SaveSigningKeys({Key("b", 20), Key("a", 10)}).ok());
  auto keys = store_->ListSigningKeys().value();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], Key("a", 10));  // binary fields survive, NUL bytes included
  EXPECT_EQ(keys[1].kid, "b");
}

TEST_P(StoreContract, SigningKeysUpsertAndDelete) {
  ASSERT_TRUE(store_->SaveSigningKeys({Key("a", 10)}).ok());
  SigningKeyRecord retired = Key("a", 10);
  retired.sealed_private.clear();
  retired.retired_at = 99;
  retired.revoked = true;
  ASSERT_TRUE(store_->SaveSigningKeys({retired}).ok());
  auto keys = store_->ListSigningKeys().value();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], retired);
  ASSERT_TRUE(store_->DeleteSigningKeys({"a", "missing"}).ok());
  EXPECT_TRUE(store_->ListSigningKeys()->empty());
}

INSTANTIATE_TEST_SUITE_P(
    Backends, StoreContract,
    ::testing::Values(
        Backend{"memory", [](const auto&) { return std::make_unique<MemoryStore>(); }},
        Backend{"sqlite",
                [](const std::filesystem::path& dir) -> std::unique_ptr<Store> {
                  auto s = SqliteStore::Open((dir / "test.db").string());
                  return s ? std::move(s).value() : nullptr;
                }}),
    [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace gatehouse::store
