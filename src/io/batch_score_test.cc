// BatchScorer: one answer per input line, in order, whatever the threads.
#include <gtest/gtest.h>

#include <sstream>

#include "convsent/batch_score.h"
#include "convsent/model.h"

namespace convsent {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string ScoreAll(int threads, const BatchScoreOptions& options, const std::vector<InputLine>& lines) {
  auto model = Model::Embedded();
  EXPECT_TRUE(model.ok());
  ScorerPool pool(*model, threads);
  BatchScorer scorer(pool, options, "v-test");
  std::string out;
  for (const std::string& part : scorer.Score(lines, lines.size())) out += part;
  return out;
}

TEST(BatchScorer, JsonLinesKeepTheirFieldsAndBadLinesAreNamed) {
  std::vector<InputLine> lines = {
      {R"({"id":7,"text":"thanks, that fixed it!"})", 1},
      {"not json", 2},
      {R"({"id":8})", 3},
      {"", 4},
      {R"({"id":9,"text":"still broken","label":"ignored"})", 5},
      {"x", 6, /*too_long=*/true},
  };
  BatchScoreOptions o;
  o.jsonl = true;
  o.max_line_bytes = 100;
  const std::vector<std::string> out = Lines(ScoreAll(3, o, lines));
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].rfind(R"({"id":7,"text":"thanks, that fixed it!","label":"positive")", 0), 0u) << out[0];
  EXPECT_NE(out[0].find(R"("model":"v-test")"), std::string::npos);
  EXPECT_EQ(out[1], R"({"error":"not a JSON object","line":2})");
  EXPECT_EQ(out[2], R"({"error":"field text: missing or not a string","line":3})");
  EXPECT_EQ(out[3], R"({"error":"empty line: expected a JSON object with a \"text\" field","line":4})");
  EXPECT_EQ(out[4].rfind(R"({"id":9,"text":"still broken","label":"negative")", 0), 0u) << out[4];  // the caller's "label" is ours
  EXPECT_EQ(out[5], R"({"error":"line is longer than 100 bytes","line":6})");
}

TEST(BatchScorer, ThreadsChangeNothing) {
  std::vector<InputLine> lines;
  for (int i = 0; i < 101; ++i) {
    lines.push_back({i % 3 ? "I waited " + std::to_string(i) + " days, awful" : "great, thank you", uint64_t(i + 1)});
  }
  BatchScoreOptions o;
  const std::string one = ScoreAll(1, o, lines);
  EXPECT_EQ(Lines(one).size(), 101u);
  EXPECT_EQ(ScoreAll(4, o, lines), one);
  o.labels_only = true;
  const std::vector<std::string> labels = Lines(ScoreAll(4, o, lines));
  ASSERT_EQ(labels.size(), 101u);
  EXPECT_EQ(labels[0], "positive");
  EXPECT_EQ(labels[1], "negative");
}

}  // namespace
}  // namespace convsent
