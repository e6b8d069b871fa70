// Cue words: the closed-class words that change how the words around them
// count (negators, intensifiers, softeners, contrast), and the function words
// that carry no sentiment of their own. They are part of the
// tokenizer's contract (kTokenizerVersion), not of a trained model.
#ifndef CONVSENT_SRC_TEXT_CUES_H_
#define CONVSENT_SRC_TEXT_CUES_H_

#include <cstdint>

namespace convsent {

struct Cue {
  uint16_t flags = 0;      // TokenFlag bits: kNegator, kIntensifier, kSoftener, kContrastCue, kFunctionWord
  float emphasis = 1.0f;   // scale applied to the next word (intensifiers > 1, softeners < 1)
  bool clause_first = false;  // "although": discounts its own clause, not the one before
};

// The cue for a normalized token (looked up by HashToken), or nullptr.
const Cue* FindCue(uint64_t token_hash);

}  // namespace convsent

#endif  // CONVSENT_SRC_TEXT_CUES_H_
