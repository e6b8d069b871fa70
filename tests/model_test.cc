#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "convsent/model.h"
#include "convsent/score_format.h"
#include "convsent/scorer.h"
#include "convsent/train.h"
#include "model/features.h"
#include "model/lexicon.h"
#include "model/model_data.h"
#include "test_util.h"

namespace convsent {
namespace {

std::string EmbeddedBytes() {
  auto model = Model::Embedded();
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  return testing::ReadFile(testing::SourceDir() + "/models/convsent-msg.cvsm");
}

TEST(Model, EmbeddedModelIsTheCommittedFile) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto file = Model::Load(testing::SourceDir() + "/models/convsent-msg.cvsm");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*model)->info().version, (*file)->info().version);
  EXPECT_EQ((*model)->info().format_version, kModelFormatVersion);
  EXPECT_EQ((*model)->info().tokenizer_version, kTokenizerVersion);
  EXPECT_LE((*model)->info().file_bytes, 4u << 20) << "the shipped model must stay a few MB";
}

TEST(Model, RejectsCorruptFiles) {
  const std::string good = EmbeddedBytes();
  ASSERT_GT(good.size(), 100u);
  EXPECT_TRUE(Model::FromBytes(good).ok());

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  auto r = Model::FromBytes(flipped);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("content hash"), std::string::npos);

  EXPECT_FALSE(Model::FromBytes(good.substr(0, good.size() - 10)).ok());
  EXPECT_FALSE(Model::FromBytes(good.substr(0, 20)).ok());
  EXPECT_FALSE(Model::FromBytes("").ok());
  std::string magic = good;
  magic[0] = 'X';
  EXPECT_NE(Model::FromBytes(magic).status().message().find("magic"), std::string::npos);

  std::string future = good;
  future[8] = 99;  // format version
  auto f = Model::FromBytes(future);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("format version 99"), std::string::npos);

  std::string tokenizer = good;
  tokenizer[12] = 42;  // tokenizer version
  EXPECT_EQ(Model::FromBytes(tokenizer).status().code(), StatusCode::kFailedPrecondition);

  auto missing = Model::Load("/nonexistent/model.cvsm");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

// Tokenizer version 2 folds Arabic spelling and nothing else, so a team's
// model file of version 1 (an adapted model, say) still loads and scores
// as before outside Arabic words; versions this build does not know do not.
TEST(Model, ReadsFilesOfTheTokenizerBeforeArabicFolding) {
  const std::string good = EmbeddedBytes();
  auto with_tokenizer = [&](uint8_t version) {
    std::string bytes = good;
    bytes[12] = static_cast<char>(version);
    const std::string_view view = bytes;
    const uint64_t hash = ModelData::ContentHash(view.substr(0, 40), view.substr(48));
    std::memcpy(bytes.data() + 40, &hash, sizeof(hash));
    return Model::FromBytes(bytes);
  };
  auto v1 = with_tokenizer(1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ((*v1)->info().tokenizer_version, 1u);
  auto v2 = Model::FromBytes(good);
  ASSERT_TRUE(v2.ok());
  const std::string text = "Still waiting for my refund, this is ridiculous.";
  EXPECT_EQ(Scorer(*v1).Score(text).compound, Scorer(*v2).Score(text).compound);
  // Written again (model upgrade, or a base model adapt keeps), it still
  // says which tokenizer it was trained with.
  auto again = Model::FromBytes((*v1)->Serialize((*v1)->info().metadata_json));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->info().tokenizer_version, 1u);
  for (const uint8_t unknown : {uint8_t{0}, static_cast<uint8_t>(kTokenizerVersion + 1)}) {
    auto r = with_tokenizer(unknown);
    ASSERT_FALSE(r.ok()) << int{unknown};
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("tokenizer v"), std::string::npos);
  }
}

