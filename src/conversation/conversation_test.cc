#include <gtest/gtest.h>

#include "convsent/conversation.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "test_util.h"

namespace convsent {
namespace {

TEST(Time, ParsesRfc3339AndFormatsBack) {
  int64_t ms = 0;
  ASSERT_TRUE(ParseTime("2026-11-02T09:14:00Z", &ms));
  EXPECT_EQ(ms, 1793610840000LL);
  EXPECT_EQ(FormatTime(ms), "2026-11-02T09:14:00Z");
  ASSERT_TRUE(ParseTime("2026-11-02T10:14:00+01:00", &ms));
  EXPECT_EQ(FormatTime(ms), "2026-11-02T09:14:00Z");
  ASSERT_TRUE(ParseTime("2026-11-02T09:14:00.250Z", &ms));
  EXPECT_EQ(FormatTime(ms), "2026-11-02T09:14:00.250Z");
  ASSERT_TRUE(ParseTime("2026-11-02", &ms));
  EXPECT_EQ(FormatTime(ms), "2026-11-02T00:00:00Z");
  ASSERT_TRUE(ParseTime("1969-12-31T23:59:59Z", &ms));
  EXPECT_EQ(ms, -1000);
  EXPECT_EQ(FormatTime(-1000), "1969-12-31T23:59:59Z");
  ASSERT_TRUE(ParseTime("2024-02-29T00:00:00Z", &ms));
  for (const char* bad : {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-02T25:00:00Z",
                          "2026-11-02T09:14:00", "2026-11-02T09:14:00Zjunk", "yesterday", "2026-11-02T09:14:00+1:00"}) {
    EXPECT_FALSE(ParseTime(bad, &ms)) << bad;
  }
}

TEST(ConversationJson, ParsesTheProductExample) {
  Conversation c;
  const Status s = ParseConversationJson(
      R"({"id": "T-10492", "channel": "chat", "topic": "billing", "team": "tier1", "tags": ["refund"],
          "created_at": "2026-11-02T09:14:00Z", "region": "emea", "priority": 2,
          "messages": [
            {"role": "customer", "author": "u-88", "at": "2026-11-02T09:14:00Z", "text": "I was charged twice!!"},
            {"role": "agent", "author": "a-17", "at": "2026-11-02T09:31:00Z", "text": "Sorry about that, refunding now."}],
          "events": [{"type": "reopened", "at": "2026-11-04T10:00:00Z"}, {"type": "escalated", "at": "2026-11-04T10:05:00Z"}],
          "csat": 4, "nps": 9})",
      &c);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(c.id, "T-10492");
  EXPECT_EQ(c.tags, std::vector<std::string>{"refund"});
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[1].role, Role::kAgent);
  EXPECT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.csat, 4);
  EXPECT_EQ(c.nps, 9);
  // Other fields are kept, in document order, as segments.
  ASSERT_EQ(c.attributes.size(), 2u);
  EXPECT_EQ(c.attributes[0], (std::pair<std::string, std::string>{"region", "emea"}));
  EXPECT_EQ(c.attributes[1], (std::pair<std::string, std::string>{"priority", "2"}));
  // And back.
  Conversation again;
  ASSERT_TRUE(ParseConversationJson(ConversationToJson(c), &again).ok());
  EXPECT_EQ(again.messages[0].text, c.messages[0].text);
  EXPECT_EQ(again.created_at_ms, c.created_at_ms);
}

TEST(ConversationJson, ErrorsNameTheField) {
  Conversation c;
  auto err = [&](const char* json) { return ParseConversationJson(json, &c).message(); };
  EXPECT_EQ(err("not json"), "not valid JSON");
  EXPECT_EQ(err("[1]"), "expected a JSON object");
  EXPECT_EQ(err(R"({"id":"a","messages":[{"role":"agent","text":"x"}]} trailing)"), "not valid JSON");
  EXPECT_EQ(err(R"({"id":"a","messages":[{"role":"agent","text":"x"})"), "not valid JSON");
  EXPECT_EQ(err(""), "not valid JSON");
  EXPECT_EQ(err(R"({"messages":[{"role":"customer","text":"x"}]})"), "id: missing or empty");
  EXPECT_EQ(err(R"({"id":"a","messages":[]})"), "messages: missing or empty");
  EXPECT_EQ(err(R"({"id":"a","messages":[{"role":"robot","text":"x"}]})"),
            "messages[0].role: 'robot' is not customer, agent, bot or note");
  EXPECT_EQ(err(R"({"id":"a","messages":[{"role":"agent","text":"x"},{"role":"agent"}]})"),
            "messages[1].text: missing or not a string");
  EXPECT_EQ(err(R"({"id":"a","messages":[{"role":"agent","text":"x","at":"noon"}]})"),
            "messages[0].at: 'noon' is not an RFC 3339 time");
  EXPECT_EQ(err(R"({"id":"a","csat":7,"messages":[{"role":"agent","text":"x"}]})"),
            "csat: expected a whole number from 1 to 5");
  EXPECT_EQ(err(R"({"id":"a","tags":"x","messages":[{"role":"agent","text":"x"}]})"),
            "tags: expected an array of strings");
}

