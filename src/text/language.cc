#include "convsent/language.h"

#include <cctype>
#include <string>

namespace convsent {
namespace {

struct LanguageEntry {
  Language language;
  std::string_view code;
  std::string_view name;
};

constexpr LanguageEntry kLanguages[] = {
    {Language::kUnd, "und", "undetermined"}, {Language::kEnglish, "en", "English"},
    {Language::kArabic, "ar", "Arabic"},     {Language::kGerman, "de", "German"},
    {Language::kSpanish, "es", "Spanish"},   {Language::kFrench, "fr", "French"},
    {Language::kHindi, "hi", "Hindi"},       {Language::kItalian, "it", "Italian"},
    {Language::kPortuguese, "pt", "Portuguese"},
};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string_view LanguageCode(Language language) { return kLanguages[static_cast<int>(language)].code; }
std::string_view LanguageName(Language language) { return kLanguages[static_cast<int>(language)].name; }

bool ParseLanguage(std::string_view text, Language* out) {
  // "pt-BR", "es_419", "fr-ca": the language is the part before the region.
  const size_t region = text.find_first_of("-_");
  const std::string_view code = region == std::string_view::npos || text.substr(0, region) == "und"
                                    ? text
                                    : text.substr(0, region);
  for (const auto& e : kLanguages) {
    if (EqualsIgnoringCase(code, e.code) || EqualsIgnoringCase(text, e.name)) {
      *out = e.language;
      return true;
    }
  }
  return false;
}

}  // namespace convsent
