// Cue words: the closed-class words that change how the words around them
// count (negators, intensifiers, softeners, contrast), and the function words
// that carry no sentiment of their own. They are part of the
// tokenizer's contract (kTokenizerVersion), not of a trained model.
#ifndef CONVSENT_SRC_TEXT_CUES_H_
#define CONVSENT_SRC_TEXT_CUES_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "convsent/language.h"
#include "convsent/text.h"

namespace convsent {

struct Cue {
  uint16_t flags = 0;      // TokenFlag bits: kNegator, kIntensifier, kSoftener, kContrastCue, kFunctionWord
  float emphasis = 1.0f;   // scale applied to the next word (intensifiers > 1, softeners < 1)
  bool clause_first = false;  // "although": discounts its own clause, not the one before
};

// The emphasis of intensifiers ("very", "muy"), strong ones ("extremely")
// and softeners ("slightly"), the same in every language.
inline constexpr float kBoost = 1.3f;
inline constexpr float kStrongBoost = 1.5f;
inline constexpr float kSoften = 0.7f;

struct CueEntry {
  std::string_view word;
  Cue cue;
};

// A language's cue words and function words.
struct CueWords {
  std::span<const CueEntry> cues;
  std::span<const std::string_view> function_words;
};
CueWords EnglishCueWords();                // cues.cc
CueWords CueWordsOf(Language language);   // cue_words.cc; English for kUnd

// The cue for a normalized token (looked up by HashToken) in `language`, or nullptr.
const Cue* FindCue(Language language, uint64_t token_hash);

// What the cues do to the tokens around them: negation scope (kNegated),
// contrast clauses (kBeforeContrast, kAfterContrast) and the emphasis an
// intensifier or softener carries onto the next word. `overrides` are the
// scanner's (token index, cue) for spellings it recognised ("sooo" is "so"),
// in token order; `cue_scratch` is reused between calls.
void MarkCues(TokenizedText* out, Language language, const std::vector<std::pair<uint32_t, const Cue*>>& overrides,
              std::vector<const Cue*>* cue_scratch);

}  // namespace convsent

#endif  // CONVSENT_SRC_TEXT_CUES_H_
