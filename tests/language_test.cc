// Languages: the identifier, each language's model through the English
// one, forced languages, the unknown, and a conversation in two languages
// from ingest to the report (docs/languages.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>

#include "convsent/eval.h"
#include "convsent/langid.h"
#include "convsent/language.h"
#include "convsent/model.h"
#include "convsent/scorer.h"
#include "convsent/train_langid.h"
#include "test_util.h"

namespace convsent {
namespace {

using testing::Binary;
using testing::RunCommand;

struct Case {
  Language language;
  const char* negative;  // a customer who is unhappy
  const char* positive;  // one who is pleased
  const char* reason;    // a word the negative one's explanation names
};

// Written for this test, as customers write to support.
const Case kCases[] = {
    {Language::kSpanish, "Sigo esperando el reembolso, nadie responde, es una vergüenza",
     "Muchas gracias, todo resuelto y muy rápido", "vergüenza"},
    {Language::kFrench, "Je n'ai toujours pas reçu mon colis, c'est inadmissible",
     "Merci beaucoup, problème réglé, service parfait", "inadmissible"},
    {Language::kGerman, "Das Paket ist immer noch nicht angekommen, sehr enttäuschend",
     "Vielen Dank, alles gelöst, super freundlich", "enttäuschend"},
    {Language::kItalian, "Non ho ricevuto il pacco e nessuna risposta, una vergogna",
     "Grazie mille, tutto perfetto e veloce", "vergogna"},
    {Language::kPortuguese, "Ainda não recebi meu pedido, péssimo atendimento",
     "Muito obrigado, resolvido rápido, ótimo atendimento", "péssimo"},
    {Language::kArabic, "لم يصل الطلب حتى الآن، خدمة سيئة جدا", "شكرا جزيلا، خدمة ممتازة ورائعة", "سيئة"},
    {Language::kHindi, "bhai mera order abhi tak nahi aaya, bilkul bekaar service hai",
     "bahut accha service, shukriya bhai, mast kaam kiya", "bekaar"},
    {Language::kEnglish, "I have been charged twice and nobody answers, this is awful",
     "Thanks so much, that fixed it, great service", "awful"},
};

TEST(Language, CodesParseWithOrWithoutARegion) {
  Language l;
  EXPECT_TRUE(ParseLanguage("es", &l) && l == Language::kSpanish);
  EXPECT_TRUE(ParseLanguage("pt-BR", &l) && l == Language::kPortuguese);
  EXPECT_TRUE(ParseLanguage("es_419", &l) && l == Language::kSpanish);
  EXPECT_TRUE(ParseLanguage("FR-ca", &l) && l == Language::kFrench);
  EXPECT_TRUE(ParseLanguage("german", &l) && l == Language::kGerman);
  EXPECT_TRUE(ParseLanguage("und", &l) && l == Language::kUnd);
  EXPECT_FALSE(ParseLanguage("nl", &l));
  EXPECT_FALSE(ParseLanguage("", &l));
  for (Language s : kScoredLanguages) {
    ASSERT_TRUE(ParseLanguage(LanguageCode(s), &l));
    EXPECT_EQ(l, s);
  }
}

TEST(LanguageIdentifier, TellsEachLanguageAndSaysUndWhenItCannot) {
  auto id = LanguageIdentifier::Embedded();
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  for (const Case& c : kCases) {
    EXPECT_EQ((*id)->Identify(c.negative).language, c.language) << c.negative;
    EXPECT_EQ((*id)->Identify(c.positive).language, c.language) << c.positive;
  }
  // Too little to go on, or nothing but symbols.
  for (const char* text : {"", "ok", ":)", "👍👍", "12345", "https://example.com/a"}) {
    EXPECT_EQ((*id)->Identify(text).language, Language::kUnd) << text;
  }
  // One word is English or und, never another language ("fine" is an
  // Italian word too).
  for (const char* text : {"fine", "Gracias", "Danke", "merci", "obrigado"}) {
    const Language l = (*id)->Identify(text).language;
    EXPECT_TRUE(l == Language::kEnglish || l == Language::kUnd) << text << ": " << LanguageCode(l);
  }
  // Languages it was not trained on are not passed off as one it was.
  for (const char* text : {"Siparişim hala gelmedi, çok kötü bir hizmet", "Tilaukseni ei ole vieläkään saapunut",
                           "Moje zamówienie jeszcze nie dotarło do mnie"}) {
    EXPECT_EQ((*id)->Identify(text).language, Language::kUnd) << text;
  }
  // Short English support messages stay English.
  for (const char* text : {"no problem thanks", "where is my order?", "yes please", "it still does not work"}) {
    EXPECT_EQ((*id)->Identify(text).language, Language::kEnglish) << text;
  }
}

TEST(LanguageIdentifier, RefusesACorruptedFile) {
  auto id = LanguageIdentifier::Embedded();
  ASSERT_TRUE(id.ok());
  LanguageIdentifier::Tables t;
  t.languages = {Language::kEnglish, Language::kSpanish};
  t.bucket_bits = 8;
  t.costs.assign(256 * 2, 7);
  std::string bytes = LanguageIdentifier::Serialize(t);
  ASSERT_TRUE(LanguageIdentifier::FromBytes(bytes).ok());
  std::string flipped = bytes;
  flipped[100] ^= 1;
  EXPECT_FALSE(LanguageIdentifier::FromBytes(flipped).ok()) << "a changed byte fails the hash";
  EXPECT_FALSE(LanguageIdentifier::FromBytes(bytes.substr(0, bytes.size() - 1)).ok()) << "truncated";
  EXPECT_FALSE(LanguageIdentifier::FromBytes("CVSNTMDL").ok()) << "not an identifier";
}

// Eight languages' rows are summed eight at a time (EightSums), any other
// number a language at a time: with the same costs, the same guesses.
TEST(LanguageIdentifier, EightLanguagesSumAsAnyOtherNumberDoes) {
  const std::vector<Language> seven = {Language::kEnglish, Language::kSpanish, Language::kFrench, Language::kGerman,
                                       Language::kItalian, Language::kPortuguese, Language::kArabic};
  LanguageIdentifier::Tables t7, t8;
  t7.languages = seven;
  t8.languages = seven;
  t8.languages.push_back(Language::kHindi);
  t7.bucket_bits = t8.bucket_bits = 10;
  t7.params.max_mean_cost = t8.params.max_mean_cost = 1e9f;
  uint32_t state = 12345;
  for (int b = 0; b < 1024; ++b) {
    for (size_t l = 0; l < seven.size(); ++l) {
      state = state * 1664525u + 1013904223u;
      const auto cost = static_cast<uint8_t>((state >> 24) % 200);
      t7.costs.push_back(cost);
      t8.costs.push_back(cost);
    }
    t8.costs.push_back(255);  // Hindi: never ahead
  }
  auto id7 = LanguageIdentifier::FromBytes(LanguageIdentifier::Serialize(t7));
  auto id8 = LanguageIdentifier::FromBytes(LanguageIdentifier::Serialize(t8));
  ASSERT_TRUE(id7.ok() && id8.ok());
  std::vector<Language> seen;
  for (const Case& c : kCases) {
    for (const char* text : {c.negative, c.positive}) {
      const LanguageGuess a = (*id7)->Identify(text), b = (*id8)->Identify(text);
      EXPECT_EQ(a.language, b.language) << text;
      EXPECT_EQ(a.margin, b.margin) << text;
      EXPECT_EQ(a.mean_cost, b.mean_cost) << text;
      seen.push_back(a.language);
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_GE(std::unique(seen.begin(), seen.end()) - seen.begin(), 3) << "the random costs tell several languages";
}

// Each thread keeps the summed costs of the words it read last: a word read
// again, or by another identifier, must weigh what a first reading gives.
TEST(LanguageIdentifier, AWordReadAgainOrByAnotherIdentifierWeighsTheSame) {
  auto make = [](uint8_t spanish, uint8_t italian) {
    LanguageIdentifier::Tables t;
    t.languages = {Language::kEnglish, Language::kSpanish, Language::kItalian};
    t.bucket_bits = 8;
    for (int b = 0; b < 256; ++b) t.costs.insert(t.costs.end(), {200, spanish, italian});
    auto id = LanguageIdentifier::FromBytes(LanguageIdentifier::Serialize(t));
    EXPECT_TRUE(id.ok());
    return *id;
  };
  const auto spanish = make(0, 100), italian = make(100, 0);
  const char* text = "hola amigo mio todavia espero";
  const LanguageGuess first = spanish->Identify(text);
  EXPECT_EQ(first.language, Language::kSpanish);
  EXPECT_EQ(italian->Identify(text).language, Language::kItalian) << "the other identifier's costs were read";
  const LanguageGuess again = spanish->Identify(text);
  EXPECT_EQ(again.language, first.language);
  EXPECT_EQ(again.margin, first.margin);
  EXPECT_EQ(again.mean_cost, first.mean_cost);
  // The shipped identifier: the same texts twice in a row, the same guesses.
  auto shipped = LanguageIdentifier::Embedded();
  ASSERT_TRUE(shipped.ok());
  for (const Case& c : kCases) {
    const LanguageGuess a = (*shipped)->Identify(c.negative), b = (*shipped)->Identify(c.negative);
    EXPECT_EQ(a.language, b.language);
    EXPECT_EQ(a.margin, b.margin) << c.negative;
  }
}

// The gram step sums every word's grams, from rows or from the thread's
// word cache: a word twice in a text, and two words that share a cache
// slot, weigh what their rows say, cold or warm.
TEST(LanguageIdentifier, WordsSharingACacheSlotWeighWhatTheirRowsSay) {
  LanguageIdentifier::Tables t;
  t.languages = {Language::kEnglish, Language::kSpanish, Language::kItalian};
  t.bucket_bits = 8;
  for (uint32_t b = 0; b < 256; ++b) {
    for (uint32_t l = 0; l < 3; ++l) t.costs.push_back(static_cast<uint8_t>((b * 37 + l * 91 + b * b * l) % 256));
  }
  auto id = LanguageIdentifier::FromBytes(LanguageIdentifier::Serialize(t));
  ASSERT_TRUE(id.ok());
  // Two words whose hashes share the low 12 bits (the cache has 4,096 slots).
  auto word = [](int i) {
    std::string w = "q";
    for (; i > 0; i /= 26) w.push_back(static_cast<char>('a' + i % 26));
    return w;
  };
  std::map<uint64_t, std::string> slot;
  std::string a, b;
  for (int i = 1; a.empty(); ++i) {
    const std::string w = word(i);
    auto [it, fresh] = slot.emplace(HashToken(w) & 4095, w);
    if (!fresh) a = it->second, b = w;
  }
  const std::vector<std::string> words = {a, b, a, "hola", b};
  uint32_t sums[3] = {};
  size_t features = 0;
  for (const std::string& w : words) {
    std::vector<uint64_t> keys;
    LanguageIdentifier::WordFeatures(w, &keys);
    features += keys.size();
    for (uint64_t k : keys) {
      for (size_t l = 0; l < 3; ++l) sums[l] += t.costs[(k & 255) * 3 + l];
    }
  }
  const std::string text = a + " " + b + " " + a + " hola " + b;
  for (int pass = 0; pass < 2; ++pass) {
    const LanguageGuess g = (*id)->Identify(text);
    const float per_feature = 1.0f / (t.cost_scale * static_cast<float>(features));
    size_t best = static_cast<size_t>(std::min_element(sums, sums + 3) - sums);
    ASSERT_NE(g.language, Language::kUnd) << "pass " << pass;
    const size_t got = g.language == Language::kEnglish ? 0 : g.language == Language::kSpanish ? 1 : 2;
    if (best != 0 && static_cast<float>(sums[0] - sums[best]) * per_feature < t.params.english_margin) best = 0;
    EXPECT_EQ(got, best) << "pass " << pass;
    EXPECT_EQ(g.mean_cost, static_cast<float>(sums[got]) * per_feature) << "pass " << pass;
  }
}

// Words alone decide a language other than English only when it leads every
// other language by other_word_margin and there are two words or more;
// otherwise the grams decide. Here the words' own rows say Spanish, every
// gram says Italian.
TEST(LanguageIdentifier, WordsAloneDecideAnotherLanguageOnlyByItsMargin) {
  LanguageIdentifier::Tables t;
  t.languages = {Language::kEnglish, Language::kSpanish, Language::kItalian};
  t.bucket_bits = 16;
  t.params.english_margin = 0;
  for (uint32_t b = 0; b < (1u << 16); ++b) t.costs.insert(t.costs.end(), {100, 100, 20});
  for (const char* w : {"hola", "amigos"}) {
    const size_t row = (LanguageIdentifier::WordKey(HashToken(w)) & 0xFFFF) * 3;
    t.costs[row] = 250, t.costs[row + 1] = 0, t.costs[row + 2] = 250;
  }
  auto identify = [&](float margin, const char* text) {
    LanguageIdentifier::Tables trial = t;
    trial.params.other_word_margin = margin;
    auto id = LanguageIdentifier::FromBytes(LanguageIdentifier::Serialize(trial));
    EXPECT_TRUE(id.ok());
    return id.ok() ? (*id)->Identify(text).language : Language::kUnd;
  };
  // Spanish leads by 2 x 250 units, 62.5 nats at 8 units a nat.
  EXPECT_EQ(identify(60.0f, "hola amigos"), Language::kSpanish);
  EXPECT_EQ(identify(65.0f, "hola amigos"), Language::kItalian);
  EXPECT_EQ(identify(1e9f, "hola amigos"), Language::kItalian);
  // One word is never enough for another language.
  EXPECT_NE(identify(1.0f, "amigos"), Language::kSpanish);
  // English keeps its head start per word, as the grams give it per
  // feature: 40 nats a word is more than Spanish's lead over it.
  t.params.english_margin = 40;
  EXPECT_EQ(identify(1.0f, "hola amigos"), Language::kEnglish);
}

// An identified message is scored from the tokens read for English, with
// its language's cue words put on them (Tokenizer::Recue): the same score,
// to the bit, as tokenizing it again in its language, which is what a given
// language does.
TEST(LanguageScoring, AnIdentifiedMessageScoresAsIfItsLanguageWereGiven) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  std::vector<std::string> texts = {
      "Nooooo, el pedido NO ha llegado y es muuuuy tarde!!!", "No es malo, pero tampoco es bueno :(",
      "Das ist GAR NICHT gut, aber der Support war sehr freundlich", "Je ne suis pas du tout content 😡😡",
      "Non è affatto male, anzi è molto bello", "Não recebi nada, péssimo atendimento!!! nunca mais",
      "yaar bilkul bekaar service hai, paisa wapas karo", "الخدمة سيئة جدا ولم يصل الطلب",
      // English spellings inside another language: "n't" and "'ll" are read
      // from the spelling, whatever the cue words.
      "el producto no funciona, don't buy it, no lo recomiendo para nada",
      "la aplicación sigue fallando, we'll see mañana pero estoy muy cansado"};
  for (const Case& c : kCases) texts.push_back(c.negative), texts.push_back(c.positive);
  ScoreOptions options;
  options.explain = 5;
  for (const std::string& text : texts) {
    const MessageScore identified = scorer.Score(text, options);
    if (identified.language == Language::kEnglish || identified.language == Language::kUnd) continue;
    ScoreOptions given = options;
    given.language = identified.language;
    const MessageScore again = scorer.Score(text, given);
    EXPECT_EQ(identified.p, again.p) << text;
    EXPECT_EQ(identified.label, again.label) << text;
    ASSERT_EQ(identified.explain.size(), again.explain.size()) << text;
    for (size_t i = 0; i < again.explain.size(); ++i) {
      EXPECT_EQ(identified.explain[i].token, again.explain[i].token) << text;
      EXPECT_EQ(identified.explain[i].weight, again.explain[i].weight) << text;
    }
    EXPECT_FALSE(identified.language_given);
  }
}

TEST(LanguageScoring, EachLanguageGetsItsModelAndAnExplanationInIt) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  EXPECT_EQ((*model)->languages().size(), 8u) << "English and seven others";
  Scorer scorer(*model);
  for (const Case& c : kCases) {
    const std::string code(LanguageCode(c.language));
    const MessageScore neg = scorer.Score(c.negative);
    EXPECT_EQ(neg.language, c.language) << code;
    EXPECT_EQ(neg.label, Sentiment::kNegative) << code << ": " << c.negative;
    bool named = false;
    // The reason alone, or in a phrase ("una vergogna").
    for (const auto& e : neg.explain) named |= (" " + e.token + " ").find(" " + std::string(c.reason) + " ") != std::string::npos;
    EXPECT_TRUE(named) << code << ": the explanation names " << c.reason;
    const MessageScore pos = scorer.Score(c.positive);
    EXPECT_EQ(pos.language, c.language) << code;
    EXPECT_EQ(pos.label, Sentiment::kPositive) << code << ": " << c.positive;
  }
}

// Support messages in the seven other languages, written apart from all
// training data (data/eval/support-holdout-LANG.tsv: ten questions, ten
// complaints, ten thanks a language). No choice is made on them; the
// floors are the counts of session 29, when each language's recipe gained
// its support requests (docs/languages.md): they move down only where a
// change the dev splits chose costs a case, recorded there (session 30:
// Arabic spelling folded, Arabic complaints 2 -> 1; then the complaint
// phrases of the seven lexicons, Hindi complaints 5 -> 4). Two of the
// romanized Hindi ones are mostly English words and are told as English.
TEST(LanguageScoring, SupportMessagesInSevenLanguages) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  Scorer scorer(*model);
  struct Floor {
    const char* code;
    int told, neutral, negative, positive;
  };
  for (const Floor& f : {Floor{"ar", 30, 9, 1, 8}, Floor{"de", 30, 10, 7, 8}, Floor{"es", 30, 10, 7, 10},
                         Floor{"fr", 30, 9, 7, 9}, Floor{"hi", 28, 10, 4, 3}, Floor{"it", 30, 9, 7, 10},
                         Floor{"pt", 30, 10, 6, 6}}) {
    std::vector<Status> errors;
    auto rows = ReadLabeledTsv(testing::SourceDir() + "/data/eval/support-holdout-" + f.code + ".tsv", &errors);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_TRUE(errors.empty()) << f.code;
    ASSERT_EQ(rows->size(), 30u) << f.code;
    std::array<int, 3> right{};
    int told = 0;
    for (const LabeledText& r : *rows) {
      const MessageScore s = scorer.Score(r.text);
      told += LanguageCode(s.language) == f.code;
      right[static_cast<int>(r.label)] += s.label == r.label;
    }
    EXPECT_GE(told, f.told) << f.code << ": told in their language";
    std::printf("[ support %s ] of 10 each: %d questions neutral, %d complaints negative, %d thanks positive\n", f.code,
                right[1], right[0], right[2]);
    EXPECT_GE(right[1], f.neutral) << f.code;
    EXPECT_GE(right[0], f.negative) << f.code;
    EXPECT_GE(right[2], f.positive) << f.code;
  }
}

// A model file that carries its own Spanish model (what `model adapt`
// writes when a team's Spanish labels retrain it): that model scores
// Spanish, the binary's the rest, the version covers it, it survives
// Serialize, and a damaged or ill-formed bundle is refused with the reason.
TEST(LanguageScoring, AFileMayCarryItsOwnModelOfALanguage) {
  testing::TempDir dir;
  const std::string english = testing::ReadFile(testing::WriteTinyModel(dir));
  auto shipped_es = Model::FromBytes(testing::ReadFile(testing::SourceDir() + "/models/convsent-es.cvsm"), false);
  ASSERT_TRUE(shipped_es.ok());
  // Another Spanish model: the same tables under another name.
  auto meta = nlohmann::json::parse((*shipped_es)->info().metadata_json);
  meta["name"] = "team-es";
  const std::string team_es = (*shipped_es)->Serialize(meta.dump());
  auto bundle = Model::Bundle(english, {team_es});
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  auto model = Model::FromBytes(*bundle);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_NE((*model)->ForLanguage(Language::kSpanish), nullptr);
  EXPECT_EQ((*model)->ForLanguage(Language::kSpanish)->info().version.rfind("team-es", 0), 0u);
  EXPECT_EQ((*model)->ForLanguage(Language::kGerman)->info().version.rfind("convsent-de", 0), 0u) << "the binary's";
  EXPECT_EQ((*model)->bundled_languages(), std::vector<Language>{Language::kSpanish});
  auto plain = Model::FromBytes(english);
  ASSERT_TRUE(plain.ok());
  EXPECT_NE((*model)->info().version, (*plain)->info().version) << "the version covers the carried model";
  const char* text = "Sigo esperando el reembolso, es una vergüenza";
  EXPECT_EQ(Scorer(*model).Score(text).p, Scorer((*model)->ForLanguage(Language::kSpanish)).Score(text).p);
  const auto info = nlohmann::json::parse(ModelInfoToJson(*model, "bundle"));
  for (const auto& l : info["languages"]) {
    EXPECT_EQ(l["from"], l["language"] == "es" || l["language"] == "en" ? "this file" : "built in") << l["language"];
  }

  // Written again (as adapt does with the tone thresholds): still a bundle.
  auto again = Model::FromBytes((*model)->Serialize((*model)->info().metadata_json));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->bundled_languages(), std::vector<Language>{Language::kSpanish});
  // English alone: the carried model is not read.
  auto alone = Model::FromBytes(*bundle, /*with_languages=*/false);
  ASSERT_TRUE(alone.ok());
  EXPECT_EQ((*alone)->ForLanguage(Language::kSpanish), nullptr);

