// The figures of `convsent eval` from scored labelled messages, and their
// text and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "convsent/eval.h"

namespace convsent {
namespace {

ScoredLabel Row(Sentiment gold, Sentiment predicted, Language language) {
  ScoredLabel r;
  r.gold = gold;
  r.score.label = predicted;
  r.score.p = {0, 0, 0};
  r.score.p[static_cast<int>(predicted)] = 1;
  r.score.language = language;
  return r;
}

TEST(EvalReport, FiguresSharesAndLanguagesOfTheRows) {
  const Sentiment neg = Sentiment::kNegative, neu = Sentiment::kNeutral, pos = Sentiment::kPositive;
  // Four messages: one negative called neutral, the rest right.
  EvalReport r = EvaluateScored({Row(neg, neg, Language::kEnglish), Row(neg, neu, Language::kEnglish),
                                 Row(neu, neu, Language::kGerman), Row(pos, pos, Language::kEnglish)});
  EXPECT_EQ(r.result.n, 4);
  EXPECT_DOUBLE_EQ(r.result.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(r.result.macro_recall, (0.5 + 1 + 1) / 3);
  EXPECT_DOUBLE_EQ(r.shares.count[0], 0.25 - 0.5);  // predicted 1 of 4 negative, people 2 of 4
  EXPECT_EQ(r.languages, (std::map<std::string, int>{{"de", 1}, {"en", 3}}));
  EXPECT_DOUBLE_EQ(r.ece, 0.25);  // every top probability 1, right 3 times in 4

  r.file = "set.jsonl#dev";
  r.model = "m-1";
  EXPECT_EQ(EvalReportToText(r).find("scored by"), std::string::npos);
  r.in_context = true;
  EXPECT_NE(EvalReportToText(r).find("scored by m-1, each turn with the turns before it"), std::string::npos);
  const auto j = nlohmann::json::parse(EvalReportsToJson("m-0", {r}));
  EXPECT_EQ(j["model"], "m-0");
  EXPECT_EQ(j["results"][0]["file"], "set.jsonl#dev");
  EXPECT_EQ(j["results"][0]["confusion"]["negative"]["neutral"], 1);
  EXPECT_EQ(j["results"][0]["languages"]["de"], 1);
}

}  // namespace
}  // namespace convsent
