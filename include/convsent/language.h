// The languages convsent scores, by their ISO 639-1 codes.
//
// A message's language picks the cue words its tokens are read with
// (negation, emphasis, contrast, function words: src/text/cues.cc) and the
// model that scores it. "und" (undetermined) is what the identifier says
// of text too short or in none of these languages: such text is scored by
// the English model, which reads emoji, emoticons and punctuation, and
// flagged as "und", never passed off as English.
#ifndef CONVSENT_LANGUAGE_H_
#define CONVSENT_LANGUAGE_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace convsent {

// Stored by number in model files and by code in stores: append, never reorder.
enum class Language : uint8_t {
  kUnd = 0,
  kEnglish,
  kArabic,
  kGerman,
  kSpanish,
  kFrench,
  kHindi,  // romanized and code-mixed as customers write it, or Devanagari
  kItalian,
  kPortuguese,
};
inline constexpr int kNumLanguages = 9;  // with kUnd

// The scored languages, in the order the README and `model info` list them.
inline constexpr std::array<Language, 8> kScoredLanguages = {
    Language::kArabic, Language::kEnglish, Language::kFrench, Language::kGerman,
    Language::kHindi,  Language::kItalian, Language::kPortuguese, Language::kSpanish};

// "en", "ar", ...; "und" for kUnd.
std::string_view LanguageCode(Language language);
// "English", "Arabic", ...; "undetermined" for kUnd.
std::string_view LanguageName(Language language);
// Parses a code ("es"), case-insensitively, also with a region ("pt-BR",
// "es_419", as help desks store locales) or the English name ("spanish").
// False for anything else; "und" parses to kUnd.
bool ParseLanguage(std::string_view text, Language* out);

}  // namespace convsent

#endif  // CONVSENT_LANGUAGE_H_
