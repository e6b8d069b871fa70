// Which tree a command uses: the file named, else $CONVSENT_TREE, else
// ./convsent-tree.yaml, else the default; a file that cannot be read or is
// too large is refused by name.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "convsent/tree.h"
#include "test_util.h"

namespace convsent {
namespace {

// A one-driver tree whose root is called `root`.
std::string SmallTree(const std::string& root) {
  return "version: 1\nroot:\n  id: " + root +
         "\n  owners: {accountable: Support lead}\n  children:\n"
         "    - id: slow\n      when: {fact: first_response_minutes, at_least: 60}\n";
}

class LoadTreeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CONVSENT_TREE");
    ASSERT_NE(getcwd(cwd_, sizeof cwd_), nullptr);
    ASSERT_EQ(chdir(dir_.path().c_str()), 0);
  }
  void TearDown() override {
    unsetenv("CONVSENT_TREE");
    ASSERT_EQ(chdir(cwd_), 0);
  }
  testing::TempDir dir_;
  char cwd_[4096] = {};
};

TEST_F(LoadTreeConfigTest, TheFileNamedThenTheEnvironmentThenTheFolderThenTheDefault) {
  auto c = LoadTreeConfig("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes[0].id, "sentiment") << "nothing set: the default tree";
  dir_.Write("convsent-tree.yaml", SmallTree("from_folder"));
  c = LoadTreeConfig("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes[0].id, "from_folder");
  setenv("CONVSENT_TREE", dir_.Write("env.yaml", SmallTree("from_env")).c_str(), 1);
  c = LoadTreeConfig("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes[0].id, "from_env");
  c = LoadTreeConfig(dir_.Write("named.yaml", SmallTree("named")));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes[0].id, "named");
}

TEST_F(LoadTreeConfigTest, AMissingOrOversizedFileIsRefusedByName) {
  auto c = LoadTreeConfig(dir_.path() + "/none.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("none.yaml"), std::string::npos) << c.status().message();
  const std::string big = dir_.Write("big.yaml", SmallTree("big") + "# " + std::string(kMaxTreeConfigBytes, 'x') + "\n");
  c = LoadTreeConfig(big);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("big.yaml:1: the config is larger"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace convsent