// The hash covers the header (format 2): a flipped feature flag changed the
// scores while the version string stayed. Fields a valid hash can still
// carry are checked: a temperature of 0 or NaN answered p = 0.
TEST(Model, TheHeaderIsHashedAndEveryFieldChecked) {
  const std::string good = EmbeddedBytes();
  for (const size_t flag_byte : {20u, 21u}) {
    std::string flipped = good;
    flipped[flag_byte] ^= 0x01;
    auto r = Model::FromBytes(flipped);
    ASSERT_FALSE(r.ok()) << "byte " << flag_byte;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  }
  auto data = ModelData::Parse(good);
  ASSERT_TRUE(data.ok());
  const std::string meta = (*data)->info.metadata_json;
  for (const float bad : {0.0f, std::nanf(""), -1.0f, 1e9f}) {
    (*data)->temperature = bad;
    auto r = Model::FromBytes((*data)->Serialize(meta));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("temperature"), std::string::npos) << r.status().message();
  }
  (*data)->temperature = 1.0f;
  (*data)->bias[1] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(Model::FromBytes((*data)->Serialize(meta)).ok());
  (*data)->bias[1] = 0;
  (*data)->feature_flags = 1u << 7;  // a switch this build does not know
  auto unknown = Model::FromBytes((*data)->Serialize(meta));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("feature flags"), std::string::npos);
}

// The same text and model always give the same score. If the shipped model
// changes on purpose, regenerate the golden file:
//   build/convsent score --explain 2 tests/golden/texts.txt > tests/golden/scores.jsonl
TEST(Model, GoldenScores) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  std::ifstream texts(testing::SourceDir() + "/tests/golden/texts.txt");
  std::ifstream golden(testing::SourceDir() + "/tests/golden/scores.jsonl");
  std::string text, expected;
  int n = 0;
  ScoreOptions options;
  options.explain = 2;
  while (std::getline(texts, text)) {
    ASSERT_TRUE(std::getline(golden, expected)) << "golden file is shorter than texts.txt";
    std::string got = "{";
    AppendScoreFields(scorer.Score(text, options), (*model)->info().version, &got);
    got += "}";
    EXPECT_EQ(got, expected) << "text: " << text << "\nregenerate tests/golden/scores.jsonl if the model changed on purpose";
    ++n;
  }
  EXPECT_EQ(n, 9);
}

TEST(Scorer, ContractOnEdgeInput) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  for (std::string_view text : {std::string_view(""), std::string_view("   "), std::string_view("\t")}) {
    const MessageScore s = scorer.Score(text);
    EXPECT_EQ(s.label, Sentiment::kNeutral);
    EXPECT_EQ(s.compound, 0);
    EXPECT_EQ(s.score5, 3);
    EXPECT_TRUE(s.explain.empty());
  }
  const MessageScore bad = scorer.Score("terrible \xFF\xFE service");
  EXPECT_EQ(bad.invalid_utf8_bytes, 2u);
  EXPECT_EQ(bad.label, Sentiment::kNegative);

  const std::string huge(200000, 'a');
  ScoreOptions small;
  small.max_bytes = 1000;
  const MessageScore cut = scorer.Score(huge, small);
  EXPECT_TRUE(cut.truncated);

  const MessageScore s = scorer.Score("I love it, thank you!!");
  float sum = s.p[0] + s.p[1] + s.p[2];
  EXPECT_NEAR(sum, 1.0f, 1e-5);
  EXPECT_NEAR(s.compound, s.p[2] - s.p[0], 1e-6);
  EXPECT_NEAR(s.score5, 3 + 2 * s.compound, 1e-5);
  EXPECT_GE(s.score5, 1);
  EXPECT_LE(s.score5, 5);
  ASSERT_FALSE(s.explain.empty());
  EXPECT_EQ(s.explain[0].token, "love");
  EXPECT_GT(s.explain[0].weight, 0);
}

