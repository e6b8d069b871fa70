// Creating an API key: the role and name are checked, names are unique
// (revoked keys' too), and only the key's hash is stored.
#include <gtest/gtest.h>

#include "convsent/api_keys.h"
#include "convsent/server.h"
#include "test_util.h"

namespace convsent {
namespace {

TEST(CreateApiKey, StoresTheHashAndRefusesBadRolesNamesAndTwins) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path() + "/k.db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto bob = CreateApiKey(**store, "reviewer", "bob");
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  EXPECT_EQ(bob->second.rfind("cs_", 0), 0u);
  auto keys = (*store)->api_keys().List();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].id, bob->first);
  EXPECT_EQ((*keys)[0].hash, HashApiKey(bob->second));
  EXPECT_EQ((*keys)[0].prefix, bob->second.substr(0, 8));
  EXPECT_NE((*keys)[0].hash, bob->second) << "the key itself is never stored";

  EXPECT_EQ(CreateApiKey(**store, "owner", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateApiKey(**store, "viewer", "cs_abc").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*store)->api_keys().Revoke(bob->first, NowMs()).ok());
  auto twin = CreateApiKey(**store, "admin", "bob");
  EXPECT_EQ(twin.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(twin.status().message().find("already named bob"), std::string::npos) << twin.status().message();
  EXPECT_TRUE(CreateApiKey(**store, "viewer", "").ok()) << "unnamed keys may be many";
  EXPECT_TRUE(CreateApiKey(**store, "viewer", "").ok());
}

}  // namespace
}  // namespace convsent