  std::string flipped = *bundle;
  flipped[flipped.size() / 2] ^= 0x20;
  EXPECT_NE(Model::FromBytes(flipped).status().message().find("content hash"), std::string::npos);
  EXPECT_FALSE(Model::FromBytes(std::string_view(*bundle).substr(0, bundle->size() - 8)).ok()) << "truncated";
  EXPECT_FALSE(Model::Bundle(english, {team_es, team_es}).ok()) << "one model a language";
  EXPECT_FALSE(Model::Bundle(english, {english}).ok()) << "the others are not English";
  EXPECT_FALSE(Model::Bundle(team_es, {}).ok()) << "the first is English";
}

TEST(LanguageScoring, AGivenLanguageIsUsedAndEnglishAloneIsWhatItWas) {
  auto model = Model::Embedded();
  auto alone = Model::Embedded(ModelUse::kMessages, /*with_languages=*/false);
  ASSERT_TRUE(model.ok() && alone.ok());
  EXPECT_NE((*model)->info().version, (*alone)->info().version) << "the version covers the language models";
  EXPECT_TRUE((*alone)->languages() == std::vector<Language>{Language::kEnglish});
  Scorer with(*model), without(*alone);
  const char* spanish = kCases[0].negative;
  ScoreOptions es;
  es.language = Language::kSpanish;
  EXPECT_EQ(with.Score(spanish, es).p, with.Score(spanish).p) << "forcing the identified language changes nothing";
  ScoreOptions en;
  en.language = Language::kEnglish;
  const MessageScore forced = with.Score(spanish, en);
  EXPECT_EQ(forced.language, Language::kEnglish);
  EXPECT_EQ(forced.p, without.Score(spanish).p) << "--lang en is the English model alone";
  // English text scores as the English model alone scores it.
  for (const char* text : {"Can you tell me when my order will ship?", "charged twice!!!", "Not bad at all"}) {
    EXPECT_EQ(with.Score(text).p, without.Score(text).p) << text;
  }
  // Unknown: the English model's answer, flagged.
  const MessageScore turkish = with.Score("Siparişim hala gelmedi, çok kötü bir hizmet");
  EXPECT_EQ(turkish.language, Language::kUnd);
  EXPECT_EQ(turkish.p, without.Score("Siparişim hala gelmedi, çok kötü bir hizmet").p);
}

