// Labelled dialogue (conversations.jsonl): reading it, naming bad lines,
// and scoring each labelled turn in its conversation.
#include <gtest/gtest.h>

#include "convsent/eval.h"
#include "test_util.h"

namespace convsent {
namespace {

TEST(LabeledConversations, BadLinesAreNamedAndTheRestKept) {
  testing::TempDir dir;
  const std::string path = dir.Write(
      "c.jsonl",
      "{\"id\":\"a\",\"split\":\"dev\",\"messages\":[{\"role\":\"customer\",\"text\":\"hi\",\"label\":\"neutral\"}]}\n"
      "not json\n"
      "{\"id\":\"b\",\"split\":\"dev\",\"messages\":[{\"role\":\"customer\",\"text\":\"x\",\"label\":\"angry\"}]}\n"
      "{\"id\":\"c\",\"split\":\"dev\",\"messages\":[{\"role\":\"agent\",\"text\":7}]}\n"
      "{\"id\":\"d\",\"split\":\"train\",\"messages\":[{\"role\":\"agent\",\"text\":\"ok\",\"label\":null}],"
      "\"overall\":{\"label\":\"positive\"}}\n");
  std::vector<Status> errors;
  auto dev = ReadLabeledConversations(path, "dev", &errors);
  ASSERT_TRUE(dev.ok());
  ASSERT_EQ(dev->size(), 1u);
  EXPECT_EQ((*dev)[0].id, "a");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].message().find("c.jsonl:2"), std::string::npos) << errors[0].message();
  EXPECT_NE(errors[1].message().find("c.jsonl:3: field messages[0].label"), std::string::npos) << errors[1].message();
  EXPECT_NE(errors[2].message().find("c.jsonl:4: field messages[0].text"), std::string::npos) << errors[2].message();
  auto all = ReadLabeledConversations(path, "", nullptr);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].overall, Sentiment::kPositive);
  EXPECT_FALSE((*all)[1].turns[0].label.has_value());
}

TEST(LabeledConversations, DataSpecs) {
  EXPECT_FALSE(ParseDataSpec("a/dev.tsv").conversations);
  EXPECT_EQ(ParseDataSpec("a/b#c.tsv").path, "a/b#c.tsv") << "a TSV path keeps its '#'";
  const DataSpec d = ParseDataSpec("a/conversations.jsonl#dev");
  EXPECT_TRUE(d.conversations);
  EXPECT_EQ(d.path, "a/conversations.jsonl");
  EXPECT_EQ(d.split, "dev");
  EXPECT_EQ(d.Name(), "a/conversations.jsonl#dev");
  EXPECT_EQ(ParseDataSpec("a/conversations.jsonl").split, "") << "every split";
}

TEST(LabeledConversations, ScoredInTheirConversation) {
  testing::TempDir dir_;
  auto model = Model::Load(testing::WriteTinyContextModel(dir_));
  ASSERT_TRUE(model.ok());
  auto scorer_ = std::make_unique<Scorer>(*model);
  const std::string path = dir_.Write("c.jsonl", testing::TinyContextConversations());
  std::vector<Status> errors;
  auto with = ScoreLabeledData(ParseDataSpec(path + "#dev"), *scorer_, {}, /*use_context=*/true, &errors);
  auto without = ScoreLabeledData(ParseDataSpec(path + "#dev"), *scorer_, {}, /*use_context=*/false, &errors);
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(with->size(), 40u) << "10 dev conversations of each kind, 2 labelled turns each";
  auto f1 = [](const std::vector<ScoredLabel>& rows) {
    std::vector<Sentiment> gold, pred;
    for (const auto& r : rows) gold.push_back(r.gold), pred.push_back(r.score.label);
    return Evaluate(gold, pred).macro_f1;
  };
  EXPECT_GT(f1(*with), f1(*without) + 0.2);
}

}  // namespace
}  // namespace convsent
