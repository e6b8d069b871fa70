// The behaviour suite: hand-written cases of what users report lexicon
// scorers get wrong, and of real support language. Each case states what the
// answer must be; a case may be a known failure with its reason, but no more
// than a tenth of them.
#include <gtest/gtest.h>

#include <cstdio>

#include "convsent/scorer.h"

namespace convsent {
namespace {

enum class Expect { kNegative, kPositive, kNeutral, kNotNegative, kNotPositive };

struct Case {
  const char* text;
  Expect expect;
  const char* known_failure = nullptr;  // why it fails today, or nullptr
};

const Case kCases[] = {
    // Negation.
    {"This is not the worst app I have used.", Expect::kNotNegative},
    {"Not bad at all.", Expect::kNotNegative},
    {"Not bad, actually pretty good.", Expect::kPositive},
    {"I don't like the new layout.", Expect::kNegative},
    {"The agent was not helpful.", Expect::kNegative},
    {"It never works when I need it.", Expect::kNegative},
    {"Not happy with this at all.", Expect::kNegative},
    {"Not good enough, sorry.", Expect::kNegative},
    {"Can't complain, it does the job.", Expect::kNotNegative},
    // Polite "no X" forms.
    {"No problem, thanks!", Expect::kNotNegative},
    {"No complaints here.", Expect::kNotNegative},
    {"No worries at all.", Expect::kNotNegative},
    {"No issues since the update.", Expect::kNotNegative},
    // Contrast.
    {"I love the app but the update broke everything", Expect::kNegative},
    {"The setup was painful but support sorted it out, thank you!", Expect::kPositive},
    {"Although the wait was long, the agent was brilliant.", Expect::kPositive},
    // Support language that lexicons miss.
    {"Kindly stop charging me", Expect::kNegative},
    {"I'm still waiting for my refund", Expect::kNegative},
    {"This is the third time I'm asking", Expect::kNegative},
    {"I was charged twice", Expect::kNegative},
    {"I want to cancel my account", Expect::kNegative},
    {"I already told you my order number.", Expect::kNegative},
    {"Still not working after the reset.", Expect::kNegative},
    {"Nobody has replied to my ticket in a week.", Expect::kNegative},
    {"The app keeps crashing on login.", Expect::kNegative},
    {"Great, another outage.", Expect::kNegative, "sarcasm: 'great' outweighs 'another outage'"},
    {"Thanks for nothing.", Expect::kNegative},
    // Emoji and emoticons.
    {"❤️", Expect::kPositive},
    {"👍🏽", Expect::kPositive},
    {"</3", Expect::kNegative},
    {"thanks :)", Expect::kPositive},
    {"ugh :(", Expect::kNegative},
    {"delivered today 🎉🎉", Expect::kPositive},
    {"😡😡😡", Expect::kNegative},
    // Emphasis.
    {"This is TERRIBLE!!!", Expect::kNegative},
    {"sooooo good", Expect::kPositive},
    {"Absolutely brilliant service.", Expect::kPositive},
    {"It's slightly slow but fine", Expect::kNotNegative},
    // Products and orders.
    {"It stopped working after two days.", Expect::kNegative},
    {"The charger feels flimsy and overpriced.", Expect::kNegative},
    {"I want my money back.", Expect::kNegative},
    {"The package never arrived.", Expect::kNegative},
    {"Worth every penny.", Expect::kPositive},
    {"Works great, thanks!", Expect::kPositive},
    // Service words the general lexicons lack.
    {"It's been a nightmare.", Expect::kNegative},
    {"The update made the app unusable on my phone.", Expect::kNegative},
    {"There were hidden charges on my bill.", Expect::kNegative},
    {"The technician was knowledgeable and friendly.", Expect::kPositive},
    {"Is there a fee for changing my plan?", Expect::kNeutral},
    // Polite phrases that are not sentiment, and plain requests.
    {"Please reset my password.", Expect::kNotPositive},
    {"Kindly send the invoice for March.", Expect::kNeutral},
    {"What are your opening hours?", Expect::kNeutral},
    {"My order number is 44120.", Expect::kNeutral},
    {"Could you reset my password please?", Expect::kNeutral,
     "requests phrased as questions lean negative: tweets that ask are often complaints"},
    {"Hi, I'd like to change my delivery address.", Expect::kNeutral},
    // Plain praise and complaints.
    {"Thank you so much for your help!", Expect::kPositive},
    {"Worst customer service ever.", Expect::kNegative},
    {"The new dashboard is great.", Expect::kPositive},
    {"I'm really disappointed.", Expect::kNegative},
    {"Problem solved, thanks a lot.", Expect::kPositive},
    {"Everything works perfectly now.", Expect::kPositive},
};

bool Passes(const MessageScore& s, Expect e) {
  switch (e) {
    case Expect::kNegative: return s.label == Sentiment::kNegative;
    case Expect::kPositive: return s.label == Sentiment::kPositive;
    case Expect::kNeutral: return s.label == Sentiment::kNeutral;
    case Expect::kNotNegative: return s.label != Sentiment::kNegative;
    case Expect::kNotPositive: return s.label != Sentiment::kPositive;
  }
  return false;
}

TEST(Behaviour, Suite) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  int passed = 0, known = 0, total = 0;
  for (const Case& c : kCases) {
    ++total;
    const MessageScore s = scorer.Score(c.text);
    const bool ok = Passes(s, c.expect);
    passed += ok;
    if (c.known_failure) {
      ++known;
      if (ok) std::printf("[ note ] known failure now passes, mark it fixed: %s\n", c.text);
      continue;
    }
    EXPECT_TRUE(ok) << "\"" << c.text << "\" scored " << SentimentName(s.label) << " (compound " << s.compound << ")";
  }
  std::printf("[ behaviour ] %d of %d cases pass; %d known failures listed with reasons\n", passed, total, known);
  EXPECT_LE(known * 10, total) << "no more than a tenth of the cases may be known failures";
}

}  // namespace
}  // namespace convsent
