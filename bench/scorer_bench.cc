// Message scoring throughput on one core, on tweeteval's test texts (read in
// place from ../shared/data; the built-in sample is used where it is absent).
//
// BM_Score is the whole library path (tokenize, features, model, softmax,
// and telling the language); BM_ScoreEnglishAlone the English model without
// the other languages (the path before them), in the same run;
// BM_ScoreOtherLanguages the UMSAB dev tweets of the seven other languages,
// each identified and handed to its model (BM_ScoreOtherLanguagesTrain the
// same on their train splits, too many words for the per-word caches);
// BM_Tokenize is the tokenizer alone; BM_LexiconSum is a baseline measured in
// the same run: an AFINN-style whitespace split with one hash lookup per word,
// which is roughly the least work any lexicon scorer does.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/generator.h"
#include "convsent/scorer.h"
#include "convsent/text.h"

namespace {

// The texts of labelled TSV files under ../shared/data (`sets`), or
// `fallback` repeated where they are absent.
std::vector<std::string> ReadTexts(const std::vector<std::string>& sets, std::initializer_list<const char*> fallback) {
  std::vector<std::string> out;
  for (const std::string& set : sets) {
    std::ifstream in(std::string(CONVSENT_SHARED_DIR) + "/data/" + set);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto tab = line.find('\t');
      if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
    }
  }
  if (out.empty()) {
    for (int i = 0; i < 1000; ++i) out.insert(out.end(), fallback.begin(), fallback.end());
  }
  return out;
}

const std::vector<std::string>& Texts() {
  static const std::vector<std::string> texts =
      ReadTexts({"tweeteval/test.tsv"}, {"I was charged twice for my subscription this month!! Still waiting :(",
                                         "Thanks so much, that fixed it, you guys are the best 🙏"});
  return texts;
}

int64_t TotalBytes() {
  int64_t n = 0;
  for (const auto& t : Texts()) n += static_cast<int64_t>(t.size());
  return n;
}

// The tweets of one UMSAB split ("dev" or "train") of the seven other
// languages.
std::vector<std::string> OtherLanguageSplit(const std::string& split) {
  std::vector<std::string> files;
  for (const char* set : {"umsab_arabic", "umsab_french", "umsab_german", "umsab_hindi", "umsab_italian",
                          "umsab_portuguese", "umsab_spanish"}) {
    files.push_back(std::string(set) + "/" + split + ".tsv");
  }
  return ReadTexts(files, {"Sigo esperando el reembolso, nadie responde, es una vergüenza",
                           "Vielen Dank, das Problem ist gelöst. Super Service!"});
}

const std::vector<std::string>& OtherLanguageTexts() {
  static const std::vector<std::string> texts = OtherLanguageSplit("dev");
  return texts;
}

// The seven languages' train splits: 12,873 tweets, so that each
// language's words are too many for the scorer's per-word caches to hold
// them all (the dev splits' 324 tweets a language fit, which flatters them).
const std::vector<std::string>& OtherLanguageTrainTexts() {
  static const std::vector<std::string> texts = OtherLanguageSplit("train");
  return texts;
}

// Support messages as the built-in sample writes them (1,000 generated
// conversations): the text the product scores, where English grammar
// words tell the language before any lookup.
const std::vector<std::string>& SupportTexts() {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    convsent::GeneratorOptions o;
    o.conversations = 1000;
    std::ostringstream jsonl;
    if (!convsent::GenerateConversations(o, jsonl).ok()) return out;
    std::istringstream in(jsonl.str());
    std::string line;
    while (std::getline(in, line)) {
      convsent::Conversation c;
      if (!convsent::ParseConversationJson(line, &c).ok()) continue;
      for (const auto& m : c.messages) out.push_back(m.text);
    }
    return out;
  }();
  return texts;
}