TEST(LanguageScoring, AConversationInTwoLanguagesIsStoredAndReportedByItsCustomersLanguage) {
  testing::TempDir dir;
  const std::string input = dir.Write("c.jsonl", R"({"id":"es-1","channel":"chat","created_at":"2026-11-02T10:00:00Z","messages":[)"
      R"({"role":"customer","text":"Hola, me cobraron dos veces el pedido y nadie me responde","at":"2026-11-02T10:00:00Z"},)"
      R"({"role":"agent","text":"Sorry about that, I have refunded the second charge.","at":"2026-11-02T10:05:00Z"},)"
      R"({"role":"customer","text":"Thanks, but it still does not work","at":"2026-11-02T10:07:00Z"},)"
      R"({"role":"customer","text":"Sigo esperando el reembolso, es una vergüenza","at":"2026-11-02T10:20:00Z"},)"
      R"({"role":"customer","text":"Gracias","at":"2026-11-02T10:30:00Z"}]})"
      "\n"
      R"({"id":"de-1","channel":"email","created_at":"2026-11-02T11:00:00Z","messages":[{"role":"customer","text":"Vielen Dank, das Problem ist gelöst. Super Service!"}]})"
      "\n"
      R"({"id":"en-1","channel":"chat","created_at":"2026-11-02T12:00:00Z","messages":[{"role":"customer","text":"Thanks so much, that fixed it!"}]})"
      "\n");
  const std::string db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + input + " 2>&1").exit_code, 0);
  const auto shown = RunCommand(Binary() + " show es-1 --json --db " + db);
  ASSERT_EQ(shown.exit_code, 0);
  const auto j = nlohmann::json::parse(shown.out);
  EXPECT_EQ(j["language"], "es") << "two of three customer messages are Spanish";
  EXPECT_EQ(j["messages"][0]["score"]["language"], "es");
  EXPECT_EQ(j["messages"][1]["score"]["language"], "en");
  EXPECT_EQ(j["messages"][2]["score"]["language"], "en");
  EXPECT_EQ(j["messages"][3]["score"]["language"], "es");
  EXPECT_EQ(j["messages"][3]["score"]["label"], "negative");
  // One word is too little to tell alone; in this conversation it is Spanish.
  EXPECT_EQ(j["messages"][4]["score"]["language"], "es");
  EXPECT_EQ(j["messages"][4]["score"]["label"], "positive");
  const auto report = RunCommand(Binary() + " report --json --min-segment 1 --db " + db);
  ASSERT_EQ(report.exit_code, 0);
  const auto r = nlohmann::json::parse(report.out);
  std::map<std::string, int> languages;
  for (const auto& s : r["segments"]) {
    if (s["dimension"] == "language") languages[s["value"].get<std::string>()] = s["scored"].get<int>();
  }
  EXPECT_EQ(languages, (std::map<std::string, int>{{"de", 1}, {"en", 1}, {"es", 1}})) << report.out.substr(0, 2000);
}

