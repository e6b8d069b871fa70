// libFuzzer target: arbitrary bytes through the tokenizer, the scorer, the
// JSON writer and discovery's phrases. Checks the scorer's contract on every
// input: probabilities sum to 1, compound and score5 in range, token spans
// inside the text; and that a phrase is one to three words, none with a digit.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "convsent/discover.h"
#include "convsent/score_format.h"
#include "convsent/scorer.h"
#include "convsent/text.h"

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto model = convsent::Model::Embedded();
  static convsent::Scorer scorer(*model);
  static convsent::Tokenizer tokenizer;
  static convsent::TokenizedText tt;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  tokenizer.Tokenize(text, &tt);
  for (const auto& t : tt.tokens) {
    Check(t.begin <= t.end && t.end <= tt.text.size());
    Check(t.norm_begin <= t.norm_end && t.norm_end <= tt.normalized.size());
  }
  convsent::ScoreOptions options;
  options.explain = 5;
  options.max_bytes = 4096;
  const convsent::MessageScore s = scorer.Score(text, options);
  Check(std::fabs(s.p[0] + s.p[1] + s.p[2] - 1.0f) < 1e-3f);
  Check(s.compound >= -1.0f && s.compound <= 1.0f);
  Check(s.score5 >= 1.0f && s.score5 <= 5.0f);
  std::string json;
  convsent::AppendScoreFields(s, "fuzz", &json);

  static convsent::PhraseExtractor phrases;
  phrases.Extract(text, [](uint64_t, std::string_view p) {
    Check(!p.empty() && p.front() != ' ' && p.back() != ' ');
    int spaces = 0;
    for (char c : p) {
      Check(c < '0' || c > '9');
      spaces += c == ' ';
    }
    Check(spaces < convsent::PhraseExtractor::kMaxWords);
  });
  return 0;
}
