// What the tokenizer's scanner recognises besides words: emoji (by code
// point) and emoticons (by spelling), with the normalized form each counts
// as. Part of the tokenizer's contract (kTokenizerVersion).
#ifndef CONVSENT_SRC_TEXT_SYMBOLS_H_
#define CONVSENT_SRC_TEXT_SYMBOLS_H_

#include <string_view>

namespace convsent {

inline bool IsEmojiBase(char32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x2B00 && cp <= 0x2BFF) ||
         (cp >= 0x2194 && cp <= 0x21AA) || (cp >= 0x25AA && cp <= 0x25FE) ||
         (cp >= 0x2934 && cp <= 0x2935) || cp == 0x3030 || cp == 0x303D || cp == 0x3297 ||
         cp == 0x3299 || cp == 0x00A9 || cp == 0x00AE || cp == 0x203C || cp == 0x2049 ||
         cp == 0x2122 || cp == 0x2139 || cp == 0x24C2;
}
// Code points that continue an emoji without starting a new one.
inline bool IsEmojiModifier(char32_t cp) {
  return cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3 ||
         (cp >= 0xE0020 && cp <= 0xE007F);
}
// Modifiers that do not change meaning: dropped from the normalized form so
// that 👍🏽 counts as 👍 and ❤️ as ❤.
inline bool IsDroppedInNormalForm(char32_t cp) {
  return cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}
inline bool IsRegionalIndicator(char32_t cp) { return cp >= 0x1F1E6 && cp <= 0x1F1FF; }

constexpr std::string_view kEmoticonChars = ":;=8xXB^_'-()[]{}DPpbOo/\\|*<>3@Ss.cCT,$";
// The same set as a table: it is consulted at every token start.
struct CharSet {
  bool in[256] = {};
  constexpr explicit CharSet(std::string_view chars) {
    for (char c : chars) in[static_cast<unsigned char>(c)] = true;
  }
  constexpr bool operator()(char c) const { return in[static_cast<unsigned char>(c)]; }
};
constexpr CharSet kIsEmoticonChar(kEmoticonChars);
// Letters that may start a URL ("http", "www.") or a laughing emoticon ("xD").
constexpr CharSet kMaySpecialStart("hHwWxX");

// The normalized form of an emoticon spelled `s` (":-)))" is ":)"), or ""
// when `s` is none.
std::string_view FindEmoticon(std::string_view s);

}  // namespace convsent

#endif  // CONVSENT_SRC_TEXT_SYMBOLS_H_