TEST(LanguageScoring, AHelpDesksLanguageIsUsedAndSaidToBeGiven) {
  testing::TempDir dir;
  // "ok obrigado" alone is too short to tell; the help desk says Portuguese.
  const std::string input = dir.Write("c.jsonl",
      R"({"id":"pt-1","language":"pt-BR","messages":[{"role":"customer","text":"Ainda não recebi meu pedido"},)"
      R"({"role":"customer","text":"ok obrigado"}]})"
      "\n"
      R"({"id":"ja-1","locale":"ja","messages":[{"role":"customer","text":"Muchas gracias, todo resuelto"}]})"
      "\n");
  const std::string db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + input + " 2>&1").exit_code, 0);
  auto j = nlohmann::json::parse(RunCommand(Binary() + " show pt-1 --json --db " + db).out);
  EXPECT_EQ(j["language"], "pt");
  for (const auto& m : j["messages"]) {
    EXPECT_EQ(m["score"]["language"], "pt");
    EXPECT_EQ(m["score"]["language_given"], true) << "stored as the help desk's, not identified";
  }
  // A locale convsent does not score: each message is identified.
  j = nlohmann::json::parse(RunCommand(Binary() + " show ja-1 --json --db " + db).out);
  EXPECT_EQ(j["messages"][0]["score"]["language"], "es");
  EXPECT_FALSE(j["messages"][0]["score"].contains("language_given"));
  // One language segment per conversation: the scored one.
  const auto r = nlohmann::json::parse(RunCommand(Binary() + " report --json --min-segment 1 --db " + db).out);
  std::multiset<std::string> values;
  for (const auto& seg : r["segments"]) {
    if (seg["dimension"] == "language") values.insert(seg["value"].get<std::string>());
  }
  EXPECT_EQ(values, (std::multiset<std::string>{"es", "pt"}));
}

