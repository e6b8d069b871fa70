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

}  // namespace
}  // namespace convsent
