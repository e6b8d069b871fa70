// Tone thresholds fitted to a team's conversation labels (tone_fit.h): the
// fit finds where the reviewers draw the line, `model adapt` stores it in
// the model, and every path that rolls conversations up with that model
// uses it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "convsent/generator.h"
#include "convsent/ingest.h"
#include "convsent/labels.h"
#include "convsent/stored_conversations.h"
#include "convsent/tone_fit.h"
#include "model/model_data.h"
#include "test_util.h"

namespace convsent {
namespace {

// A store of generated conversations whose labels come from reviewers who
// call a conversation negative from -0.45 down and positive from +0.55 up
// (the model's pooled compound): stricter than the defaults on both sides.
struct TeamStore {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  std::shared_ptr<const Model> model;
  int labelled = 0;

  explicit TeamStore(int conversations) {
    GeneratorOptions g;
    g.conversations = conversations, g.seed = 11;
    std::ostringstream jsonl;
    EXPECT_TRUE(GenerateConversations(g, jsonl).ok());
    const std::string path = dir.Write("g.jsonl", jsonl.str());
    auto opened = Store::Open(dir.path() + "/s.db");
    store = std::move(*opened);
    model = *Model::Embedded(ModelUse::kConversations);
    EXPECT_TRUE(Ingest({path}, model, store.get(), {}).ok());
    Scorer scorer(model);
    RollupOptions strict = RollupOptionsFor(*model);
    strict.negative_below = -0.45f, strict.positive_above = 0.55f;
    EXPECT_TRUE(store->conversations()
                    .ForEach([&](const Conversation& c) -> Status {
                      const ScoredConversation sc = ScoreConversation(c, scorer, {}, strict);
                      if (!sc.rollup.has_customer) return Status::Ok();
                      HumanLabel l;
                      l.conversation = c.id, l.label = sc.rollup.tone, l.source = "audit", l.reviewer = "ana";
                      l.at_ms = 1;
                      ++labelled;
                      return store->labels().Add(l);
                    })
                    .ok());
  }
};

TEST(ToneFit, FindsWhereTheReviewersDrawTheLineAndAdaptStoresIt) {
  // 600 conversations: with 300, how well the fitted line holds up across
  // folds moved by a point with every change of the sample's text.
  TeamStore team(600);
  ASSERT_GE(team.labelled, 500);
  auto none = FitToneToLabels(*team.store, team.model, /*min_labels=*/team.labelled + 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "too few labels: nothing fitted";
  auto fit = FitToneToLabels(*team.store, team.model, 100);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  ASSERT_TRUE(fit->has_value());
  const ToneFit& t = **fit;
  EXPECT_EQ(t.labels, team.labelled);
  EXPECT_NEAR(t.negative_below, -0.45f, 0.051f);
  EXPECT_NEAR(t.positive_above, 0.55f, 0.051f);
  EXPECT_GT(t.cross_validated_f1, 0.95);
  EXPECT_LT(t.before.macro_f1, t.cross_validated_f1 - 0.05) << "the defaults disagree with these reviewers";

  // Stored in a model, read back by every path that rolls up with it.
  const std::string bytes = team.model->data().Serialize(WithTone(team.model->info().metadata_json, t));
  auto adapted = Model::FromBytes(bytes);
  ASSERT_TRUE(adapted.ok());
  const RollupOptions o = RollupOptionsFor(**adapted);
  EXPECT_FLOAT_EQ(o.negative_below, t.negative_below);
  EXPECT_FLOAT_EQ(o.positive_above, t.positive_above);
  EXPECT_FLOAT_EQ(RollupOptionsFor(*team.model).negative_below, RollupOptions().negative_below);
  // Ingest with the adapted model: the stored tones are the reviewers'.
  testing::TempDir other;
  GeneratorOptions g;
  g.conversations = 600, g.seed = 11;  // the team's conversations
  std::ostringstream jsonl;
  ASSERT_TRUE(GenerateConversations(g, jsonl).ok());
  auto store = Store::Open(other.path() + "/s.db");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(Ingest({other.Write("g.jsonl", jsonl.str())}, *adapted, store->get(), {}).ok());
  int agree = 0, total = 0;
  ASSERT_TRUE(team.store->labels()
                  .ForEach([&](const HumanLabel& l) -> Status {
                    ASSIGN_OR_RETURN(auto sc, (*store)->conversations().Get(l.conversation));
                    if (sc) ++total, agree += sc->rollup.tone == l.label;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(total, team.labelled);
  EXPECT_GE(agree, total * 95 / 100);
}

TEST(ToneFit, NonsenseInTheModelKeepsTheDefaults) {
  auto model = Model::Embedded(ModelUse::kConversations);
  ASSERT_TRUE(model.ok());
  for (const char* tone : {R"({"negative_below": 0.5, "positive_above": 0.2})", R"({"negative_below": "x"})",
                           R"("end-weighted")"}) {
    auto meta = nlohmann::json::parse((*model)->info().metadata_json);
    meta["tone"] = nlohmann::json::parse(tone);
    auto m = Model::FromBytes((*model)->data().Serialize(meta.dump()));
    ASSERT_TRUE(m.ok());
    EXPECT_FLOAT_EQ(RollupOptionsFor(**m).negative_below, RollupOptions().negative_below) << tone;
    EXPECT_FLOAT_EQ(RollupOptionsFor(**m).positive_above, RollupOptions().positive_above) << tone;
  }
}

// `model adapt` whole, on a tiny recipe: the store's message labels teach
// the team's words; too few conversation labels keep the thresholds.
TEST(ToneFit, AdaptingToTheStoresLabelsReportsWhatItDid) {
  testing::TempDir dir;
  std::ostringstream jsonl;
  std::vector<std::pair<std::string, Sentiment>> said;
  for (int i = 0; i < 20; ++i) {
    said.emplace_back("ticket stuck again " + std::to_string(i), Sentiment::kNegative);
    said.emplace_back("ticket closed now " + std::to_string(i), Sentiment::kPositive);
    said.emplace_back("the meeting is at " + std::to_string(i) + " today", Sentiment::kNeutral);
  }
  for (size_t i = 0; i < said.size(); ++i) {
    jsonl << nlohmann::json({{"id", "t" + std::to_string(i)},
                             {"messages", {{{"role", "customer"}, {"text", said[i].first}}}}})
                 .dump()
          << "\n";
  }
  auto store = Store::Open(dir.path() + "/s.db");
  ASSERT_TRUE(store.ok());
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  ASSERT_TRUE(Ingest({dir.Write("t.jsonl", jsonl.str())}, *base, store->get(), {}).ok());
  for (size_t i = 0; i < said.size(); ++i) {
    HumanLabel l;
    l.conversation = "t" + std::to_string(i), l.message = 0, l.label = said[i].second, l.source = "audit";
    l.reviewer = "ana", l.at_ms = 1;
    ASSERT_TRUE((*store)->labels().Add(l).ok());
  }
  AdaptOptions o;
  o.recipe.train = {{dir.Write("recipe.tsv", testing::TinyTrainingRows()), 1.0, ""}};
  o.recipe.bucket_bits = 12, o.recipe.epochs = 5, o.recipe.lexicon_examples = 0, o.recipe.fits = 1;
  o.folds = 3;
  std::ostringstream log;
  auto a = AdaptToStoreLabels(**store, *base, o, /*min_tone_labels=*/100, &log);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->labelled_messages, 60);
  EXPECT_EQ(a->labelled_conversations, 60);
  EXPECT_EQ(a->conversation_labels, 0);
  EXPECT_TRUE(a->report.kept) << a->report.reason;
  EXPECT_FALSE(a->tone.has_value());
  EXPECT_NE(log.str().find("60 labelled messages in 60 conversations"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("tone thresholds kept: fewer than 100"), std::string::npos) << log.str();
  auto adapted = Model::FromBytes(a->model_bytes);
  ASSERT_TRUE(adapted.ok());
  EXPECT_EQ(Scorer(*adapted).Score("ticket stuck again 99").label, Sentiment::kNegative);
  const auto j = nlohmann::json::parse(StoreAdaptationToJson(*a));
  EXPECT_EQ(j["labels"], 60);
  EXPECT_TRUE(j["kept"].get<bool>());
  EXPECT_TRUE(j["tone"].is_null());
  EXPECT_NE(StoreAdaptationToText(*a).find("on 3 held-out folds of 60 labelled messages"), std::string::npos);
}

}  // namespace
}  // namespace convsent
