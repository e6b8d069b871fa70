// A character gram's key, made from its bytes: the language identifier's
// grams and the character-gram features of the other languages' models
// (kPackedCharGrams) are keyed by it. Part of both file formats: never
// change it without a new version of each.
#ifndef CONVSENT_SRC_MODEL_GRAM_KEY_H_
#define CONVSENT_SRC_MODEL_GRAM_KEY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

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

}  // namespace convsent

#endif  // CONVSENT_SRC_MODEL_GRAM_KEY_H_