void ScoreAll(benchmark::State& state, bool with_languages, const std::vector<std::string>& texts) {
  auto model = convsent::Model::Embedded(convsent::ModelUse::kMessages, with_languages);
  if (!model.ok()) {
    state.SkipWithError(model.status().ToString().c_str());
    return;
  }
  convsent::Scorer scorer(*model);
  convsent::ScoreOptions options;
  options.explain = static_cast<int>(state.range(0));
  convsent::MessageScore score;
  int64_t bytes = 0;
  for (const auto& t : texts) bytes += static_cast<int64_t>(t.size());
  for (auto _ : state) {
    for (const auto& t : texts) {
      scorer.Score(t, options, &score);
      benchmark::DoNotOptimize(score.compound);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(texts.size()));
  state.SetBytesProcessed(state.iterations() * bytes);
}

void BM_Score(benchmark::State& state) { ScoreAll(state, true, Texts()); }
BENCHMARK(BM_Score)->Arg(0)->Arg(3)->ArgName("explain")->Unit(benchmark::kMillisecond);
void BM_ScoreEnglishAlone(benchmark::State& state) { ScoreAll(state, false, Texts()); }
BENCHMARK(BM_ScoreEnglishAlone)->Arg(0)->Arg(3)->ArgName("explain")->Unit(benchmark::kMillisecond);
void BM_ScoreSupport(benchmark::State& state) { ScoreAll(state, true, SupportTexts()); }
BENCHMARK(BM_ScoreSupport)->Arg(0)->ArgName("explain")->Unit(benchmark::kMillisecond);
void BM_ScoreSupportEnglishAlone(benchmark::State& state) { ScoreAll(state, false, SupportTexts()); }
BENCHMARK(BM_ScoreSupportEnglishAlone)->Arg(0)->ArgName("explain")->Unit(benchmark::kMillisecond);
void BM_ScoreOtherLanguages(benchmark::State& state) { ScoreAll(state, true, OtherLanguageTexts()); }
BENCHMARK(BM_ScoreOtherLanguages)->Arg(0)->Arg(3)->ArgName("explain")->Unit(benchmark::kMillisecond);
void BM_ScoreOtherLanguagesTrain(benchmark::State& state) { ScoreAll(state, true, OtherLanguageTrainTexts()); }
BENCHMARK(BM_ScoreOtherLanguagesTrain)->Arg(0)->ArgName("explain")->Unit(benchmark::kMillisecond);

void BM_Tokenize(benchmark::State& state) {
  convsent::Tokenizer tokenizer;
  convsent::TokenizedText tt;
  for (auto _ : state) {
    for (const auto& t : Texts()) {
      tokenizer.Tokenize(t, &tt);
      benchmark::DoNotOptimize(tt.tokens.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Texts().size()));
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_Tokenize)->Unit(benchmark::kMillisecond);

void BM_LexiconSum(benchmark::State& state) {
  // A small AFINN-like table; the point is the per-word cost, not accuracy.
  std::unordered_map<std::string, int> lexicon;
  const char* words[] = {"good", "bad", "love", "hate", "great", "awful", "happy", "sad", "best", "worst"};
  for (int i = 0; i < 10; ++i) lexicon[words[i]] = i % 2 ? -3 : 3;
  std::string word;
  for (auto _ : state) {
    for (const auto& t : Texts()) {
      int sum = 0;
      size_t i = 0;
      while (i < t.size()) {
        while (i < t.size() && t[i] == ' ') ++i;
        const size_t b = i;
        while (i < t.size() && t[i] != ' ') ++i;
        word.assign(t, b, i - b);
        for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (auto it = lexicon.find(word); it != lexicon.end()) sum += it->second;
      }
      benchmark::DoNotOptimize(sum);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(Texts().size()));
  state.SetBytesProcessed(state.iterations() * TotalBytes());
}
BENCHMARK(BM_LexiconSum)->Unit(benchmark::kMillisecond);

void BM_ModelLoad(benchmark::State& state) {
  for (auto _ : state) {
    auto model = convsent::Model::Embedded();
    benchmark::DoNotOptimize(model.ok());
  }
}
BENCHMARK(BM_ModelLoad)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
