// UTF-8 decoding helpers for text that RepairUtf8 has already made valid.
#ifndef CONVSENT_SRC_TEXT_UTF8_H_
#define CONVSENT_SRC_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace convsent::utf8 {

// Decodes the code point at s[i] of *valid* UTF-8 and returns its length in
// bytes through `len`. Calling this on unrepaired input is a bug.
inline char32_t Decode(std::string_view s, size_t i, int* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) { *len = 1; return b0; }
  if (b0 < 0xE0) {
    *len = 2;
    return (char32_t(b0 & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
  }
  if (b0 < 0xF0) {
    *len = 3;
    return (char32_t(b0 & 0x0F) << 12) | (char32_t(static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3F);
  }
  *len = 4;
  return (char32_t(b0 & 0x07) << 18) | (char32_t(static_cast<unsigned char>(s[i + 1]) & 0x3F) << 12) |
         (char32_t(static_cast<unsigned char>(s[i + 2]) & 0x3F) << 6) |
         (static_cast<unsigned char>(s[i + 3]) & 0x3F);
}

// Where the run of ASCII bytes starting at s[i] ends: the index of the
// first byte >= 0x80 from i on, or s.size(). Reads 8 bytes at a time.
inline size_t AsciiRunEnd(std::string_view s, size_t i) {
  for (uint64_t word; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

inline void Append(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace convsent::utf8

namespace convsent {

// NFKC with case folding, as utf8proc_map(STABLE | COMPOSE | COMPAT |
// CASEFOLD) gives it, without utf8proc's tables, for a word made only of
// the letters most words of the languages we score are made of: ASCII
// letters, digits and the apostrophe, the accented Latin letters U+00C0 to
// U+00FF (not ß, × or ÷), and the Arabic letters without their marks. None
// of these decomposes or combines with a neighbour, so each maps alone.
// Appends the form to *out, counts the cased letters (upper-case among
// them: utf8proc's Lu and Ll) and returns true; for any other word it
// returns false and leaves *out as it was. `word` is valid UTF-8.
bool FoldCommonWord(std::string_view word, std::string* out, int* letters, int* upper);

// Folds, in place, the ways tweets and chats spell one Arabic word: an alef
// with a hamza or madda (أ إ آ) is a bare alef, short-vowel marks (U+064B to
// U+0652, U+0670) and the tatweel stretch (U+0640) are dropped, and a run
// of three or more of one Arabic letter is that letter once ("جمييييل" is
// "جميل"; a letter is written twice at most). Returns whether a run was
// cut. Other characters are kept as they are, and a word of marks alone,
// which would fold to nothing, is left as it is. `word` is valid UTF-8.
bool FoldArabicSpelling(std::string* word);

// For a word made only of Arabic letters and their marks (what
// FoldCommonWord takes of Arabic, and the marks it does not): appends
// FoldArabicSpelling of its NFKC case-folded form to *out in one pass, sets
// *elongated if a run was cut, and returns true. Any other word, or one of
// marks alone: false, *out as it was. Most Arabic text is such words.
bool FoldArabicWord(std::string_view word, std::string* out, bool* elongated);

// Decodes, in place, the five HTML entities that exported text is full of
// ("&lt;3" is "<3"); others are left as they are.
void DecodeEntities(std::string* s);

}  // namespace convsent

#endif  // CONVSENT_SRC_TEXT_UTF8_H_