TEST(LanguageScoring, TheCommandsTakeALanguage) {
  testing::TempDir dir;
  const std::string lines = dir.Write("l.txt", "Muchas gracias, todo resuelto\nok\n");
  auto r = RunCommand(Binary() + " score " + lines);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("\"language\":\"es\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"language\":\"und\""), std::string::npos) << r.out;
  r = RunCommand(Binary() + " score --lang en " + lines);
  EXPECT_EQ(r.out.find("\"language\":\"es\""), std::string::npos) << r.out;
  r = RunCommand(Binary() + " score --lang nl " + lines + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--lang nl"), std::string::npos) << r.out;
  r = RunCommand(Binary() + " model info --json");
  ASSERT_EQ(r.exit_code, 0);
  const auto info = nlohmann::json::parse(r.out);
  ASSERT_EQ(info["languages"].size(), 8u);
  for (const auto& l : info["languages"]) {
    if (l["language"] != "en") {
      EXPECT_FALSE(l["dev"].empty()) << "each language's dev figures: " << l.dump();
    }
  }
}

// `train --lang` takes the language's recipe, and an option named on the
// command line over the recipe's.
TEST(LanguageTraining, TheRecipeYieldsToTheCommandLine) {
  SKIP_WITHOUT_SHARED_DATA();
  testing::TempDir dir;
  const std::string model = dir.path() + "/de.cvsm";
  // From the project root, where the recipe finds data/lexicons, as scripts/train-model.sh runs it.
  const auto r = RunCommand("cd " + testing::SourceDir() + " && " + Binary() + " train --lang de --epochs 2 --fits 1 --data-dir " + testing::SharedDir() +
                            "/data -o " + model + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto info = nlohmann::json::parse(RunCommand(Binary() + " model info --json --model " + model).out);
  EXPECT_EQ(info["language"], "de");
  const auto& options = info["metadata"]["options"];
  EXPECT_EQ(options["epochs"], 2) << "named on the command line";
  EXPECT_EQ(options["fits"], 1);
  EXPECT_EQ(options["char_ngrams"], true) << "the recipe's";
  EXPECT_EQ(options["char_trigrams"], false) << "the recipe's: 4-grams alone";
  EXPECT_EQ(options["bucket_bits"], 17) << "the recipe's";
}

// The identifier's targets (issue #22), on the dev texts it was chosen on.
TEST(LanguageIdentifier, DevAccuracyAndEnglishKeptHome) {
  SKIP_WITHOUT_SHARED_DATA();
  auto id = LanguageIdentifier::Embedded();
  ASSERT_TRUE(id.ok());
  std::vector<LangIdFile> umsab;
  for (Language l : kScoredLanguages) {
    umsab.push_back({l, testing::SharedDir() + "/data/" + UmsabFolder(l) + "/dev.tsv", 1});
  }
  auto dev = EvaluateLanguageIdentifier(**id, umsab);
  ASSERT_TRUE(dev.ok());
  // The sets hold tweets in English too, which is what they are called:
  // many of UMSAB's Hindi set, a few of the German one ("@user im
  // speechless"). Measured when the identifier was trained: 0.91 German,
  // 0.65 Hindi, the others 0.98 to 1 (docs/languages.md); these are floors.
  for (const auto& [language, accuracy] : dev->accuracy_by_language) {
    EXPECT_GE(accuracy, language == Language::kHindi ? 0.6 : 0.9) << LanguageCode(language);
  }
  EXPECT_GE(dev->accuracy, 0.92);
  auto tweets = EvaluateLanguageIdentifier(
      **id, {{Language::kEnglish, testing::SharedDir() + "/data/tweeteval/dev.tsv", 1}});
  ASSERT_TRUE(tweets.ok());
  EXPECT_LT(tweets->english_off, 0.01) << "English tweets sent to another language";
}

}  // namespace
}  // namespace convsent
