// The conversation around a message: what ContextTracker hands each turn,
// and how a model that reads context scores the same words after a refusal
// and after a booking.
#include <gtest/gtest.h>

#include <cmath>

#include "convsent/scorer.h"
#include "test_util.h"

namespace convsent {
namespace {

TurnSummary Summary(float compound) {
  TurnSummary s;
  s.lex_compound = compound;
  return s;
}

TEST(ContextTracker, GivesEachTurnTheLatestOtherTurnAndItsOwnPrevious) {
  ContextTracker t;
  EXPECT_TRUE(t.Next("customer").empty()) << "the first turn has no context";
  t.Add("customer", Summary(0.1f));
  TurnContext c = t.Next("customer");
  EXPECT_EQ(c.reply_to, nullptr);
  ASSERT_NE(c.own_previous, nullptr);
  EXPECT_FLOAT_EQ(c.own_previous->lex_compound, 0.1f);
  t.Add("agent", Summary(0.2f));
  t.Add("bot", Summary(0.3f));
  c = t.Next("customer");
  ASSERT_NE(c.reply_to, nullptr);
  EXPECT_FLOAT_EQ(c.reply_to->lex_compound, 0.3f) << "the latest turn by anyone else";
  EXPECT_FLOAT_EQ(c.own_previous->lex_compound, 0.1f);
  t.Add("customer", Summary(0.4f));
  c = t.Next("agent");
  EXPECT_FLOAT_EQ(c.reply_to->lex_compound, 0.4f);
  EXPECT_FLOAT_EQ(c.own_previous->lex_compound, 0.2f);
  t.Clear();
  EXPECT_TRUE(t.Next("agent").empty());
}

class ContextModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model = Model::Load(testing::WriteTinyContextModel(dir_));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    scorer_ = std::make_unique<Scorer>(*model);
    ASSERT_TRUE(scorer_->reads_context());
  }
  // "ok, book the other one" after the agent's `agent` turn.
  MessageScore After(const std::string& agent) {
    ContextTracker t;
    t.Add("customer", scorer_->Score("I need a room for 3 nights").turn);
    t.Add("agent", scorer_->Score(agent).turn);
    MessageScore s;
    scorer_->Score("ok, book the other one", {}, &s, t.Next("customer"));
    return s;
  }
  testing::TempDir dir_;
  std::unique_ptr<Scorer> scorer_;
};

TEST_F(ContextModelTest, TheSameWordsReadByWhatTheyAnswer) {
  const MessageScore alone = scorer_->Score("ok, book the other one");
  EXPECT_FALSE(alone.context);
  const MessageScore refused = After("Sorry, there are no rooms left.");
  const MessageScore booked = After("Here is your booking, anything else?");
  EXPECT_TRUE(refused.context);
  EXPECT_TRUE(booked.context);
  EXPECT_EQ(refused.label, Sentiment::kNegative);
  EXPECT_NE(booked.label, Sentiment::kNegative);
  EXPECT_GT(refused.p[0], booked.p[0] + 0.2f);
  EXPECT_EQ(refused.explain.size(), booked.explain.size()) << "the explanation names the message's own words";
}

TEST_F(ContextModelTest, AddingContextLaterGivesTheSameScore) {
  ContextTracker t;
  t.Add("agent", scorer_->Score("Sorry, there are no rooms left.").turn);
  MessageScore direct, later;
  scorer_->Score("ok, book the other one", {}, &direct, t.Next("customer"));
  scorer_->Score("ok, book the other one", {}, &later);
  scorer_->AddContext(t.Next("customer"), &later);
  EXPECT_EQ(direct.label, later.label);
  EXPECT_TRUE(later.context);
  for (int c = 0; c < kNumClasses; ++c) EXPECT_NEAR(direct.p[c], later.p[c], 1e-5f);
  // Nothing to read, nothing moves.
  MessageScore empty;
  scorer_->Score("   ", {}, &empty, t.Next("customer"));
  EXPECT_EQ(empty.label, Sentiment::kNeutral);
  EXPECT_FALSE(empty.context);
}

TEST(ContextModel, AModelWithoutContextIgnoresIt) {
  testing::TempDir dir;
  auto model = Model::Load(testing::WriteTinyModel(dir));
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  EXPECT_FALSE(scorer.reads_context());
  ContextTracker t;
  t.Add("agent", scorer.Score("awful, I hate this").turn);
  MessageScore with;
  scorer.Score("the meeting is at 3 today", {}, &with, t.Next("customer"));
  const MessageScore alone = scorer.Score("the meeting is at 3 today");
  EXPECT_FALSE(with.context);
  EXPECT_EQ(with.p, alone.p);
}

}  // namespace
}  // namespace convsent
