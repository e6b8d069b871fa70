#include "model/lexicon.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace convsent {

void Lexicon::Add(uint64_t key, float valence, uint8_t tokens) {
  entries_.push_back({key ? key : 1, valence, tokens});
}

void Lexicon::Build() {
  // Later entries replace earlier ones with the same key.
  std::unordered_map<uint64_t, size_t> last;
  for (size_t i = 0; i < entries_.size(); ++i) last[entries_[i].key] = i;
  std::vector<Entry> unique;
  unique.reserve(last.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (last[entries_[i].key] == i) unique.push_back(entries_[i]);
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
