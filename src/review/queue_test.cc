// The review queue's rules and life cycle, without a store or a server.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "convsent/model.h"
#include "convsent/review_queue.h"
#include "convsent/scorer.h"

namespace convsent {
namespace {

ScoredConversation Scored(const std::vector<std::pair<Role, std::string>>& messages) {
  static auto model = Model::Embedded();
  static Scorer scorer(*model);
  Conversation c;
  c.id = "c-1";
  for (const auto& [role, text] : messages) {
    Message m;
    m.role = role, m.text = text;
    c.messages.push_back(m);
  }
  return ScoreConversation(std::move(c), scorer);
}

TEST(QueueRule, FlagsAVeryNegativeCustomerMessageOrACancellation) {
  const QueueRules rules;
  auto angry = Scored({{Role::kCustomer, "This is useless. Worst service ever!!"}});
  auto item = QueueRule(rules, angry, 0, 42);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->severity, "high");
  EXPECT_EQ(item->conversation, "c-1");
  EXPECT_EQ(item->created_at_ms, 42);
  EXPECT_NE(item->reason.find("a customer message scored"), std::string::npos) << item->reason;
  // The detectors, apart from the score threshold.
  QueueRules detectors_only = rules;
  detectors_only.message_below = -1.0f;
  auto cancel = Scored({{Role::kCustomer, "Please cancel my subscription."}});
  ASSERT_TRUE(QueueRule(detectors_only, cancel, 0, 42).has_value());
  EXPECT_NE(QueueRule(detectors_only, cancel, 0, 42)->reason.find("cancellation_intent"), std::string::npos);
  // An angry agent is not the customer; a calm customer is not flagged.
  EXPECT_FALSE(QueueRule(rules, Scored({{Role::kAgent, "This is useless. Worst service ever!!"}}), 0, 42));
  EXPECT_FALSE(QueueRule(rules, Scored({{Role::kCustomer, "Thanks, that works."}}), 0, 42));
  QueueRules none = detectors_only;
  none.detectors.clear();
  const auto without = QueueRule(none, cancel, 0, 42);
  EXPECT_TRUE(!without || without->reason.find("cancellation") == std::string::npos) << "no detector, no such reason";
}

TEST(ReviewAction, ClaimReleaseResolve) {
  const Reviewer ana{"ana", 1, false}, bob{"bob", 2, false}, admin{"root", 3, true};
  ReviewItem r;
  r.id = 7, r.conversation = "c-1", r.severity = "high";
  EXPECT_EQ(ParseReviewAction("claim"), ReviewAction::kClaim);
  EXPECT_FALSE(ParseReviewAction("steal").has_value());
  ASSERT_TRUE(ApplyReviewAction(&r, ReviewAction::kClaim, ana, Sentiment::kNeutral, "", 10).ok());
  EXPECT_EQ(r.status, "claimed");
  EXPECT_EQ(r.claimed_key, 1);
  const ReviewItem claimed = r;
  EXPECT_EQ(ApplyReviewAction(&r, ReviewAction::kClaim, bob, Sentiment::kNeutral, "", 11).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ApplyReviewAction(&r, ReviewAction::kRelease, bob, Sentiment::kNeutral, "", 11).code(),
            StatusCode::kFailedPrecondition);
  const Status taken = ApplyReviewAction(&r, ReviewAction::kResolve, bob, Sentiment::kNegative, "", 11);
  EXPECT_EQ(taken.message(), "item 7 is claimed by ana");
  EXPECT_EQ(r.status, claimed.status) << "a refused action changes nothing";
  EXPECT_EQ(r.label, claimed.label);
  // A second key with the same name (a store from before names were unique)
  // is not the claimant.
  EXPECT_FALSE(
      ApplyReviewAction(&r, ReviewAction::kRelease, Reviewer{"ana", 9, false}, Sentiment::kNeutral, "", 12).ok());
  ASSERT_TRUE(ApplyReviewAction(&r, ReviewAction::kRelease, admin, Sentiment::kNeutral, "", 12).ok());
  EXPECT_EQ(r.status, "open");
  EXPECT_EQ(r.claimed_key, 0);
  // Resolving an open item claims it for the resolver.
  ASSERT_TRUE(ApplyReviewAction(&r, ReviewAction::kResolve, bob, Sentiment::kNegative, "refund issued", 13).ok());
  EXPECT_EQ(r.status, "resolved");
  EXPECT_EQ(r.label, "negative");
  EXPECT_EQ(r.claimed_by, "bob");
  EXPECT_EQ(r.resolved_at_ms, 13);
  EXPECT_FALSE(ApplyReviewAction(&r, ReviewAction::kResolve, admin, Sentiment::kPositive, "", 14).ok());
  const HumanLabel l = ResolutionLabel(r, bob, "m1");
  EXPECT_EQ(l.source, "review") << "a flagged item is not a random sample";
  EXPECT_EQ(l.label, Sentiment::kNegative);
  EXPECT_EQ(l.reviewer, "bob");
  EXPECT_EQ(l.note, "refund issued");
  EXPECT_EQ(l.at_ms, 13);
  r.severity = "audit";
  EXPECT_EQ(ResolutionLabel(r, bob, "m1").source, "audit");
}

// A claim made before claims named their key goes by the key's name.
TEST(ReviewAction, AnOldClaimGoesByName) {
  ReviewItem r;
  r.status = "claimed", r.claimed_by = "ana";
  EXPECT_FALSE(
      ApplyReviewAction(&r, ReviewAction::kRelease, Reviewer{"bob", 2, false}, Sentiment::kNeutral, "", 1).ok());
  EXPECT_TRUE(
      ApplyReviewAction(&r, ReviewAction::kRelease, Reviewer{"ana", 5, false}, Sentiment::kNeutral, "", 1).ok());
}

TEST(AuditDraw, DrawsTheRateOfIdsAndAlwaysTheSameOnes) {
  // Sequential ids, as help desks hand them out: the draw must not care.
  const int n = 100000;
  for (double rate : {0.01, 0.05, 0.5}) {
    int drawn = 0, drawn_low = 0;
    for (int i = 0; i < n; ++i) {
      const bool d = AuditDraw("ticket-" + std::to_string(i), rate);
      drawn += d;
      if (i < n / 2) drawn_low += d;
      EXPECT_EQ(d, AuditDraw("ticket-" + std::to_string(i), rate));
    }
    // Binomial: 5 standard deviations either side.
    const double sd = std::sqrt(n * rate * (1 - rate));
    EXPECT_NEAR(drawn, n * rate, 5 * sd) << rate;
    EXPECT_NEAR(drawn_low, n / 2 * rate, 5 * std::sqrt(n / 2 * rate * (1 - rate))) << "no drift along the ids";
  }
  EXPECT_FALSE(AuditDraw("x", 0));
  EXPECT_TRUE(AuditDraw("x", 1));
  // Nested: a conversation drawn at 1% is drawn at 5% too.
  for (int i = 0; i < 10000; ++i) {
    const std::string id = "c" + std::to_string(i);
    if (AuditDraw(id, 0.01)) {
      EXPECT_TRUE(AuditDraw(id, 0.05));
    }
  }
}

TEST(ResolutionLabel, AnAuditItemFlaggedLaterStillGivesAnAuditLabel) {
  ReviewItem r;
  r.conversation = "c-1", r.severity = "high", r.audit = true, r.label = "negative", r.resolved_at_ms = 5;
  EXPECT_EQ(ResolutionLabel(r, Reviewer{"ana", 1, false}, "m1").source, "audit");
  r.audit = false;
  EXPECT_EQ(ResolutionLabel(r, Reviewer{"ana", 1, false}, "m1").source, "review");
}

}  // namespace
}  // namespace convsent