// Explanations list reasons a support lead accepts: lexicon phrases whole,
// neighbouring words that push the same way as one phrase, emoji apart, and
// no number or weak push ("account" and "77" in an account number).
TEST(Scorer, ExplanationsNamePhrasesAndNoWeakOrNumberTokens) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  ScoreOptions o;
  o.explain = 10;
  auto tokens = [&](std::string_view text) {
    std::vector<std::string> out;
    for (const auto& c : scorer.Score(text, o).explain) out.push_back(c.token);
    return out;
  };
  using ::testing::Contains;
  EXPECT_THAT(tokens("I was charged twice for my subscription!!"), Contains("charged twice"));
  EXPECT_THAT(tokens("I want to cancel my account."), Contains("cancel my account"));
  EXPECT_THAT(tokens("I'm not happy with the replacement"), Contains("not happy"));
  const auto slow = tokens("it is so slow :(");
  EXPECT_THAT(slow, Contains(":(")) << "an emoticon is a reason of its own";
  for (const auto& t : tokens("My account ID is 55-201-77.")) ADD_FAILURE() << "a weak or number reason: " << t;
  auto repeated = tokens("awful, awful, awful service 😡 😡");
  std::sort(repeated.begin(), repeated.end());
  EXPECT_EQ(repeated, (std::vector<std::string>{"awful", "😡"})) << "a reason written twice is listed once";
  // A learned word in no lexicon is named only from 0.75 nats: in the
  // built-in sample's lines, "week", "app" and "want" push by 0.56-0.67.
  const Lexicon& lexicon = (*model)->data().lexicon;
  for (const char* text : {"Great, another outage. Third one this week.",
                           "The app crashes every time I open the settings :(",
                           "I want to cancel my account. This is ridiculous.", "Please send me the invoice for October."}) {
    for (const auto& c : scorer.Score(text, o).explain) {
      if (std::fabs(c.weight) >= 0.75f) continue;
      bool in_lexicon = false;
      for (size_t at = 0; at <= c.token.size();) {
        const size_t end = std::min(c.token.find(' ', at), c.token.size());
        std::string word = c.token.substr(at, end - at);
        std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
        in_lexicon |= lexicon.Find(HashToken(word), 1) != nullptr;
        at = end + 1;
      }
      EXPECT_TRUE(in_lexicon || c.token.find(' ') != std::string::npos)
          << text << ": \"" << c.token << "\" (" << c.weight << ") is in no lexicon and pushes under 0.75";
    }
  }
  for (const auto& c : scorer.Score("Nobody answered in 5 days, 3 emails sent", o).explain) {
    EXPECT_EQ(c.token.find_first_of("0123456789"), std::string::npos) << c.token;
    EXPECT_GE(std::fabs(c.weight), 0.5f) << c.token;
  }
}

TEST(Train, IsDeterministicAndLearns) {
  testing::TempDir dir;
  TrainOptions o = testing::TinyTrainOptions(dir);
  auto a = TrainModel(o, nullptr);
  auto b = TrainModel(o, nullptr);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->model_bytes, b->model_bytes);
  auto model = Model::FromBytes(a->model_bytes);
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  EXPECT_EQ(scorer.Score("love it, great").label, Sentiment::kPositive);
  EXPECT_EQ(scorer.Score("I hate this").label, Sentiment::kNegative);
  EXPECT_EQ(scorer.Score("the meeting today").label, Sentiment::kNeutral);
}

// Word vectors give a word the training text never used the weights of its
// neighbours ("wonderful" near "love" and "great"); the scores of the words
// it did use are untouched, and the model says where the vectors came from.
TEST(Train, WordVectorsGiveUnseenWordsTheirNeighboursWeights) {
  testing::TempDir dir;
  TrainOptions o = testing::TinyTrainOptions(dir);
  auto plain = TrainModel(o, nullptr);
  o.word_vectors = dir.Write("vectors.txt",
                             "love 1 0.1 0 0\ngreat 0.9 0.2 0 0.1\njob 0.5 0.5 0 0\n"
                             "hate 0 0 1 0.1\nawful 0.1 0 0.9 0\n"
                             "meeting 0 1 0 0\ntoday 0 0.9 0.1 0\n"
                             "wonderful 0.95 0.15 0.05 0\ndreadful 0.05 0.05 0.95 0.1\nagenda 0.05 0.95 0 0\n"
                             "the 0 0 0 1\n");  // a function word: it has no weight of its own to get
  auto with = TrainModel(o, nullptr);
  ASSERT_TRUE(plain.ok() && with.ok()) << with.status().ToString();
  auto a = Model::FromBytes(plain->model_bytes), b = Model::FromBytes(with->model_bytes);
  ASSERT_TRUE(a.ok() && b.ok());
  Scorer before(*a), after(*b);
  EXPECT_EQ(before.Score("wonderful").label, Sentiment::kNeutral) << "unseen, and in no lexicon";
  EXPECT_EQ(after.Score("wonderful").label, Sentiment::kPositive);
  EXPECT_EQ(after.Score("dreadful").label, Sentiment::kNegative);
  EXPECT_EQ(after.Score("agenda").label, Sentiment::kNeutral);
  // The same, up to the weights' int16 step, whose scale the largest weight sets.
  for (const char* seen : {"love it, great", "I hate this", "the meeting today"}) {
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(after.Score(seen).p[c], before.Score(seen).p[c], 1e-4) << seen;
  }
  EXPECT_NE((*b)->info().metadata_json.find("\"word_vectors\":{"), std::string::npos) << (*b)->info().metadata_json;
  EXPECT_EQ((*a)->info().metadata_json.find("word_vectors"), std::string::npos) << "said only when used";
}

