// The behaviour suite: hand-written cases of what users report lexicon
// scorers get wrong, and of real support language. Each case states what the
// answer must be; a case may be a known failure with its reason. The aim is
// that at least 95% pass.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "convsent/eval.h"
#include "convsent/scorer.h"
#include "test_util.h"

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
    {"It's slightly slow but fine", Expect::kNotNegative,
     "on the edge: negative 0.36 against neutral 0.38 before session 27's phrases, 0.40 against 0.36 after; "
     "it failed with one of four training seeds before, two after"},
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
    {"Could you reset my password please?", Expect::kNeutral},
    {"Hi, I'd like to change my delivery address.", Expect::kNeutral},
    // Plain praise and complaints.
    {"Thank you so much for your help!", Expect::kPositive},
    {"Worst customer service ever.", Expect::kNegative},
    {"The new dashboard is great.", Expect::kPositive},
    {"I'm really disappointed.", Expect::kNegative},
    {"Problem solved, thanks a lot.", Expect::kPositive},
    {"Everything works perfectly now.", Expect::kPositive},
    // Polite requests and questions: most of what customers write, and
    // neutral unless they say more.
    {"Can you tell me when my order will ship?", Expect::kNeutral},
    {"Is there a way to export my data to CSV?", Expect::kNeutral},
    {"How do I change the email on my account?", Expect::kNeutral},
    {"Could you send me a copy of my last invoice?", Expect::kNeutral},
    {"Do you ship to Canada?", Expect::kNeutral},
    {"Where can I find my order history?", Expect::kNeutral},
    {"Can I pay by bank transfer?", Expect::kNeutral},
    {"Would it be possible to move my appointment to Friday?", Expect::kNeutral},
    {"I'd like to upgrade to the annual plan.", Expect::kNotNegative},
    {"Please update my billing address to 12 High Street.", Expect::kNeutral},
    {"Can you check the status of ticket 5521?", Expect::kNeutral,
     "a question reads as a complaint: in the training tweets and TV dialogue many are (43% of MELD's request-shaped questions are negative)"},
    {"What is the difference between the basic and pro plans?", Expect::kNeutral},
    {"When does my subscription renew?", Expect::kNeutral},
    {"Is the blue one still in stock?", Expect::kNeutral},
    {"Hello, I need help setting up two-factor authentication.", Expect::kNotNegative},
    {"Can someone call me back tomorrow morning?", Expect::kNeutral},
    {"How long does a refund usually take?", Expect::kNotPositive},
    {"I have a question about my account.", Expect::kNeutral},
    {"Could you add my colleague to our team workspace?", Expect::kNeutral},
    {"Just checking in on my request from Monday.", Expect::kNotPositive},
    // Complaints without a sentiment word.
    {"I've been on hold for 40 minutes.", Expect::kNegative},
    {"This is the fourth email I've sent about this.", Expect::kNegative},
    {"My package was supposed to arrive last week.", Expect::kNotPositive},
    {"The tracking number you gave me doesn't exist.", Expect::kNegative,
     "a complaint told as plain facts, with no sentiment word: rare in the training data, and in no lexicon"},
    {"I still haven't received my refund.", Expect::kNegative},
    {"Nobody has called me back.", Expect::kNegative},
    {"The app logs me out every five minutes.", Expect::kNotPositive},
    {"You charged my card after I cancelled.", Expect::kNegative},
    {"I keep getting an error when I try to pay.", Expect::kNegative},
    {"The page just spins and never loads.", Expect::kNegative},
    {"I was promised a call back two days ago.", Expect::kNegative},
    {"My order arrived with a piece missing.", Expect::kNegative},
    {"I was told this would be fixed last month.", Expect::kNegative,
     "a complaint told as plain facts, with no sentiment word: rare in the training data, and in no lexicon"},
    {"Every time I update, my settings are gone.", Expect::kNegative,
     "a complaint told as plain facts, with no sentiment word: rare in the training data, and in no lexicon"},
    {"I can't log in since yesterday.", Expect::kNegative},
    // Angry customers.
    {"This is ridiculous, I want to speak to a manager.", Expect::kNegative},
    {"Absolutely unacceptable.", Expect::kNegative},
    {"I'm done with this company.", Expect::kNegative,
     "a complaint told as plain facts, with no sentiment word: rare in the training data, and in no lexicon"},
    {"Fix it now or I'm leaving.", Expect::kNegative},
    {"WHY IS THIS STILL BROKEN", Expect::kNegative},
    {"You people are useless!!!", Expect::kNegative},
    {"I'm so frustrated with this service.", Expect::kNegative},
    {"Cancel my subscription immediately.", Expect::kNegative},
    // Sarcasm: said in positive words, meant as a complaint.
    {"Oh great, the app crashed again.", Expect::kNegative,
     "sarcasm: 'great' outweighs 'crashed again'"},
    {"Wonderful, another week without internet.", Expect::kNegative,
     "sarcasm: 'wonderful' outweighs 'without internet'; the model has no notion of irony"},
    {"Thanks a lot for losing my package.", Expect::kNegative},
    {"Love waiting an hour for a reply.", Expect::kNegative,
     "sarcasm: 'love' outweighs 'waiting an hour'"},
    {"Brilliant, charged twice again.", Expect::kNegative},
    // Mixed messages.
    {"The product is good but delivery took forever.", Expect::kNegative},
    {"Support was slow, but they did fix it in the end.", Expect::kNotNegative},
    {"I like the features, but the price is too high.", Expect::kNegative},
    {"Great phone, terrible battery.", Expect::kNotPositive},
    {"The agent was friendly but couldn't solve anything.", Expect::kNegative},
    {"It's okay, nothing special.", Expect::kNotPositive},
    // Thanks with a complaint, and thanks alone.
    {"Thanks, but this still doesn't work.", Expect::kNegative},
    {"Thank you for your reply, however my issue is not resolved.", Expect::kNegative},
    {"Thanks for getting back to me, but I'm still being charged.", Expect::kNegative},
    {"Thanks for the quick fix!", Expect::kPositive},
    {"Many thanks, that worked.", Expect::kPositive},
    {"Thank you, have a great day!", Expect::kPositive},
    {"You've been a great help.", Expect::kPositive},
    {"Cheers, all sorted.", Expect::kPositive},
    {"That fixed it, you're a star.", Expect::kPositive},
    {"I really appreciate your patience.", Expect::kPositive},
    // Agent turns: apologies and offers are not the customer's complaint.
    {"I'm sorry for the inconvenience, I've issued a full refund.", Expect::kNotNegative,
     "an agent's apology reads as the customer's complaint: the scorer does not know who speaks"},
    {"Thanks for reaching out! Let me look into this for you.", Expect::kNotNegative},
    {"I've escalated this to our billing team.", Expect::kNeutral},
    {"Could you please confirm the email address on the account?", Expect::kNeutral,
     "on the edge: negative 0.48 against neutral 0.48 before session 27's phrases, 0.50 against 0.45 after; "
     "'confirm', 'email' and 'account' lean negative in the tweets and dialogues; it failed with one of four "
     "training seeds before, three after"},
    {"Your replacement has been shipped and should arrive on Tuesday.", Expect::kNotNegative},
    {"Is there anything else I can help you with?", Expect::kNotNegative},
    {"I understand how frustrating this must be.", Expect::kNotPositive},
    {"I've reset your password; you should receive an email shortly.", Expect::kNotNegative},
    {"Happy to help, have a lovely weekend!", Expect::kPositive},
    {"Unfortunately we cannot offer a refund after 30 days.", Expect::kNotPositive},
    // Words from other languages in English messages.
    {"Merci, that solved it!", Expect::kPositive},
    {"Gracias, the new card works perfectly.", Expect::kPositive},
    {"The parcel arrived kaputt.", Expect::kNegative,
     "'kaputt' is German and in no lexicon; nothing else in the message is negative"},
    {"Danke for the quick reply!", Expect::kPositive},
    {"Hola, do you have a Spanish support line?", Expect::kNeutral},
    // Greetings and sign-offs around plain facts.
    {"Hi there, my order number is 88231.", Expect::kNeutral},
    {"Good morning, I'm writing about my invoice.", Expect::kNotNegative},
    {"Hello, I moved house last month.", Expect::kNeutral},
    {"Regards, Sam", Expect::kNeutral},
    {"Hi, is anyone there?", Expect::kNotPositive},
    // Short replies.
    {"ok", Expect::kNeutral},
    {"Yes please.", Expect::kNotNegative},
    {"No.", Expect::kNotPositive},
    {"Perfect, thanks!", Expect::kPositive},
    {"Still nothing.", Expect::kNegative},
    {"Never mind, found it.", Expect::kNotNegative,
     "'never' negates 'mind', and the negation of a neutral word leans negative"},
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

