// Adapting a model to a team's labels, on a tiny recipe: kept when the
// team's words mean something the recipe never taught, refused when the
// labels teach nothing new, refused below the folds' minimum, and the same
// labels and seed give the same bytes.
#include <gtest/gtest.h>

#include "convsent/adapt.h"
#include "convsent/scorer.h"
#include "test_util.h"

namespace convsent {
namespace {

AdaptOptions TinyRecipe(const testing::TempDir& dir) {
  AdaptOptions o;
  o.recipe.train = {{dir.Write("recipe.tsv", testing::TinyTrainingRows()), 1.0, ""}};
  o.recipe.bucket_bits = 12, o.recipe.epochs = 5, o.recipe.lexicon_examples = 0, o.recipe.fits = 1;
  o.folds = 3;
  return o;
}

// A team whose customers write "ticket stuck" when angry and "ticket
// closed" when pleased: words the recipe never saw.
std::vector<std::pair<std::string, Sentiment>> TeamLabels() {
  std::vector<std::pair<std::string, Sentiment>> out;
  for (int i = 0; i < 20; ++i) {
    out.emplace_back("ticket stuck again " + std::to_string(i), Sentiment::kNegative);
    out.emplace_back("ticket closed now " + std::to_string(i), Sentiment::kPositive);
    out.emplace_back("the meeting is at " + std::to_string(i) + " today", Sentiment::kNeutral);
  }
  return out;
}

TEST(Adapt, LearnsTheTeamsWordsAndIsDeterministic) {
  testing::TempDir dir;
  const AdaptOptions o = TinyRecipe(dir);
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  auto first = AdaptModel(*base, TeamLabels(), o, nullptr);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->labels, 60);
  EXPECT_TRUE(first->kept) << first->reason;
  EXPECT_GT(first->after.macro_f1, first->before.macro_f1 + 0.2);
  EXPECT_FALSE(first->model_bytes.empty());
  auto second = AdaptModel(*base, TeamLabels(), o, nullptr);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->model_bytes, second->model_bytes) << "same labels, same seed: same bytes";
  auto adapted = Model::FromBytes(first->model_bytes);
  ASSERT_TRUE(adapted.ok());
  Scorer scorer(*adapted);
  EXPECT_EQ(scorer.Score("ticket stuck again 99").label, Sentiment::kNegative);
}

TEST(Adapt, RefusesWhatDoesNotHelp) {
  testing::TempDir dir;
  const AdaptOptions o = TinyRecipe(dir);
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  // Labels the base model already gets right teach nothing.
  std::vector<std::pair<std::string, Sentiment>> same;
  for (int i = 0; i < 15; ++i) {
    same.emplace_back("I love this, great job " + std::to_string(i), Sentiment::kPositive);
    same.emplace_back("awful, I hate this " + std::to_string(i), Sentiment::kNegative);
  }
  auto r = AdaptModel(*base, same, o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->kept);
  EXPECT_TRUE(r->model_bytes.empty());
  EXPECT_FALSE(r->reason.empty());
  same.resize(20);
  EXPECT_EQ(AdaptModel(*base, same, o, nullptr).status().code(), StatusCode::kFailedPrecondition) << "3 folds of 10";
}

}  // namespace
}  // namespace convsent
