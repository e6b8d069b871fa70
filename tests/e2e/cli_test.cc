// The command-line contract of `convsent score`, `eval` and `model info`,
// and the hand-over to convsent-net, checked by running the built binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "convsent/model.h"
#include "test_util.h"

namespace convsent {
namespace {

using testing::Binary;
using testing::RunCommand;
using testing::TempDir;

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(CliScore, AnswersEveryLineInOrder) {
  TempDir dir;
  const std::string input = dir.Write("in.txt", "I love it\n\nterrible \xFF service\nok\n");
  auto r = RunCommand(Binary() + " score " + input);
  ASSERT_EQ(r.exit_code, 0);
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["label"], "positive");
  EXPECT_EQ(lines[1]["label"], "neutral");  // empty line
  EXPECT_EQ(lines[2]["label"], "negative");
  EXPECT_NE(lines[2]["warning"].get<std::string>().find("invalid UTF-8"), std::string::npos);
  for (const auto& l : lines) {
    for (const char* key : {"label", "p", "compound", "score5", "model", "explain"}) EXPECT_TRUE(l.contains(key)) << key;
    const double sum = l["p"]["negative"].get<double>() + l["p"]["neutral"].get<double>() + l["p"]["positive"].get<double>();
    EXPECT_NEAR(sum, 1.0, 1e-3);
    EXPECT_GE(l["score5"].get<double>(), 1.0);
    EXPECT_LE(l["score5"].get<double>(), 5.0);
  }
}

TEST(CliScore, ReadsStdinAndLabelsFormat) {
  auto r = RunCommand("printf 'great job\\nawful\\n' | " + Binary() + " score --format label");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "positive\nnegative\n");
}

TEST(CliScore, ExplainCount) {
  auto r = RunCommand("echo 'the support was great but slow and rude' | " + Binary() + " score --explain 2");
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["explain"].size(), 2u);
  auto none = JsonLines(RunCommand("echo 'great' | " + Binary() + " score --explain 0").out);
  EXPECT_TRUE(none[0]["explain"].empty());
}

TEST(CliScore, JsonlPassesFieldsThroughAndReportsBadLines) {
  TempDir dir;
  const std::string input = dir.Write(
      "in.jsonl",
      "{\"id\":7,\"text\":\"thank you!\",\"tags\":[\"a\"]}\n"
      "not json\n"
      "{\"id\":8}\n"
      "{\"id\":9,\"text\":\"this is broken\"}\n");
  auto r = RunCommand(Binary() + " score --jsonl " + input);
  EXPECT_EQ(r.exit_code, 0);
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["id"], 7);
  EXPECT_EQ(lines[0]["tags"][0], "a");
  EXPECT_EQ(lines[0]["text"], "thank you!");
  EXPECT_EQ(lines[0]["label"], "positive");
  EXPECT_EQ(lines[1]["line"], 2);
  EXPECT_TRUE(lines[1].contains("error"));
  EXPECT_EQ(lines[2]["line"], 3);
  EXPECT_NE(lines[2]["error"].get<std::string>().find("field text"), std::string::npos);
  EXPECT_EQ(lines[3]["id"], 9);
  EXPECT_EQ(lines[3]["label"], "negative");
}

TEST(CliScore, ThreadsGiveTheSameOutput) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 10000; ++i) text += (i % 3 ? "great stuff " : "awful, still waiting ") + std::to_string(i) + "\n";
  const std::string input = dir.Write("many.txt", text);
  auto one = RunCommand(Binary() + " score " + input);
  auto two = RunCommand(Binary() + " score --threads 2 " + input);
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 10000);
}

TEST(CliScore, OverlongLineIsAnErrorAndScoringGoesOn) {
  TempDir dir;
  const std::string input = dir.Write("long.txt", std::string(1 << 21, 'a') + "\nfine, thanks\n");
  auto lines = JsonLines(RunCommand(Binary() + " score " + input).out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["line"], 1);
  EXPECT_TRUE(lines[0].contains("error"));
  // The next line gets the very answer it gets on its own.
  const std::string alone = dir.Write("alone.txt", "fine, thanks\n");
  auto expected = JsonLines(RunCommand(Binary() + " score " + alone).out);
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_EQ(lines[1], expected[0]);
}

TEST(CliScore, MissingFileAndBadFlags) {
  EXPECT_EQ(RunCommand(Binary() + " score /nonexistent 2>/dev/null").exit_code, 1);
  EXPECT_EQ(RunCommand(Binary() + " score --format xml </dev/null 2>/dev/null").exit_code, 2);
  EXPECT_EQ(RunCommand(Binary() + " score --model /nonexistent </dev/null 2>/dev/null").exit_code, 1);
  EXPECT_EQ(RunCommand(Binary() + " frobnicate 2>/dev/null").exit_code, 2);
}

