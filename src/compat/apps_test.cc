#include "compat/apps.h"

#include <gtest/gtest.h>

#include "store/memory/memory_store.h"

namespace gatehouse::compat {
namespace {

// No keys in these tests: an app's names and settings only.
Apps NoKeys() {
  return Apps(
      [](const std::string&, const AppConfig&, bool) -> Result<std::unique_ptr<keys::KeyManager>> {
        return Unavailable("no keys here");
      });
}

TEST(Apps, NamesOfAnAppAreItsOwnAndRoundTrip) {
  Apps apps = NoKeys();
  ASSERT_TRUE(*apps.Put("shop", {}));
  const std::shared_ptr<App> shop = apps.Find("shop");
  ASSERT_NE(shop, nullptr);
  EXPECT_EQ(*shop->User("alice"), "appid-shop:alice");
  EXPECT_EQ(shop->ExternalUser("appid-shop:alice"), "alice");
  EXPECT_EQ(*shop->Email("a@x.io"), "a@x.io#appid-shop");
  EXPECT_EQ(shop->ExternalEmail("a@x.io#appid-shop"), "a@x.io");
  // Another app's names, and the public app's, are not the shop's.
  EXPECT_EQ(shop->ExternalUser("appid-shopping:alice"), std::nullopt);
  EXPECT_EQ(shop->ExternalUser("alice"), std::nullopt);
  EXPECT_EQ(shop->ExternalEmail("a@x.io#appid-other"), std::nullopt);
  App& pub = apps.Public();
  EXPECT_EQ(*pub.User("alice"), "alice");
  EXPECT_EQ(pub.ExternalUser("appid-shop:alice"), std::nullopt);
  EXPECT_FALSE(pub.User("appid-shop:alice"));  // reserved: the public face cannot reach it
  EXPECT_FALSE(pub.Email("a@x.io#appid-shop"));
  EXPECT_EQ(pub.ExternalUser("google:123"), "google:123");  // a colon alone is not an app
}

TEST(Apps, PutRemoveAndIds) {
  Apps apps = NoKeys();
  EXPECT_TRUE(*apps.Put("a-1", {}));
  EXPECT_FALSE(*apps.Put("a-1", {.access_token_validity = std::chrono::seconds(5)}));
  EXPECT_EQ(apps.Find("a-1")->config().access_token_validity, std::chrono::seconds(5));
  const std::vector<std::string> bad_ids{"", "Caps", "with space", "a:b", std::string(64, 'a')};
  for (const std::string& bad : bad_ids) EXPECT_FALSE(apps.Put(bad, {})) << bad;
  EXPECT_TRUE(*apps.Remove("a-1"));
  EXPECT_EQ(apps.Find("a-1"), nullptr);
  EXPECT_FALSE(apps.Put("a-1", {}));  // its names are still in the store
  EXPECT_FALSE(*apps.Remove("never"));
  EXPECT_FALSE(apps.Remove("public"));
  EXPECT_NE(apps.Find("public"), nullptr);
}

TEST(Apps, KeptInTheStoreAndReadByAnotherInstance) {
  store::MemoryStore store;
  auto no_keys = [](const std::string&, const AppConfig&,
                    bool) -> Result<std::unique_ptr<keys::KeyManager>> {
    return Unavailable("no keys here");
  };
  Apps one(no_keys, &store);
  ASSERT_TRUE(*one.Put("shop", {.access_token_validity = std::chrono::seconds(7)}));
  ASSERT_TRUE(*one.Put("gone", {}));
  ASSERT_TRUE(*one.Remove("gone"));
  // Another instance (or this one after a restart) finds it without a Put, and not the removed.
  Apps two(no_keys, &store);
  const std::shared_ptr<App> shop = two.Find("shop");
  ASSERT_NE(shop, nullptr);
  EXPECT_EQ(shop->config().access_token_validity, std::chrono::seconds(7));
  EXPECT_EQ(two.Find("gone"), nullptr);
  EXPECT_FALSE(two.Put("gone", {}));
  EXPECT_EQ(two.Find("never"), nullptr);
  Apps three(no_keys, &store);
  ASSERT_TRUE(three.Load().ok());
  EXPECT_FALSE(*three.Put("shop", {}));  // not new
}

TEST(Apps, CoreConfigKeys) {
  AppConfig c = *ParseCoreConfig(
      boost::json::object{{"access_token_validity", 2},
                          {"access_token_dynamic_signing_key_update_interval", "0.001"},
                          {"api_keys", "key-one-0123456789abc, key-two-0123456789abc"},
                          {"unrelated_setting", true}});
  EXPECT_EQ(c.access_token_validity, std::chrono::seconds(2));
  EXPECT_EQ(c.key_interval, std::chrono::milliseconds(3600));
  // Kept as hashes only; each key admits, nothing else does.
  EXPECT_EQ(c.api_key_hashes.size(), 2u);
  for (const std::string& h : c.api_key_hashes) EXPECT_EQ(h.find("key-"), std::string::npos);
  EXPECT_TRUE(c.OwnKeyAdmits("key-one-0123456789abc"));
  EXPECT_TRUE(c.OwnKeyAdmits("key-two-0123456789abc"));
  EXPECT_FALSE(c.OwnKeyAdmits("key-one-0123456789ab"));
  EXPECT_EQ(*AppConfigFromJson(AppConfigJson(c)), c);
  EXPECT_FALSE(AppConfigFromJson("{\"access_token_validity_s\": \"x\"}"));
  EXPECT_FALSE(ParseCoreConfig(boost::json::object{{"access_token_validity", 0}}));
  EXPECT_FALSE(ParseCoreConfig(boost::json::object{{"access_token_validity", "soon"}}));
  EXPECT_FALSE(ParseCoreConfig(
      boost::json::object{{"access_token_dynamic_signing_key_update_interval", 0.0001}}));
  EXPECT_FALSE(ParseCoreConfig(boost::json::object{{"api_keys", "short"}}));
}

}  // namespace
}  // namespace gatehouse::compat
