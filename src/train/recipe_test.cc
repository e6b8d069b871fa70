// What `convsent train` starts from: the recipe of each model, and the
// PATH[:WEIGHT] of --train.
#include <gtest/gtest.h>

#include "convsent/adapt.h"
#include "convsent/train.h"

namespace convsent {
namespace {

TEST(TrainRecipe, EachModelsRecipeNamesItsFilesAsTheShippedModelsRecordThem) {
  const TrainOptions msg = TrainRecipe(ModelUse::kMessages, Language::kEnglish, "d", "afinn.json");
  EXPECT_EQ(msg.name, "convsent-msg");
  ASSERT_EQ(msg.train.size(), 4u);
  EXPECT_EQ(msg.train[0].path, "d/tweeteval/train.tsv");
  EXPECT_EQ(msg.train[3].path, "data/train/support-requests.tsv");  // lone lines only
  EXPECT_EQ(msg.dev.front(), "d/tweeteval/dev.tsv");
  EXPECT_EQ(msg.extra_lexicons, std::vector<std::string>{"data/lexicons/support.tsv"});
  EXPECT_EQ(msg.afinn_lexicon, "afinn.json");
  EXPECT_EQ(msg.vader_lexicon, "d/lexicons/vader_lexicon.txt");

  const TrainOptions dialogue = TrainRecipe(ModelUse::kConversations, Language::kEnglish, "d", "");
  EXPECT_EQ(dialogue.name, "convsent-dialogue");
  ASSERT_EQ(dialogue.train.size(), 3u);
  EXPECT_EQ(dialogue.train[1].path, "d/meld/conversations.jsonl#train");

  const TrainOptions de = TrainRecipe(ModelUse::kMessages, Language::kGerman, "d", "");
  EXPECT_EQ(de.name, "convsent-de");
  EXPECT_EQ(de.language, Language::kGerman);
  EXPECT_EQ(de.extra_lexicons, std::vector<std::string>{"./data/lexicons/support-de.tsv"});
  EXPECT_TRUE(de.char_ngrams);
  EXPECT_FALSE(de.char_trigrams) << "4-grams alone";
  ASSERT_EQ(de.train.size(), 2u);
  EXPECT_EQ(de.train[1].path, "./data/train/support-requests-de.tsv");
  EXPECT_EQ(de.train[1].weight, 1.0);
  EXPECT_TRUE(msg.char_trigrams) << "the default, for a model that turns grams on";
}

TEST(TrainRecipe, ATrainFileAndItsWeight) {
  auto plain = ParseTrainFile("a/b.tsv");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->path, "a/b.tsv");
  EXPECT_EQ(plain->weight, 1.0);
  auto weighted = ParseTrainFile("a/c.jsonl#train:0.6");
  ASSERT_TRUE(weighted.ok());
  EXPECT_EQ(weighted->path, "a/c.jsonl#train");
  EXPECT_DOUBLE_EQ(weighted->weight, 0.6);
  auto folder = ParseTrainFile("x:y/z.tsv");  // the colon belongs to the path
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(folder->path, "x:y/z.tsv");
  auto trailing = ParseTrainFile("a.tsv:");  // a trailing colon is part of the name
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ(trailing->path, "a.tsv:");
  auto colon = ParseTrainFile("a:b.tsv:0.6");  // a colon in the name
  ASSERT_TRUE(colon.ok());
  EXPECT_EQ(colon->path, "a:b.tsv");
  EXPECT_DOUBLE_EQ(colon->weight, 0.6);
  EXPECT_LT(colon->balance_power, 0) << "the recipe's balance";
  auto balanced = ParseTrainFile("a/c.tsv:0.6:0.65");  // PATH:WEIGHT:BALANCE
  ASSERT_TRUE(balanced.ok());
  EXPECT_EQ(balanced->path, "a/c.tsv");
  EXPECT_DOUBLE_EQ(balanced->weight, 0.6);
  EXPECT_DOUBLE_EQ(balanced->balance_power, 0.65);
  for (const char* bad : {"a.tsv:x", "a.tsv:1.5x", "a.tsv:-1", "a.tsv:0", "a.tsv:nan", "a.tsv:inf", "a.tsv:1:3",
                          "a.tsv:1:-0.5", "a.tsv:1:x"}) {
    EXPECT_FALSE(ParseTrainFile(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace convsent