// Models made before kPackedCharGrams key their character grams by a string
// hash of each gram; they must keep finding their weights. New ones key the
// same grams by their bytes, each gram a feature of its own.
// Explanations hold a learned word to a higher bar unless the lexicon
// knows it: a phrase held at 0 ("sorry to bother": no sentiment) does not
// count as knowing its words.
TEST(Features, AZeroValencePhraseIsNotALexiconReason) {
  Lexicon lexicon;
  auto add = [&](std::initializer_list<const char*> words, float valence) {
    std::vector<uint64_t> h;
    for (const char* w : words) h.push_back(HashToken(w));
    uint64_t key = h[0];
    for (size_t i = 1; i < h.size(); ++i) key = i == 1 ? PhraseKey(h[0], h[1]) : PhraseKey(key, h[i]);
    lexicon.Add(key, valence, static_cast<uint8_t>(h.size()));
  };
  add({"sorry", "to", "bother"}, 0.0f);
  add({"charged", "twice"}, -2.6f);
  add({"great"}, 3.1f);
  lexicon.Build();
  FeatureExtractor fx(&lexicon, (1u << 12) - 1, 0);
  FeatureVector fv;
  fx.Extract("sorry to bother, charged twice, great", &fv);
  ASSERT_GE(fx.tokens().tokens.size(), 8u);
  EXPECT_FALSE(fx.InLexicon(2)) << "'sorry to bother' ends here, at 0";
  EXPECT_EQ(fx.PhraseLength(2), 3u);
  EXPECT_TRUE(fx.InLexicon(5)) << "'charged twice'";
  EXPECT_TRUE(fx.InLexicon(7)) << "'great'";
  EXPECT_FALSE(fx.InLexicon(0));
}

TEST(Features, CharacterGramsKeepTheKeysTheirModelWasTrainedWith) {
  Lexicon lexicon;
  lexicon.Build();
  constexpr uint32_t kMask = (1u << 17) - 1;
  constexpr uint64_t kCharGramSalt = 0x4348415247524d53ULL;  // features.cc: part of every such model
  const std::vector<std::string> grams = {"<ho", "hol", "ola", "la>", "<hol", "hola", "ola>"};
  auto gram_features = [&](uint32_t flags) {
    FeatureExtractor fx(&lexicon, kMask, flags);
    FeatureVector fv;
    fx.Extract("hola", &fv);
    std::vector<std::pair<uint32_t, uint16_t>> out;
    for (const SparseFeature& f : fv.sparse) out.push_back({f.bucket, f.check});
    return out;
  };
  const auto old_keys = gram_features(kCharNgrams);
  for (const std::string& gram : grams) {
    const FeatureSlot slot = SlotOf(PhraseKey(HashToken(gram), kCharGramSalt), kMask);
    EXPECT_THAT(old_keys, ::testing::Contains(std::pair{slot.bucket, slot.check})) << gram;
  }
  const auto packed = gram_features(kCharNgrams | kPackedCharGrams);
  const auto words = gram_features(0);
  ASSERT_EQ(old_keys.size(), words.size() + grams.size());
  ASSERT_EQ(packed.size(), old_keys.size());
  std::set<std::pair<uint32_t, uint16_t>> distinct(packed.begin(), packed.end());
  EXPECT_EQ(distinct.size(), packed.size()) << "each gram a feature of its own";
  for (size_t i = words.size(); i < packed.size(); ++i) {
    EXPECT_THAT(old_keys, ::testing::Not(::testing::Contains(packed[i]))) << "gram " << i - words.size();
  }
  // 4-grams alone: "<hol", "hola", "ola>", with the keys the 3-and-4 model
  // gives them.
  const auto four = gram_features(kCharNgrams | kPackedCharGrams | kCharFourGramsOnly);
  ASSERT_EQ(four.size(), words.size() + 3);
  for (size_t i = words.size(); i < four.size(); ++i) {
    EXPECT_THAT(packed, ::testing::Contains(four[i])) << "gram " << i - words.size();
  }
}

