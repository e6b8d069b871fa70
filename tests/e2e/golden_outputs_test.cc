// What the product prints for the built-in sample, byte for byte: the
// report, the metric tree and one conversation, as JSON, from a store
// ingested from the seeded generator. A change to any of them shows here;
// when it is meant, regenerate the golden files (and say why in the commit):
//
//   build/convsent generate --conversations 300 --seed 1 -o /tmp/g.jsonl
//   rm -f /tmp/g.db* && build/convsent ingest --db /tmp/g.db /tmp/g.jsonl
//   build/convsent report --db /tmp/g.db --json > tests/golden/report.json
//   build/convsent tree --db /tmp/g.db --json --no-alerts > tests/golden/tree.json
//   build/convsent show --db /tmp/g.db --json C-1 > tests/golden/show.json
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_util.h"

namespace convsent {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(testing::SourceDir() + "/tests/golden/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first line where `got` and `want` differ, for the failure message.
std::string FirstDifference(const std::string& got, const std::string& want) {
  std::istringstream a(got), b(want);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ma = static_cast<bool>(std::getline(a, la)), mb = static_cast<bool>(std::getline(b, lb));
    if (!ma && !mb) return "identical";
    if (la != lb || ma != mb) return "line " + std::to_string(line) + ": got  " + la + "\n        want " + lb;
  }
}

TEST(GoldenOutputs, TheSamplesReportTreeAndConversationAreUnchanged) {
  testing::TempDir dir;
  const std::string bin = CONVSENT_BINARY, db = dir.path() + "/g.db", data = dir.path() + "/g.jsonl";
  ASSERT_EQ(testing::RunCommand(bin + " generate --conversations 300 --seed 1 -o " + data + " 2>/dev/null").exit_code, 0);
  ASSERT_EQ(testing::RunCommand(bin + " ingest --db " + db + " " + data + " >/dev/null 2>&1").exit_code, 0);
  const std::pair<std::string, std::string> cases[] = {
      {"report.json", " report --json --db " + db},
      {"tree.json", " tree --json --no-alerts --db " + db},
      {"show.json", " show --json --db " + db + " C-1"},
  };
  for (const auto& [file, args] : cases) {
    const auto run = testing::RunCommand(bin + args);
    ASSERT_EQ(run.exit_code, 0) << args;
    const std::string want = Golden(file);
    ASSERT_FALSE(want.empty()) << "tests/golden/" << file << " is missing";
    EXPECT_TRUE(run.out == want) << "tests/golden/" << file << " differs at " << FirstDifference(run.out, want);
  }
}

}  // namespace
}  // namespace convsent