TEST(CliEval, ReportsMetricsAndSkipsBadLines) {
  TempDir dir;
  const std::string tsv = dir.Write("e.tsv", "label\ttext\npositive\tI love it\nnegative\tawful\nweird\tx\n");
  auto r = RunCommand(Binary() + " eval --json " + tsv + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 3);  // done, but a line was skipped
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["results"].size(), 1u);
  const auto& res = j["results"][0];
  EXPECT_EQ(res["n"], 2);
  EXPECT_EQ(res["skipped_lines"], 1);
  for (const char* key : {"accuracy", "macro_f1", "macro_recall", "per_class", "confusion", "ece"}) {
    EXPECT_TRUE(res.contains(key)) << key;
  }
  // Both readings of the share, per class; the errors of one reading sum to 0.
  for (const char* how : {"count", "mean_probability"}) {
    const auto& e = res["share_error"][how];
    EXPECT_NEAR(e["negative"].get<double>() + e["neutral"].get<double>() + e["positive"].get<double>(), 0, 1e-6) << how;
  }
  auto text = RunCommand(Binary() + " eval " + tsv + " 2>&1");
  EXPECT_NE(text.out.find(tsv + ":4: field label"), std::string::npos) << text.out;
}

// Output that did not reach its destination is a failure (before: scores
// and reports written into a full disk exited 0).
TEST(CliExit, AFullDiskIsAFailure) {
  for (const std::string& command : {"echo 'charged twice' | " + testing::Binary() + " score > /dev/full 2>/dev/null",
                                    testing::Binary() + " model info > /dev/full 2>/dev/null"}) {
    EXPECT_EQ(testing::RunCommand(command).exit_code, 1) << command;
  }
  EXPECT_EQ(testing::RunCommand(testing::Binary() + " generate --conversations 5 -o /dev/full/x.jsonl 2>/dev/null")
                .exit_code,
            1);
}

TEST(CliModel, InfoPrintsTheHeader) {
  auto r = RunCommand(Binary() + " model info --json");
  ASSERT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format_version"], kModelFormatVersion);
  EXPECT_EQ(j["source"], "embedded");
  EXPECT_TRUE(j["metadata"].contains("train"));
  EXPECT_TRUE(j["metadata"].contains("options"));
  EXPECT_EQ(j["content_hash"].get<std::string>().size(), 16u);
  // The shipped English models give unseen words their neighbours' weights,
  // and say so in both forms.
  EXPECT_GT(j["metadata"]["word_vectors"].value("words_given_weights", 0), 10000) << j["metadata"].dump();
  auto text = RunCommand(Binary() + " model info");
  EXPECT_NE(text.out.find("word vectors     "), std::string::npos) << text.out;
}

// Two embedded models: one for lone lines, one for conversations, which
// reads the turns before each message.
TEST(CliModel, EachUseHasItsModel) {
  auto lines = nlohmann::json::parse(RunCommand(Binary() + " model info --json").out);
  auto conversations = nlohmann::json::parse(RunCommand(Binary() + " model info --for conversations --json").out);
  EXPECT_FALSE(lines["reads_context"].get<bool>());
  EXPECT_TRUE(conversations["reads_context"].get<bool>());
  EXPECT_NE(lines["version"], conversations["version"]);
  auto scored = nlohmann::json::parse(RunCommand("echo 'thanks a lot' | " + Binary() + " score --for conversations").out);
  EXPECT_EQ(scored["model"], conversations["version"]);
  for (const char* command : {" score --for tweets", " model info --for tweets", " train --for tweets"}) {
    auto bad = RunCommand(Binary() + command + " </dev/null 2>&1");
    EXPECT_EQ(bad.exit_code, 2) << command;
    EXPECT_NE(bad.out.find("--for tweets: not messages or conversations"), std::string::npos) << bad.out;
  }
}

// A team's own Spanish model joins the English one in one file, which
// scores Spanish with it; a file that is not another language's is refused.
TEST(CliModel, BundleCarriesYourOwnModelOfALanguage) {
  TempDir dir;
  std::string rows = "label\ttext\n";
  for (int i = 0; i < 20; ++i) {
    rows += "negative\tel pedido quedó zorglado otra vez " + std::to_string(i) + "\n";
    rows += "positive\tel pedido quedó flimbado por fin " + std::to_string(i) + "\n";
    rows += "neutral\tla tienda abre a las " + std::to_string(i) + "\n";
  }
  const std::string train = dir.Write("es.tsv", rows);
  // From the project root, where the recipe finds its support lexicon.
  auto trained = RunCommand("cd " + testing::SourceDir() + " && " + Binary() + " train --lang es --no-vader-lexicon --fits 1 --train " +
                            train + " --dev " + train + " -o " + dir.path() + "/es.cvsm 2>&1");
  ASSERT_EQ(trained.exit_code, 0) << trained.out;
  auto english = RunCommand(Binary() + " model upgrade " + testing::SourceDir() + "/models/convsent-msg.cvsm -o " +
                            dir.path() + "/en.cvsm");
  ASSERT_EQ(english.exit_code, 0) << english.out;
  auto bundled = RunCommand(Binary() + " model bundle " + dir.path() + "/en.cvsm " + dir.path() + "/es.cvsm -o " +
                            dir.path() + "/both.cvsm");
  ASSERT_EQ(bundled.exit_code, 0) << bundled.out;
  EXPECT_NE(bundled.out.find("with its own es"), std::string::npos) << bundled.out;
  auto scored = nlohmann::json::parse(
      RunCommand("echo 'el pedido quedó zorglado otra vez' | " + Binary() + " score --model " + dir.path() + "/both.cvsm").out);
  EXPECT_EQ(scored["language"], "es");
  EXPECT_EQ(scored["label"], "negative");
  auto info = nlohmann::json::parse(RunCommand(Binary() + " model info --json --model " + dir.path() + "/both.cvsm").out);
  for (const auto& l : info["languages"]) {
    if (l["language"] == "es" || l["language"] == "de") {
      EXPECT_EQ(l["from"], l["language"] == "es" ? "this file" : "built in");
    }
  }
  auto bad = RunCommand(Binary() + " model bundle " + dir.path() + "/en.cvsm " + dir.path() + "/en.cvsm -o " +
                        dir.path() + "/bad.cvsm 2>&1");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("one model of each other language"), std::string::npos) << bad.out;
}

