// People's labels through the CLI: labels import (CSV and JSON Lines, bad
// rows named by file:line and skipped, --json summary), export and stats;
// audit sample (the same seed draws the same sample, audited
// conversations are not drawn again, --queue makes audit items whose
// resolution over the API is an audit label); and the report's corrected
// estimate once audit labels are in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "server_process.h"
#include "test_util.h"

namespace convsent {
namespace {

using json = nlohmann::json;
using testing::Binary;
using testing::RunCommand;

// A store with 40 small conversations, c-0 .. c-39, two messages each.
std::string SmallStore(const testing::TempDir& dir) {
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += json({{"id", "c-" + std::to_string(i)},
                   {"channel", i % 2 ? "chat" : "email"},
                   {"created_at", "2026-11-02T10:00:00Z"},
                   {"messages",
                    {{{"role", "customer"}, {"text", i % 4 ? "Where is my parcel?" : "This is awful, I want a refund!"}},
                     {{"role", "agent"}, {"text", "Let me check."}}}}})
                 .dump() +
             "\n";
  }
  const std::string db = dir.path() + "/s.db";
  EXPECT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + dir.Write("c.jsonl", lines) + " 2>/dev/null").exit_code, 0);
  return db;
}

TEST(Labels, ImportReportsBadRowsAndKeepsTheRest) {
  testing::TempDir dir;
  const std::string db = SmallStore(dir);
  const std::string csv = dir.Write("l.csv",
                                    "\xEF\xBB\xBF" "conversation_id,label,message,reviewer,at,text\n"
                                    "c-1,negative,,ana,2026-11-03T09:00:00Z,\"a text, with a comma\"\n"
                                    "c-2,neutral,1,ana,,\n"
                                    "c-3,furious,,ana,,\n"
                                    "nope,negative,,ana,,\n"
                                    "c-4,negative,2,ana,,\n"
                                    "c-5,positive,,ana,yesterday,\n"
                                    "c-6,positive\n"
                                    "c-7,positive,,bob,,\n");
  const auto r = RunCommand(Binary() + " labels import --json --db " + db + " " + csv);
  EXPECT_EQ(r.exit_code, 3) << "done, some input skipped";
  const json s = json::parse(r.out);
  EXPECT_EQ(s["imported"], 3);
  EXPECT_EQ(s["skipped"], 5);
  EXPECT_EQ(s["source"], "import");
  std::set<std::string> where;
  for (const auto& e : s["errors"]) where.insert(e["line"].dump() + ":" + e["field"].get<std::string>());
  EXPECT_EQ(where, (std::set<std::string>{"4:label", "5:conversation_id", "6:message", "7:at", "8:"})) << s.dump();
  EXPECT_EQ(s["errors"][0]["file"], csv);

  const std::string jsonl = dir.Write("l.jsonl",
                                      R"({"conversation_id":"c-8","label":"negative","reviewer":"ana"})" "\n"
                                      R"({"conversation_id":"c-8","label":"positive","message":0,"reviewer":"ana"})" "\n"
                                      R"({"conversation_id":"c-9","label":"negative","message":"x"})" "\n"
                                      "[[[[\n"
                                      R"({"conversation_id":"c-1","label":"neutral","reviewer":"bob"})" "\n");
  const auto j = RunCommand(Binary() + " labels import --db " + db + " " + jsonl + " 2>&1");
  EXPECT_EQ(j.exit_code, 3);
  EXPECT_NE(j.out.find(jsonl + ":3: message: 'x': expected a message index"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find(jsonl + ":4: not a JSON object"), std::string::npos) << j.out;

  const json stats = json::parse(RunCommand(Binary() + " labels stats --json --db " + db).out);
  EXPECT_EQ(stats["labels"], 6);
  EXPECT_EQ(stats["message_labels"], 2);
  EXPECT_EQ(stats["by_source"]["import"], 6);
  EXPECT_EQ(stats["reviewers"], 2);
  EXPECT_EQ(stats["between_reviewers"]["items"], 1) << "c-1: ana negative, bob neutral";
  EXPECT_EQ(stats["between_reviewers"]["agreement"], 0.0);

  // Export, and the export imported again into another store: the same labels.
  const std::string out = dir.path() + "/export.csv";
  ASSERT_EQ(RunCommand(Binary() + " labels export --db " + db + " -o " + out).exit_code, 0);
  const std::string exported = testing::ReadFile(out);
  EXPECT_EQ(exported.rfind("conversation_id,message,label,source,reviewer,model,at,note\n", 0), 0u) << exported;
  EXPECT_NE(exported.find("c-1,,negative,import,ana,convsent-dialogue-1+"), std::string::npos) << exported;
  EXPECT_NE(exported.find(",2026-11-03T09:00:00Z,"), std::string::npos) << exported;
  testing::TempDir other;
  const std::string db2 = SmallStore(other);
  EXPECT_EQ(json::parse(RunCommand(Binary() + " labels import --json --db " + db2 + " " + out).out)["imported"], 6);
}

TEST(Labels, AuditSampleAndTheCorrectedEstimate) {
  testing::TempDir dir;
  const std::string db = SmallStore(dir);
  auto ids = [](const std::string& jsonl) {
    std::vector<std::string> out;
    for (size_t at = 0; at < jsonl.size();) {
      const size_t end = jsonl.find('\n', at);
      out.push_back(json::parse(jsonl.substr(at, end - at))["conversation_id"]);
      at = end + 1;
    }
    return out;
  };
  const auto a = RunCommand(Binary() + " audit sample --db " + db + " --size 10 --seed 4 2>/dev/null");
  const auto b = RunCommand(Binary() + " audit sample --db " + db + " --size 10 --seed 4 2>/dev/null");
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_EQ(ids(a.out), ids(b.out)) << "the same seed, the same sample";
  EXPECT_EQ(ids(a.out).size(), 10u);
  EXPECT_NE(ids(a.out), ids(RunCommand(Binary() + " audit sample --db " + db + " --size 10 --seed 5 2>/dev/null").out));
  EXPECT_TRUE(json::parse(a.out.substr(0, a.out.find('\n')))["messages"].is_array());

  // Without audit labels: no estimate, and how many labels it would take.
  json report = json::parse(RunCommand(Binary() + " report --json --db " + db).out);
  EXPECT_TRUE(report["estimate"].is_null());
  EXPECT_GT(report["method"]["audit_labels_for_3_points"].get<int>(), 0);

  // The sample labelled by a person who reads every conversation as
  // neutral: the estimate moves that way, whatever the model says.
  std::string labelled;
  for (const std::string& id : ids(a.out)) labelled += json({{"conversation_id", id}, {"label", "neutral"}}).dump() + "\n";
  const auto imported = RunCommand(Binary() + " labels import --audit --json --db " + db + " " + dir.Write("a.jsonl", labelled));
  EXPECT_EQ(imported.exit_code, 0) << imported.out;
  report = json::parse(RunCommand(Binary() + " report --json --db " + db).out);
  ASSERT_TRUE(report["estimate"].is_object()) << report.dump().substr(0, 400);
  EXPECT_EQ(report["estimate"]["labels"], 10);
  EXPECT_LT(report["estimate"]["share"]["negative"].get<double>(), report["share"]["negative"].get<double>());
  EXPECT_GT(report["estimate"]["share"]["neutral"].get<double>(), report["share"]["neutral"].get<double>());
  EXPECT_EQ(report["method"]["audit_labels"], 10);
  EXPECT_FALSE(report["estimate"]["band_certain"].get<bool>()) << "ten labels";
  EXPECT_TRUE(report["trend"]["series"][0]["estimate"].is_null()) << "fewer than 30 labels in the period";
  const std::string text = RunCommand(Binary() + " report --db " + db).out;
  EXPECT_NE(text.find("corrected by 10 audit labels"), std::string::npos) << text;

  // Audited conversations are not drawn again.
  const auto rest = ids(RunCommand(Binary() + " audit sample --db " + db + " --size 100 2>/dev/null").out);
  EXPECT_EQ(rest.size(), 30u);
  for (const std::string& id : ids(a.out)) EXPECT_EQ(std::count(rest.begin(), rest.end(), id), 0) << id;
}

// An audit item in the review queue, resolved over the API, is an audit
// label; a flagged item's resolution is a review label.
TEST(Labels, AnAuditItemResolvedIsAnAuditLabel) {
  testing::TempDir dir;
  const std::string db = SmallStore(dir);
  const auto queued = RunCommand(Binary() + " audit sample --queue --db " + db + " --size 2 --seed 1 -o " + dir.path() +
                                 "/a.jsonl 2>&1");
  ASSERT_EQ(queued.exit_code, 0) << queued.out;
  EXPECT_NE(queued.out.find("queued 2 as audit items"), std::string::npos) << queued.out;
  const std::string reviewer = testing::NewKey(db, "reviewer", "rita");
  testing::ServerProcess server(db);
  const json items = testing::Body(server.Client(reviewer).Get("/v1/queue"))["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["severity"], "audit");
  const std::string id = std::to_string(items[0]["id"].get<int64_t>());
  auto r = server.Client(reviewer).Post("/v1/queue/" + id + "/resolve", R"({"label":"positive"})", "application/json");
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  EXPECT_EQ(server.Stop(), 0);
  const std::string exported = RunCommand(Binary() + " labels export --json --db " + db).out;
  const json label = json::parse(exported.substr(0, exported.find('\n')));
  EXPECT_EQ(label["source"], "audit");
  EXPECT_EQ(label["reviewer"], "rita");
  EXPECT_EQ(label["conversation_id"], items[0]["conversation"]);
}

}  // namespace
}  // namespace convsent
