// The nesting limit on every JSON text convsent reads from outside: HTTP
// bodies, JSON Lines, help-desk exports, model metadata. nlohmann::json
// copies, compares and serialises by recursion, one stack frame a level:
// 100,000 levels in a 200 KB body crashed the server. No real record
// nests beyond a few dozen levels.
#ifndef CONVSENT_SRC_UTIL_JSON_DEPTH_H_
#define CONVSENT_SRC_UTIL_JSON_DEPTH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace convsent {

inline constexpr int kMaxJsonDepth = 200;

// Where the nesting of arrays and objects in `text` first exceeds
// `max_depth` (a byte offset), or npos. Brackets inside strings do not
// count. A linear scan: it does not check that `text` is JSON.
inline size_t JsonTooDeep(std::string_view text, int max_depth = kMaxJsonDepth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// The error message for such a text.
inline std::string JsonTooDeepMessage(int max_depth = kMaxJsonDepth) {
  return "nested deeper than " + std::to_string(max_depth) + " levels";
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_JSON_DEPTH_H_