// Flags that name numbers refuse nonsense before any work starts.
TEST(CliModel, TrainAndAdaptRefuseBadWeights) {
  TempDir dir;
  for (const std::string& command : {" model adapt -o x.cvsm --db " + dir.path() + "/s.db --weights 1 -2",
                                    " model adapt -o x.cvsm --db " + dir.path() + "/s.db --weights 0",
                                    std::string(" train --train a.tsv:1.5x -o x.cvsm"),
                                    std::string(" train --train a.tsv:0 -o x.cvsm")}) {
    auto bad = RunCommand(Binary() + command + " 2>&1");
    EXPECT_EQ(bad.exit_code, 2) << command << ": " << bad.out;
    EXPECT_NE(bad.out.find("positive number"), std::string::npos) << bad.out;
  }
}

TEST(CliDemo, RunsOnTheBuiltInSample) {
  auto r = RunCommand(Binary() + " demo");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("macro-F1"), std::string::npos);
}

// convsent hands serve, keys, tree, alerts and intervention to convsent-net
// beside it, with the same arguments, and says so when that is missing.
TEST(CliNet, NetCommandsRunThroughConvsentNet) {
  auto tree = RunCommand(Binary() + " tree init --help");
  EXPECT_EQ(tree.exit_code, 0);
  EXPECT_NE(tree.out.find("default tree config"), std::string::npos) << tree.out;
  auto serve = RunCommand(Binary() + " serve --help");
  EXPECT_EQ(serve.exit_code, 0);
  EXPECT_NE(serve.out.find("--port"), std::string::npos) << serve.out;

  TempDir dir;
  const std::string alone = dir.path() + "/convsent";
  std::filesystem::copy_file(Binary(), alone);
  std::filesystem::permissions(alone, std::filesystem::perms::owner_all);
  auto missing = RunCommand(alone + " tree 2>&1");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("cannot run " + dir.path() + "/convsent-net"), std::string::npos) << missing.out;
  // The other commands do not need it.
  EXPECT_EQ(RunCommand("echo great | " + alone + " score --format label").out, "positive\n");
}

// The contract scripts rely on (docs/discovery.md): discover --json on the
// generated sample names the planted issue with examples, --suggest prints
// a driver, and bad flags and an empty store get a clear error.
TEST(CliDiscover, JsonContractSuggestionAndErrors) {
  TempDir dir;
  const std::string db = dir.path() + "/s.db", in = dir.path() + "/c.jsonl";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 3000 --seed 1 -o " + in).exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in).exit_code, 0);
  auto r = RunCommand(Binary() + " discover --db " + db + " --json");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j["issues"].is_array());
  ASSERT_FALSE(j["issues"].empty());
  const auto& first = j["issues"][0];
  for (const char* key : {"phrases", "negative_now", "negative_before", "lift", "segments", "examples", "covered_by"})
    EXPECT_TRUE(first.contains(key)) << key;
  EXPECT_EQ(first["phrases"][0], "android");
  EXPECT_EQ(first["examples"].size(), 3u);
  EXPECT_TRUE(first["covered_by"].is_null());
  EXPECT_TRUE(j["drilldown"].is_array());
  EXPECT_NEAR(j["change"]["explained"].get<double>() + j["change"]["unexplained"].get<double>(),
              j["change"]["change"].get<double>(), 1e-9);

  auto suggest = RunCommand(Binary() + " discover --db " + db + " --suggest 1");
  ASSERT_EQ(suggest.exit_code, 0);
  EXPECT_NE(suggest.out.find("when: {phrases: [\"android\""), std::string::npos) << suggest.out;

  auto bad = RunCommand(Binary() + " discover --db " + db + " --period month 2>&1");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--period"), std::string::npos) << bad.out;
  auto fdr = RunCommand(Binary() + " discover --db " + db + " --fdr 2 2>&1");
  EXPECT_EQ(fdr.exit_code, 2);
  EXPECT_NE(fdr.out.find("--fdr"), std::string::npos) << fdr.out;
  auto none = RunCommand(Binary() + " discover --db " + dir.path() + "/empty.db 2>&1");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.out.find("no conversations"), std::string::npos) << none.out;
}

}  // namespace
}  // namespace convsent
