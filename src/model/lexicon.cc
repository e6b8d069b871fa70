#include "model/lexicon.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace convsent {

void Lexicon::Add(uint64_t key, float valence, uint8_t tokens) {
  entries_.push_back({key ? key : 1, valence, tokens});
}

void Lexicon::Build() {
  // Later entries replace earlier ones with the same key; the entries kept
  // stay in the order of their last occurrence (the model file's order).
  // Found with a scratch open-addressing table of entry indices: a model
  // load does this for ~10,000 entries, and a std::unordered_map of them
  // was a third of the load time.
  size_t scratch_size = 16;
  while (scratch_size < entries_.size() * 2) scratch_size *= 2;
  std::vector<uint32_t> scratch(scratch_size, UINT32_MAX);
  std::vector<bool> replaced(entries_.size(), false);
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const uint64_t key = entries_[i].key;
    for (size_t s = key & (scratch_size - 1);; s = (s + 1) & (scratch_size - 1)) {
      if (scratch[s] == UINT32_MAX) {
        scratch[s] = i;
        break;
      }
      if (entries_[scratch[s]].key == key) {
        replaced[scratch[s]] = true;
        scratch[s] = i;
        break;
      }
    }
  }
  std::vector<Entry> unique;
  unique.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!replaced[i]) unique.push_back(entries_[i]);
  }
  entries_.swap(unique);
  size_t capacity = 16;
  while (capacity * 2 < entries_.size() * 3) capacity *= 2;  // load at most 2/3
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  has_phrases_ = false;
  word_filter_.assign(kWordFilterBits / 64, 0);
  phrase_filter_.assign(kPhraseFilterBits / 64, 0);
  for (const Entry& e : entries_) {
    const auto bits = static_cast<uint32_t>(e.key >> 40);
    const uint32_t bit = e.tokens > 1 ? bits & (kPhraseFilterBits - 1) : bits & (kWordFilterBits - 1);
    (e.tokens > 1 ? phrase_filter_ : word_filter_)[bit >> 6] |= uint64_t{1} << (bit & 63);
    size_t i = e.key & mask_;
    while (slots_[i].tokens != 0) i = (i + 1) & mask_;
    Slot& s = slots_[i];
    s.check = static_cast<uint32_t>(e.key >> 32);
    const float milli = std::max(-32.0f, std::min(32.0f, e.valence)) * 1000.0f;
    s.valence_milli = static_cast<int16_t>(std::lround(milli));
    s.tokens = e.tokens ? e.tokens : 1;
    if (e.tokens > 1) has_phrases_ = true;
  }
}

}  // namespace convsent
