#include "text/symbols.h"

#include <cstddef>

namespace convsent {
namespace {

// Emoticons by variant -> normalized form. Repeated mouths (":)))") and a
// '-' nose (":-)") are folded before the lookup.
struct Emoticon {
  std::string_view variant;
  std::string_view normal;
};
constexpr Emoticon kEmoticons[] = {
    {":)", ":)"}, {":]", ":)"}, {"=)", ":)"}, {"=]", ":)"}, {"(:", ":)"}, {"[:", ":)"}, {":o)", ":)"},
    {"8)", ":)"}, {":}", ":)"}, {":3", ":3"}, {":D", ":D"}, {"=D", ":D"}, {"8D", ":D"},
    {"xD", "xd"}, {"XD", "xd"}, {"xd", "xd"}, {";)", ";)"}, {";]", ";)"}, {";D", ";)"}, {":P", ":p"},
    {":p", ":p"}, {";P", ":p"}, {";p", ":p"}, {":b", ":p"}, {"xP", ":p"}, {"XP", ":p"}, {"<3", "<3"},
    {"^_^", "^_^"}, {"^^", "^_^"}, {"^.^", "^_^"}, {"^-^", "^_^"}, {":*", ":*"}, {";*", ":*"},
    {":(", ":("}, {":[", ":("}, {"=(", ":("}, {"):", ":("}, {"]:", ":("}, {":{", ":("}, {";(", ":("},
    {">:(", ">:("}, {"D:", "D:"}, {":'(", ":'("}, {":,(", ":'("}, {";'(", ":'("}, {"T_T", ":'("},
    {"T.T", ":'("}, {";_;", ":'("}, {":/", ":/"}, {":\\", ":/"}, {"=/", ":/"}, {":S", ":/"},
    {":s", ":/"}, {":|", ":|"}, {"-_-", "-_-"}, {"-.-", "-_-"}, {"._.", "-_-"}, {"</3", "</3"},
    {":@", ">:("}, {"x(", ">:("}, {"X(", ">:("}, {":O", ":o"}, {":o", ":o"}, {"o_O", ":o"},
    {"O_o", ":o"}, {"o.O", ":o"}, {"O.o", ":o"}, {":$", ":$"}, {":c", ":("}, {":C", ":("},
};

}  // namespace

std::string_view FindEmoticon(std::string_view s) {
  // Fold a '-' nose and a repeated last character.
  char buf[16];
  size_t n = 0;
  for (size_t i = 0; i < s.size() && n < sizeof(buf); ++i) {
    if (s[i] == '-' && i == 1 && s.size() >= 3 && s[0] != '-') continue;
    buf[n++] = s[i];
  }
  while (n > 2 && buf[n - 1] == buf[n - 2] && buf[n - 1] != '_' && buf[n - 1] != '.') --n;
  const std::string_view key(buf, n);
  for (const auto& e : kEmoticons) {
    if (e.variant == key) return e.normal;
  }
  return {};
}

}  // namespace convsent
