// Adapting a model to a team's labels, on a tiny recipe: kept when the
// team's words mean something the recipe never taught, refused when the
// labels teach nothing new or cost the recipe's dev files, refused below
// the folds' minimum, and the same labels and seed give the same bytes.
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

// Labelled messages, each alone in a conversation.
std::vector<LabeledConversation> Alone(const std::vector<std::pair<std::string, Sentiment>>& labels) {
  std::vector<LabeledConversation> out;
  for (const auto& [text, label] : labels) {
    LabeledConversation c;
    c.id = "c" + std::to_string(out.size());
    c.turns.push_back({"customer", text, label});
    out.push_back(std::move(c));
  }
  return out;
}

// A team whose customers write "ticket stuck" when angry and "ticket
// closed" when pleased: words the recipe never saw.
std::vector<LabeledConversation> TeamLabels() {
  std::vector<std::pair<std::string, Sentiment>> out;
  for (int i = 0; i < 20; ++i) {
    out.emplace_back("ticket stuck again " + std::to_string(i), Sentiment::kNegative);
    out.emplace_back("ticket closed now " + std::to_string(i), Sentiment::kPositive);
    out.emplace_back("the meeting is at " + std::to_string(i) + " today", Sentiment::kNeutral);
  }
  return Alone(out);
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

// Labels of messages in another language are that language's model's to
// learn (AdaptModelAndLanguages, below): AdaptModel leaves them out and
// counts them, and a team with no others is told why it cannot start.
TEST(Adapt, LeavesOutLabelsInLanguagesScoredByTheirOwnModels) {
  testing::TempDir dir;
  const AdaptOptions o = TinyRecipe(dir);
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  ASSERT_NE((*base)->ForLanguage(Language::kSpanish), nullptr) << "the tiny model comes with the other languages";
  std::vector<std::pair<std::string, Sentiment>> spanish;
  for (int i = 0; i < 15; ++i) {
    spanish.emplace_back("Sigo esperando el reembolso desde hace semanas, es una vergüenza " + std::to_string(i),
                         Sentiment::kNegative);
    spanish.emplace_back("Muchas gracias por la ayuda, todo funciona perfectamente " + std::to_string(i),
                         Sentiment::kPositive);
  }
  std::vector<LabeledConversation> team = TeamLabels();
  for (LabeledConversation& c : Alone(spanish)) team.push_back(std::move(c));
  auto r = AdaptModel(*base, team, o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->labels, 60) << "the English ones";
  EXPECT_EQ(r->other_languages, (std::map<std::string, int64_t>{{"es", 30}}));
  EXPECT_TRUE(r->kept) << r->reason;

  auto only_spanish = AdaptModel(*base, Alone(spanish), o, nullptr);
  ASSERT_EQ(only_spanish.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(only_spanish.status().message().find("es 30"), std::string::npos) << only_spanish.status().message();
}

// With a recipe for the other languages, a team's Spanish labels retrain
// the Spanish model; the file carries it beside the English one (here the
// base's own: too few English labels), and scores Spanish with it.
TEST(Adapt, RetrainsAnotherLanguagesModelWithTheLabelsInIt) {
  testing::TempDir dir;
  AdaptOptions o = TinyRecipe(dir);
  std::string spanish_rows = "label\ttext\n";
  for (int i = 0; i < 10; ++i) {
    spanish_rows += "positive\tmuchas gracias, todo perfecto " + std::to_string(i) + "\n";
    spanish_rows += "negative\tes una vergüenza, pésimo servicio " + std::to_string(i) + "\n";
    spanish_rows += "neutral\tla tienda abre a las " + std::to_string(i) + " de la mañana\n";
  }
  const std::string recipe_es = dir.Write("recipe-es.tsv", spanish_rows);
  o.language_recipe = [&](Language l) {
    TrainOptions t = o.recipe;
    t.language = l;
    t.train = {{recipe_es, 1.0, ""}};
    t.char_ngrams = true, t.char_trigrams = false;
    return t;
  };
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  // The team's customers say "zorglado" when a parcel is lost, "flimbado"
  // when it came: words no model knows.
  std::vector<std::pair<std::string, Sentiment>> team;
  for (int i = 0; i < 20; ++i) {
    team.emplace_back("el pedido quedó zorglado otra vez, número " + std::to_string(i), Sentiment::kNegative);
    team.emplace_back("el pedido quedó flimbado por fin, número " + std::to_string(i), Sentiment::kPositive);
    team.emplace_back("la reunión es a las " + std::to_string(i) + " de la tarde", Sentiment::kNeutral);
  }
  auto r = AdaptModelAndLanguages(*base, Alone(team), o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->english.kept);
  EXPECT_NE(r->english.reason.find("es 60"), std::string::npos) << r->english.reason;
  ASSERT_EQ(r->languages.count("es"), 1u);
  const AdaptReport& es = r->languages.at("es");
  EXPECT_TRUE(es.kept) << es.reason;
  EXPECT_EQ(es.labels, 60);
  EXPECT_GT(es.after.macro_f1, es.before.macro_f1);
  ASSERT_FALSE(r->model_bytes.empty());
  auto adapted = Model::FromBytes(r->model_bytes);
  ASSERT_TRUE(adapted.ok()) << adapted.status().ToString();
  EXPECT_EQ((*adapted)->bundled_languages(), std::vector<Language>{Language::kSpanish});
  EXPECT_EQ((*adapted)->info().content_hash, (*base)->info().content_hash) << "the English model is the base's";
  Scorer scorer(*adapted);
  const MessageScore s = scorer.Score("el pedido quedó zorglado otra vez, número 99");
  EXPECT_EQ(LanguageCode(s.language), std::string("es"));
  EXPECT_EQ(s.label, Sentiment::kNegative);
  // Adapted again from the adapted file, with no Spanish labels: its Spanish
  // model stays.
  auto again = AdaptModelAndLanguages(*adapted, TeamLabels(), o, nullptr);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(again->english.kept) << again->english.reason;
  auto twice = Model::FromBytes(again->model_bytes);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ((*twice)->bundled_languages(), std::vector<Language>{Language::kSpanish});
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
  auto r = AdaptModel(*base, Alone(same), o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->kept);
  EXPECT_TRUE(r->model_bytes.empty());
  EXPECT_FALSE(r->reason.empty());
  same.resize(20);
  EXPECT_EQ(AdaptModel(*base, Alone(same), o, nullptr).status().code(), StatusCode::kFailedPrecondition)
      << "3 folds of 10";
}

// A team whose labels turn the recipe's words around ("love" angry, "hate"
// pleased) is learned on its folds, but the model would then miss what it
// knew on the recipe's dev file: the guard refuses every weight, and says
// which dev file and by how much.
TEST(Adapt, TheGuardRefusesLabelsThatCostTheOtherDomains) {
  testing::TempDir dir;
  AdaptOptions o = TinyRecipe(dir);
  std::string dev = "label\ttext\n";
  for (int i = 0; i < 10; ++i) {
    dev += "positive\tI love it " + std::to_string(100 + i) + "\n";
    dev += "negative\tI hate it " + std::to_string(100 + i) + "\n";
  }
  o.recipe.dev = {dir.Write("dev.tsv", dev)};
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  std::vector<std::pair<std::string, Sentiment>> turned;
  for (int i = 0; i < 15; ++i) {
    turned.emplace_back("love it, love it " + std::to_string(i), Sentiment::kNegative);
    turned.emplace_back("hate it, hate it " + std::to_string(i), Sentiment::kPositive);
  }
  auto r = AdaptModel(*base, Alone(turned), o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->after.macro_f1, r->before.macro_f1) << "the folds alone would keep it";
  EXPECT_FALSE(r->kept);
  EXPECT_TRUE(r->model_bytes.empty());
  EXPECT_NE(r->reason.find("dev.tsv"), std::string::npos) << r->reason;
  ASSERT_EQ(r->guard.size(), 1u);
  EXPECT_LT(r->guard[0].after, r->guard[0].before - o.max_guard_drop);
  // The same labels with the guard off: kept.
  o.recipe.dev.clear();
  auto unguarded = AdaptModel(*base, Alone(turned), o, nullptr);
  ASSERT_TRUE(unguarded.ok());
  EXPECT_TRUE(unguarded->kept) << unguarded->reason;
}

// Labels given in their conversations teach what the turn before says: the
// same customer words are negative after a refusal, neutral after a booking.
TEST(Adapt, LearnsFromTheTurnsAroundALabel) {
  testing::TempDir dir;
  const AdaptOptions o = TinyRecipe(dir);
  auto base = Model::Load(testing::WriteTinyModel(dir, 12, 5));
  ASSERT_TRUE(base.ok());
  auto team = ReadLabeledConversations(dir.Write("team.jsonl", testing::TinyContextConversations()), "", nullptr);
  ASSERT_TRUE(team.ok());
  auto r = AdaptModel(*base, *team, o, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->kept) << r->reason;
  EXPECT_EQ(r->labels, 160);
  auto adapted = Model::FromBytes(r->model_bytes);
  ASSERT_TRUE(adapted.ok());
  Scorer scorer(*adapted);
  EXPECT_TRUE(scorer.reads_context());
  auto after = [&](const char* agent) {
    ContextTracker t;
    t.Add("agent", scorer.Score(agent).turn);
    MessageScore s;
    scorer.Score("ok, book the other one", {}, &s, t.Next("customer"));
    return s.label;
  };
  EXPECT_EQ(after("Sorry, there are no rooms left."), Sentiment::kNegative);
  EXPECT_NE(after("Here is your booking, anything else?"), Sentiment::kNegative);
}

}  // namespace
}  // namespace convsent