// A file's own class balance (PATH:WEIGHT:BALANCE) weighs its classes, and
// the model's metadata records it.
TEST(Train, AFileBalancesItsClassesAsItSays) {
  testing::TempDir dir;
  std::string rows = testing::TinyTrainingRows();
  for (int i = 0; i < 30; ++i) rows += "neutral\tthe meeting is on day " + std::to_string(i) + "\n";
  TrainOptions o;
  o.train = {{dir.Write("train.tsv", rows), 1.0, ""}};
  o.bucket_bits = 12;
  o.epochs = 5;
  o.lexicon_examples = 0;
  auto recipe = TrainModel(o, nullptr);
  o.train[0].balance_power = 0;  // the file's own mix, mostly neutral
  auto own = TrainModel(o, nullptr);
  ASSERT_TRUE(recipe.ok() && own.ok());
  auto a = Model::FromBytes(recipe->model_bytes), b = Model::FromBytes(own->model_bytes);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->info().metadata_json.find("balance_power\":0.0"), std::string::npos);
  EXPECT_NE((*b)->info().metadata_json.find("\"balance_power\":0.0"), std::string::npos) << (*b)->info().metadata_json;
  Scorer balanced(*a), unbalanced(*b);
  EXPECT_GT(unbalanced.Score("an ordinary day").p[1], balanced.Score("an ordinary day").p[1])
      << "unbalanced, a neutral-heavy file leans neutral";
}

TEST(Train, RefusesOptionsItCannotHonour) {
  testing::TempDir dir;
  TrainOptions o;
  o.train = {{dir.Write("train.tsv", testing::TinyTrainingRows()), 1.0, ""}};
  o.fits = 0;
  EXPECT_EQ(TrainModel(o, nullptr).status().code(), StatusCode::kInvalidArgument);
  // Each fit holds its own slice out: 21 slices of 5% do not fit in the data.
  o.fits = 21;
  auto r = TrainModel(o, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("fits × holdout fraction"), std::string::npos) << r.status().message();
  o.fits = 1;
  o.lexicon_warmup_epochs = -1;
  EXPECT_EQ(TrainModel(o, nullptr).status().code(), StatusCode::kInvalidArgument);
}

TEST(Train, ReportsBadInput) {
  TrainOptions o;
  EXPECT_FALSE(TrainModel(o, nullptr).ok());
  o.train = {{"/nonexistent.tsv", 1.0, ""}};
  EXPECT_EQ(TrainModel(o, nullptr).status().code(), StatusCode::kNotFound);
  testing::TempDir dir;
  o.train = {{dir.Write("t.tsv", "label\ttext\nmaybe\tx\n"), 1.0, ""}};
  auto r = TrainModel(o, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(":2: field label"), std::string::npos) << r.status().message();
  // Word vectors: each bad line named by file and line.
  o.train = {{dir.Write("good.tsv", testing::TinyTrainingRows()), 1.0, ""}};
  std::string wide = "wide";
  for (int i = 0; i < 1001; ++i) wide += " 1";
  for (const auto& [text, says] : std::vector<std::pair<std::string, std::string>>{
           {"good 1 2\nbad 1\n", ":2: 1 numbers where the first line has 2"},
           {"good 1 2\nbad 1 x\n", ":2: a field that is not a number"},
           {"good\n", ":1: expected a word, then numbers"},
           {" 1 2\n", ":1: expected a word, then numbers"},
           {"good 1 inf\n", ":1: a number that is not finite"},
           {"good 1 2\nlong " + std::string(70000, '1') + "\n", ":2: longer than 65536 bytes"},
           {wide, ":1: more than 1000 numbers"},
           {"", "no word vectors"}}) {
    o.word_vectors = dir.Write("vectors.txt", text);
    auto v = TrainModel(o, nullptr);
    ASSERT_FALSE(v.ok()) << text;
    EXPECT_NE(v.status().message().find(says), std::string::npos) << v.status().message();
  }
  o.word_vectors = "/nonexistent/vectors.txt";
  EXPECT_EQ(TrainModel(o, nullptr).status().code(), StatusCode::kNotFound);
  o.word_vectors = dir.Write("vectors.txt", "good 1 2\n");
  o.word_vector_scale = -1;
  EXPECT_EQ(TrainModel(o, nullptr).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace convsent
