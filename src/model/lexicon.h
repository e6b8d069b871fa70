// A valence lexicon: normalized tokens and short phrases with a prior
// valence on VADER's -4..+4 scale. It is stored inside the model file, so
// the shipped binary never reads a lexicon from disk.
//
// Keys are HashToken() of a normalized token, or PhraseKey() over the hashes
// of a phrase's tokens. Lookups are one or two probes of an open-addressing
// table, cheap enough for the per-token hot path.
#ifndef CONVSENT_SRC_MODEL_LEXICON_H_
#define CONVSENT_SRC_MODEL_LEXICON_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace convsent {

// Combines token hashes into a phrase or n-gram key. Part of kHashVersion.
inline uint64_t PhraseKey(uint64_t a, uint64_t b) {
  uint64_t h = a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 29;
  return h;
}

class Lexicon {
 public:
  struct Entry {
    uint64_t key = 0;
    float valence = 0;
    uint8_t tokens = 1;  // 1 for a word, 2-3 for a phrase
  };

  // Adds or replaces an entry. Call Build() before lookups.
  void Add(uint64_t key, float valence, uint8_t tokens);
  void Build();

  // A table slot: 8 bytes, so that the table stays in L2. The slot index
  // (low key bits) and the 32-bit check (high key bits) together identify
  // the key.
  struct Slot {
    uint32_t check = 0;
    int16_t valence_milli = 0;
    uint8_t tokens = 0;  // 0: empty
    uint8_t unused = 0;
    float valence() const { return static_cast<float>(valence_milli) / 1000.0f; }
  };

  // Returns the slot of the word (tokens == 1) or phrase of `tokens` words
  // with this key, or nullptr.
  const Slot* Find(uint64_t key, uint8_t tokens) const {
    if (slots_.empty()) return nullptr;
    const uint64_t k = key ? key : 1;
    // Most tokens and token pairs are not in the lexicon: bit filters answer
    // them without touching the table. Phrases have their own small filter,
    // so that probing every bigram and trigram stays in L1.
    const auto bits = static_cast<uint32_t>(k >> 40);
    const bool maybe = tokens == 1 ? TestBit(word_filter_, bits & (kWordFilterBits - 1))
                                   : TestBit(phrase_filter_, bits & (kPhraseFilterBits - 1));
    if (!maybe) return nullptr;
    const auto check = static_cast<uint32_t>(k >> 32);
    for (size_t i = k & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.tokens == 0) return nullptr;
      if (s.check == check) return s.tokens == tokens ? &s : nullptr;
    }
  }
  bool has_phrases() const { return has_phrases_; }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;  // in insertion order, for serialization
  static bool TestBit(const std::vector<uint64_t>& filter, uint32_t bit) { return filter[bit >> 6] >> (bit & 63) & 1; }
  static constexpr uint32_t kWordFilterBits = 1 << 17;    // 16 KB
  static constexpr uint32_t kPhraseFilterBits = 1 << 13;  // 1 KB
  std::vector<Slot> slots_;
  std::vector<uint64_t> word_filter_;
  std::vector<uint64_t> phrase_filter_;
  uint64_t mask_ = 0;
  bool has_phrases_ = false;
};

}  // namespace convsent

#endif  // CONVSENT_SRC_MODEL_LEXICON_H_
