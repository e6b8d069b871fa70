// A character gram's key, made from its bytes: the language identifier's
// grams and the character-gram features of the other languages' models
// (kPackedCharGrams) are keyed by it. Part of both file formats: never
// change it without a new version of each.
#ifndef CONVSENT_SRC_MODEL_GRAM_KEY_H_
#define CONVSENT_SRC_MODEL_GRAM_KEY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace convsent {

// MurmurHash3's 64-bit finalizer.
inline uint64_t MixKey(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  key *= 0xc4ceb9fe1a85ec53ULL;
  key ^= key >> 33;
  return key;
}

// The gram's `n` bytes (at most 16: four code points), read as two words
// and masked to its length, then mixed with `salt`: cheaper than hashing
// each gram as a string, which was most of the identifier's time and a fifth
// of the other languages'. `p` must have 16 readable bytes: fixed-size
// loads, where a copy of `n` bytes would call memcpy for every gram (1.24
// times the other languages' time).
inline uint64_t GramKey(const char* p, size_t n, uint64_t salt) {
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  a &= n >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1;
  b &= n >= 16 ? ~uint64_t{0} : n <= 8 ? 0 : (uint64_t{1} << (8 * (n - 8))) - 1;
  return MixKey(a ^ MixKey(b + salt + (uint64_t{n} << 56)));
}

// Calls fn(gram, bytes, g) for each character g-gram of "<word>", g =
// `first` (3 or 4) to 4, counted in code points (an Arabic letter is two bytes, a
// Devanagari one three), from the word's start on; `gram` has the 16
// readable bytes GramKey reads. A word of more than 63 code points has no
// grams: returns false and calls nothing.
template <typename Fn>
bool ForEachGram(std::string_view word, Fn&& fn, size_t first = 3) {
  constexpr size_t kMaxLetters = 63;
  if (word.size() > 4 * kMaxLetters) return false;
  char buf[4 * kMaxLetters + 2 + 16];
  buf[0] = '<';
  std::memcpy(buf + 1, word.data(), word.size());
  buf[word.size() + 1] = '>';
  std::memset(buf + word.size() + 2, 0, 16);
  const size_t len = word.size() + 2;
  uint16_t starts[kMaxLetters + 3];
  size_t symbols = 0;  // '<', the letters, '>'
  for (size_t k = 0; k < len; ++k) {
    if ((static_cast<unsigned char>(buf[k]) & 0xC0) == 0x80) continue;  // inside a code point
    if (symbols == kMaxLetters + 2) return false;
    starts[symbols++] = static_cast<uint16_t>(k);
  }
  starts[symbols] = static_cast<uint16_t>(len);
  for (size_t g = first; g <= 4; ++g) {
    for (size_t k = 0; k + g <= symbols; ++k) fn(buf + starts[k], static_cast<size_t>(starts[k + g] - starts[k]), g);
  }
  return true;
}

}  // namespace convsent

#endif  // CONVSENT_SRC_MODEL_GRAM_KEY_H_
