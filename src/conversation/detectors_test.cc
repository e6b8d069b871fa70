// The text detectors: each finds what it names, by role, and nothing in
// ordinary support talk.
#include "convsent/detectors.h"

#include <gtest/gtest.h>

namespace convsent {
namespace {

Conversation Of(std::initializer_list<std::pair<Role, const char*>> messages) {
  Conversation c;
  for (const auto& [role, text] : messages) {
    Message m;
    m.role = role;
    m.text = text;
    c.messages.push_back(m);
  }
  return c;
}

TEST(Detectors, FindWhatTheyNameByRole) {
  const auto d = DetectInConversation(Of({{Role::kCustomer, "I was CHARGED TWICE this month!"},
                                          {Role::kAgent, "Unfortunately we can’t refund it, that's our policy."},
                                          {Role::kCustomer, "Then I want to cancel my account."},
                                          {Role::kCustomer, "The app crashes too."}}));
  EXPECT_EQ(d.Get(Detector::kBillingDispute, Role::kCustomer), 1);
  EXPECT_EQ(d.Get(Detector::kBillingDispute, Role::kAgent), 1);  // "refund" in the agent's reply
  EXPECT_EQ(d.Get(Detector::kPolicyRefusal, Role::kAgent), 1);    // one message, counted once
  EXPECT_EQ(d.Get(Detector::kPolicyRefusal, Role::kCustomer), 0);
  EXPECT_EQ(d.Get(Detector::kCancellationIntent, Role::kCustomer), 1);
  EXPECT_EQ(d.Get(Detector::kBugOrOutage, Role::kCustomer), 1);
  EXPECT_EQ(d.Get(Detector::kRepeatedQuestion, Role::kCustomer), 0);
}

TEST(Detectors, WholeWordsOnlyAndNotesAreNotRead) {
  const auto d = DetectInConversation(Of({{Role::kCustomer, "It was discharged twice from the hospital, errorless."},
                                          {Role::kNote, "customer was charged twice"}}));
  EXPECT_EQ(d.packed(), 0u);
}

TEST(Detectors, AQuestionAskedAgain) {
  const auto d = DetectInConversation(Of({{Role::kCustomer, "Where is my order 12345, it has not arrived yet?"},
                                          {Role::kAgent, "Let me check."},
                                          {Role::kCustomer, "Where is my order 12345? It still has not arrived."}}));
  EXPECT_EQ(d.Get(Detector::kRepeatedQuestion, Role::kCustomer), 1);
  const auto phrase = DetectInConversation(Of({{Role::kCustomer, "This is the third time I'm asking."}}));
  EXPECT_EQ(phrase.Get(Detector::kRepeatedQuestion, Role::kCustomer), 1);
}

TEST(Detectors, CountsSaturateAndNamesRoundTrip) {
  Conversation c;
  for (int i = 0; i < 40; ++i) c.messages.push_back({Role::kCustomer, "", 0, "refund please"});
  const auto d = DetectInConversation(c);
  EXPECT_EQ(d.Get(Detector::kBillingDispute, Role::kCustomer), 15);
  EXPECT_EQ(d.Get(Detector::kBugOrOutage, Role::kCustomer), 0);  // no carry into the next field
  for (int i = 0; i < kDetectorCount; ++i) {
    const auto det = static_cast<Detector>(i);
    EXPECT_EQ(ParseDetector(DetectorName(det)), det);
  }
  EXPECT_FALSE(ParseDetector("nope").has_value());
}

}  // namespace
}  // namespace convsent
