// HTML escaping for the pages the report and the tree write: every value
// from the data goes through it.
#ifndef CONVSENT_SRC_UTIL_HTML_H_
#define CONVSENT_SRC_UTIL_HTML_H_

#include <string>
#include <string_view>

namespace convsent {

inline std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_HTML_H_
