// Discovery's pure parts on hand-made conversations and rows: what becomes
// a phrase, when a phrase is an emerging issue and when it is not, and
// how the drill-down credits a change.
#include "convsent/discover.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace convsent {
namespace {

std::set<std::string> Phrases(std::string_view text) {
  PhraseExtractor x;
  std::set<std::string> out;
  x.Extract(text, [&](uint64_t, std::string_view p) { out.insert(std::string(p)); });
  return out;
}

TEST(PhraseExtractor, IdsNumbersAndAddressesNeverBecomePhrases) {
  const auto p = Phrases("Order A12345 for 30 EUR: see https://shop.example/x or write to bob@example.com URGENT");
  for (const std::string& s : p) {
    EXPECT_EQ(s.find_first_of("0123456789@/"), std::string::npos) << s;
    EXPECT_EQ(s.find("http"), std::string::npos) << s;
  }
  EXPECT_TRUE(p.count("order")) << "the word before an id stays";
  EXPECT_TRUE(p.count("urgent")) << "lower case";
}

// Found by fuzz_scorer: U+037A's compatibility form is " \u0345", so a word
// holding it had a space inside and a phrase of it too many words.
TEST(PhraseExtractor, AWordWhoseNormalFormHoldsASpaceIsNoPhrase) {
  for (const std::string& s : Phrases("not bad\xcd\xba\xcd\xba update broke everything")) {
    EXPECT_LT(std::count(s.begin(), s.end(), ' '), PhraseExtractor::kMaxWords) << s;
  }
}

TEST(PhraseExtractor, PhrasesDoNotStartOrEndWithAFunctionWord) {
  const auto p = Phrases("The promo code is not working for me");
  EXPECT_TRUE(p.count("promo code"));
  EXPECT_TRUE(p.count("not working")) << "a negation may start a phrase";
  EXPECT_FALSE(p.count("the promo")) << "a function word does not";
  EXPECT_FALSE(p.count("working for")) << "nor end one";
  const auto q = Phrases("it charged me twice");
  EXPECT_TRUE(q.count("charged me twice")) << "inside, it may";
}

// Conversations of a baseline of four periods and of the period examined:
// every negative says one of a few usual complaints; `planted` negatives
// of the period say something new.
struct Sample {
  DiscoverOptions options;
  std::vector<PhraseConversation> conversations;
  int64_t now = 400, before = 1600;
  void Negatives(bool now, int n, const std::vector<std::string>& texts) {
    for (int i = 0; i < n; ++i) {
      PhraseConversation c;
      c.now = now;
      c.id = (now ? "N-" : "B-") + std::to_string(conversations.size());
      c.customer_messages = {texts[static_cast<size_t>(i) % texts.size()], "Still waiting for an answer."};
      conversations.push_back(c);
    }
  }
  std::vector<EmergingIssue> Find() {
    EmergingFinder f(options);
    f.SetConversations(now, before);
    for (const auto& c : conversations) f.Add(c);
    return f.Find(nullptr, nullptr);
  }
};
const std::vector<std::string> kUsual = {"My parcel is late again.", "The refund never arrived.",
                                         "I was charged twice this month.", "The app crashes on start."};

TEST(EmergingFinder, FindsANewComplaintAndGroupsItsPhrases) {
  Sample s;
  s.Negatives(false, 320, kUsual);  // 20% of the baseline's conversations
  s.Negatives(true, 80, kUsual);    // the same rate now
  s.Negatives(true, 20, {"The promo code SPRING is rejected at checkout.", "Your promo code gets rejected!"});
  const auto issues = s.Find();
  ASSERT_EQ(issues.size(), 1u) << "only the new complaint";
  const auto& i = issues[0];
  EXPECT_NE(std::find(i.phrases.begin(), i.phrases.end(), "promo code"), i.phrases.end());
  EXPECT_EQ(i.negative_now, 20);
  EXPECT_EQ(i.negative_before, 0);
  EXPECT_GT(i.lift, 10);
  ASSERT_EQ(i.examples.size(), 3u);
  EXPECT_NE(i.examples[0].text.find("promo code"), std::string::npos);
}

TEST(EmergingFinder, AUsualComplaintAtItsUsualRateIsNotNew) {
  Sample s;
  s.Negatives(false, 320, kUsual);
  s.Negatives(true, 95, kUsual);  // a little more than usual, within chance
  EXPECT_TRUE(s.Find().empty());
}

TEST(EmergingFinder, ARiseWithinChanceOrBelowTheMinimumIsNotReported) {
  Sample s;
  s.Negatives(false, 320, kUsual);
  s.Negatives(false, 8, {"The promo code is rejected."});
  s.Negatives(true, 80, kUsual);
  s.Negatives(true, 4, {"The promo code is rejected."});  // twice the rate, four conversations
  EXPECT_TRUE(s.Find().empty());
}

// Rows of two periods: `n` conversations of a segment pair, `negative` of them negative.
struct Rows {
  ReportDictionary dict;
  std::vector<std::pair<ReportRow, bool>> rows;
  void Add(bool now, const std::string& channel, const std::string& team, int n, int negative) {
    for (int i = 0; i < n; ++i) {
      ReportRow r;
      r.has_customer = true;
      r.tone = i < negative ? Sentiment::kNegative : Sentiment::kNeutral;
      r.segments = {dict.InternSegment("channel", channel), dict.InternSegment("team", team)};
      rows.emplace_back(r, now);
    }
  }
  DrilldownResult Compute() {
    Drilldown d(std::vector<bool>(dict.segments.size(), true), dict);
    for (const auto& [r, now] : rows) d.Add(r, now);
    return d.Compute(5);
  }
};

TEST(Drilldown, NamesThePairThatMovedAndTheRestAddsUp) {
  Rows r;
  for (bool now : {false, true}) {
    for (const char* ch : {"chat", "email", "phone"}) {
      for (const char* team : {"tier1", "tier2"}) {
        const bool planted = now && std::string(ch) == "email" && std::string(team) == "tier2";
        r.Add(now, ch, team, 400, planted ? 200 : 60);
      }
    }
  }
  const DrilldownResult d = r.Compute();
  ASSERT_FALSE(d.items.empty());
  ASSERT_EQ(d.items[0].segment.size(), 2u) << "the pair, not email or tier2 alone";
  EXPECT_EQ(d.items[0].segment[0].value, "email");
  EXPECT_EQ(d.items[0].segment[1].value, "tier2");
  EXPECT_NEAR(d.items[0].contribution, 140.0 / 2400, 1e-9);
  EXPECT_LT(d.items[0].interval.low, d.items[0].contribution);
  EXPECT_GT(d.items[0].interval.low, 0);
  EXPECT_EQ(d.items.size(), 1u) << "nothing else moved";
  EXPECT_NEAR(d.explained + d.unexplained, d.change, 1e-12);
  EXPECT_NEAR(d.unexplained, 0, 1e-9);
}

TEST(Drilldown, AChangeEverywhereIsNotPinnedOnASegment) {
  Rows r;
  for (bool now : {false, true}) {
    for (const char* ch : {"chat", "email", "phone"}) {
      for (const char* team : {"tier1", "tier2"}) r.Add(now, ch, team, 400, now ? 100 : 60);
    }
  }
  const DrilldownResult d = r.Compute();
  EXPECT_TRUE(d.items.empty());
  EXPECT_NEAR(d.change, 40.0 / 400, 1e-12);
  EXPECT_NEAR(d.unexplained, d.change, 1e-12);
}

}  // namespace
}  // namespace convsent