TEST(Rollup, PoolingRules) {
  const std::vector<float> c = {0.2f, -0.8f, 0.4f};
  EXPECT_NEAR(PoolTone(c, ToneRule::kMean), -0.2f / 3, 1e-6);
  EXPECT_NEAR(PoolTone(c, ToneRule::kLast), 0.4f, 1e-6);
  EXPECT_NEAR(PoolTone(c, ToneRule::kWorst), -0.8f, 1e-6);
  EXPECT_NEAR(PoolTone(c, ToneRule::kEndWeighted), (0.2f - 1.6f + 1.2f) / 6, 1e-6);
  EXPECT_NEAR(PoolTone(c, ToneRule::kPeakEnd), (-0.8f + 0.4f) / 2, 1e-6);
  EXPECT_EQ(PoolTone({}, ToneRule::kMean), 0);
}

TEST(Rollup, ToneTrajectoryAgentAndMovers) {
  const std::vector<MessageTone> m = {
      {Role::kCustomer, 0.1f, Sentiment::kNeutral}, {Role::kAgent, 0.6f, Sentiment::kPositive},
      {Role::kCustomer, -0.5f, Sentiment::kNegative}, {Role::kNote, 0, Sentiment::kNeutral},
      {Role::kCustomer, -0.9f, Sentiment::kNegative}};
  const ConversationRollup r = Rollup(m);
  ASSERT_TRUE(r.has_customer);
  EXPECT_EQ(r.tone, Sentiment::kNegative);
  EXPECT_NEAR(r.compound, (0.1f - 1.0f - 2.7f) / 6, 1e-6);
  EXPECT_NEAR(r.score5, 3 + 2 * r.compound, 1e-6);
  EXPECT_EQ(r.start, Sentiment::kNeutral);
  EXPECT_EQ(r.end, Sentiment::kNegative);
  EXPECT_EQ(r.trajectory, Trajectory::kSouring);
  ASSERT_TRUE(r.has_agent);
  EXPECT_EQ(r.agent_tone, Sentiment::kPositive);
  EXPECT_EQ(r.movers, (std::vector<uint32_t>{4, 2}));  // the agent's message never counts
  EXPECT_FALSE(Rollup({{Role::kAgent, 0.5f, Sentiment::kPositive}}).has_customer);
}

TEST(Facts, FromMessagesAndEvents) {
  Conversation c;
  ASSERT_TRUE(ParseConversationJson(
                  R"({"id":"f","created_at":"2026-01-01T10:00:00Z","messages":[
                 {"role":"customer","at":"2026-01-01T10:00:00Z","text":"a"},
                 {"role":"customer","at":"2026-01-01T10:05:00Z","text":"b"},
                 {"role":"agent","author":"a1","at":"2026-01-01T10:20:00Z","text":"c"},
                 {"role":"customer","at":"2026-01-01T10:21:00Z","text":"d"},
                 {"role":"note","author":"a2","at":"2026-01-01T10:22:00Z","text":"n"},
                 {"role":"agent","author":"a2","at":"2026-01-01T11:21:00Z","text":"e"}],
               "events":[{"type":"escalated","at":"2026-01-01T10:30:00Z"},{"type":"reopened","at":"2026-01-02T10:00:00Z"},
                         {"type":"resolved","at":"2026-01-01T12:00:00Z"}]})",
                  &c)
                  .ok());
  const ConversationFacts f = ComputeFacts(c);
  EXPECT_EQ(f.first_response_ms, 20 * 60000);
  EXPECT_EQ(f.longest_wait_ms, 60 * 60000);  // 10:21 -> 11:21
  EXPECT_EQ(f.agent_replies, 2);
  EXPECT_EQ(f.customer_turns, 3);
  EXPECT_EQ(f.agents, 2);
  EXPECT_EQ(f.handoffs, 1);
  EXPECT_EQ(f.escalated, 1);
  EXPECT_EQ(f.reopened, 1);
  EXPECT_EQ(f.resolution_ms, 2 * 3600000);
  Conversation unanswered;
  ASSERT_TRUE(ParseConversationJson(R"({"id":"u","messages":[{"role":"customer","text":"hello?"}]})", &unanswered).ok());
  EXPECT_FALSE(ComputeFacts(unanswered).first_response_ms.has_value());
}

}  // namespace
}  // namespace convsent

namespace convsent {
namespace {

// Ingest, import and the bulk endpoint score a conversation's messages with
// the turns before them, and the JSON says which scores read context.
TEST(ScoreConversation, ReadsEachTurnWithTheTurnsBeforeIt) {
  testing::TempDir dir;
  auto model = Model::Load(testing::WriteTinyContextModel(dir));
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  auto conversation = [](const char* agent) {
    Conversation c;
    c.id = "c";
    c.messages = {{Role::kCustomer, "", 0, "I need a room for 3 nights"},
                  {Role::kAgent, "", 0, agent},
                  {Role::kNote, "", 0, "internal: none left"},
                  {Role::kCustomer, "", 0, "ok, book the other one"}};
    return c;
  };
  const ScoredConversation refused = ScoreConversation(conversation("Sorry, there are no rooms left."), scorer);
  const ScoredConversation booked = ScoreConversation(conversation("Here is your booking, anything else?"), scorer);
  ASSERT_TRUE(refused.scores[3] && booked.scores[3]);
  EXPECT_FALSE(refused.scores[2]) << "a note is not scored";
  EXPECT_FALSE(refused.scores[0]->context);
  EXPECT_TRUE(refused.scores[3]->context);
  EXPECT_EQ(refused.scores[3]->label, Sentiment::kNegative);
  EXPECT_NE(booked.scores[3]->label, Sentiment::kNegative);
  const std::string json = ScoredConversationToJson(refused, "m");
  EXPECT_NE(json.find("\"context\": true"), std::string::npos) << json;
}

}  // namespace
}  // namespace convsent