// The shipped model, or CONVSENT_TEST_MODEL's file: a candidate model is
// checked against the suite before it replaces the shipped one.
std::shared_ptr<const Model> SuiteModel() {
  const char* path = std::getenv("CONVSENT_TEST_MODEL");
  auto model = path != nullptr && *path ? Model::Load(path) : Model::Embedded();
  if (!model.ok()) ADD_FAILURE() << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

TEST(Behaviour, Suite) {
  auto model = SuiteModel();
  ASSERT_NE(model, nullptr);
  Scorer scorer(model);
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
  EXPECT_GE(total, 150);
  // The aim is a twentieth; today 14 of 151 fail (docs/scorer.md). The cap
  // only moves down: a new failure must be fixed, or traded only for more
  // fixed ones, with its reason.
  EXPECT_LE(known, 14) << "known failures may only become fewer";
}

// Support messages written apart from the suite and from all training data
// (data/eval/support-holdout.tsv): questions people read as neutral and
// complaints told as plain facts. No model choice is made on them; they
// show what the suite's cases, written beside the model, cannot: how it does
// on support text nobody tuned for. Today it reads most questions right and
// misses most plain complaints, which makes the share negative of a support
// stream too low (docs/scorer.md). The floors are today's counts; they only
// move up.
TEST(Behaviour, FreshSupportMessages) {
  auto model = SuiteModel();
  ASSERT_NE(model, nullptr);
  std::vector<Status> errors;
  auto rows = ReadLabeledTsv(testing::SourceDir() + "/data/eval/support-holdout.tsv", &errors);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_TRUE(errors.empty());
  Scorer scorer(model);
  int questions = 0, neutral = 0, complaints = 0, negative = 0;
  for (const LabeledText& r : *rows) {
    const Sentiment got = scorer.Score(r.text).label;
    if (r.label == Sentiment::kNeutral) ++questions, neutral += got == Sentiment::kNeutral;
    if (r.label == Sentiment::kNegative) ++complaints, negative += got == Sentiment::kNegative;
  }
  std::printf("[ fresh ] %d of %d questions neutral, %d of %d plain complaints negative\n", neutral, questions,
              negative, complaints);
  EXPECT_EQ(questions, 46);
  EXPECT_EQ(complaints, 24);
  EXPECT_GE(neutral, 40);
  EXPECT_GE(negative, 9);
}

// Words that are grammar, greetings or punctuation: a person does not accept
// them as the reason for a score. Written here, apart from the tokenizer's
// own list, so that the two check each other.
bool IsNotAReason(std::string token) {
  static const std::set<std::string> kWords = {
      "the", "a", "an", "you", "your", "i", "me", "my", "is", "are", "was", "be", "there", "for", "to", "of",
      "in", "on", "at", "and", "or", "it", "this", "that", "hi", "hello", "hey", "can", "could", "would", "do",
      "does", "did", "have", "has", "we", "our", "they", "with", "from", "about", "what", "when", "how", "i'm",
      "i've", "i'd", "i'll", "we'll", "it's", "dear", "just", "so", "very", "but", "if", "as", "by", "will"};
  for (char& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (kWords.count(token)) return true;
  return token.find_first_not_of(".,;:!?-'\"") == std::string::npos;  // punctuation alone
}

// The models a message may be scored by: the suite's, and (unless a
// candidate file is tested) the one for messages in conversations.
std::vector<std::shared_ptr<const Model>> ExplainedModels() {
  std::vector<std::shared_ptr<const Model>> out = {SuiteModel()};
  const char* path = std::getenv("CONVSENT_TEST_MODEL");
  if (path == nullptr || !*path) out.push_back(*Model::Embedded(ModelUse::kConversations));
  return out;
}

// The model for conversations, read line by line here, passes as many cases
// as the one for lone lines, less one: only the lone-line model learns from
// convsent's support requests at weight 2 (session 26), which the dialogue
// model does without for its conversation tone (docs/scorer.md).
TEST(Behaviour, TheDialogueModelAlonePassesAsMany) {
  auto lines = Model::Embedded();
  auto dialogue = Model::Embedded(ModelUse::kConversations);
  ASSERT_TRUE(lines.ok() && dialogue.ok());
  Scorer a(*lines), b(*dialogue);
  int pa = 0, pb = 0;
  for (const Case& c : kCases) pa += Passes(a.Score(c.text), c.expect), pb += Passes(b.Score(c.text), c.expect);
  std::printf("[ behaviour ] %s passes %d, %s %d\n", (*lines)->info().version.c_str(), pa,
              (*dialogue)->info().version.c_str(), pb);
  EXPECT_GE(pb, pa - 1);
}

TEST(Behaviour, ExplanationsNameReasonsNotFunctionWords) {
  for (const auto& model : ExplainedModels()) {
    ASSERT_NE(model, nullptr);
    SCOPED_TRACE(model->info().version);
    Scorer scorer(model);
    std::vector<std::string> texts;
    for (const Case& c : kCases) texts.emplace_back(c.text);
    std::ifstream sample(testing::SourceDir() + "/data/sample/support_messages.tsv");
    ASSERT_TRUE(sample) << "the built-in sample is missing";
    for (std::string line; std::getline(sample, line);) {
      if (const size_t tab = line.find('\t'); tab != std::string::npos && line.compare(0, tab, "label") != 0) {
        texts.push_back(line.substr(tab + 1));
      }
    }
    ScoreOptions options;
    options.explain = 3;
    int tokens = 0;
    for (const std::string& text : texts) {
      const MessageScore s = scorer.Score(text, options);
      for (const Contribution& c : s.explain) {
        ++tokens;
        EXPECT_FALSE(IsNotAReason(c.token)) << "\"" << text << "\" is explained by \"" << c.token << "\"";
      }
    }
    EXPECT_GT(tokens, static_cast<int>(texts.size()));  // explanations are there at all
  }
}

// The model itself, not only the display: a function word alone weighs
// nothing, so every one of them scores exactly as the others do.
TEST(Behaviour, FunctionWordsAloneWeighNothing) {
  for (const auto& model : ExplainedModels()) {
    ASSERT_NE(model, nullptr);
    Scorer scorer(model);
    const MessageScore the = scorer.Score("the");
    for (const char* word : {"of", "Hi", "you", "is", "there", "for", "my", "could"}) {
      const MessageScore s = scorer.Score(word);
      for (int c = 0; c < kNumClasses; ++c) EXPECT_FLOAT_EQ(s.p[c], the.p[c]) << word << " " << model->info().version;
    }
  }
}

}  // namespace
}  // namespace convsent
