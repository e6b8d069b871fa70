// printf onto the end of a string, for the commands' text outputs (reports,
// trees, eval and model figures). The format attribute lets the compiler
// check each call's arguments; a line longer than the first guess is
// formatted again at its length, never cut.
#ifndef CONVSENT_SRC_UTIL_APPEND_FORMAT_H_
#define CONVSENT_SRC_UTIL_APPEND_FORMAT_H_

#include <cstdarg>
#include <cstdio>
#include <string>

namespace convsent {

inline void AppendFormatV(std::string* out, const char* fmt, va_list args) {
  va_list again;
  va_copy(again, args);
  char buf[512];
  const int n = std::vsnprintf(buf, sizeof(buf), fmt, args);
  if (n > 0 && static_cast<size_t>(n) < sizeof(buf)) {
    out->append(buf, static_cast<size_t>(n));
  } else if (n > 0) {
    const size_t at = out->size();
    out->resize(at + static_cast<size_t>(n) + 1);
    std::vsnprintf(out->data() + at, static_cast<size_t>(n) + 1, fmt, again);
    out->resize(at + static_cast<size_t>(n));
  }
  va_end(again);
}

__attribute__((format(printf, 2, 3))) inline void AppendFormat(std::string* out, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  AppendFormatV(out, fmt, args);
  va_end(args);
}

// The same, and a newline.
__attribute__((format(printf, 2, 3))) inline void AppendLine(std::string* out, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  AppendFormatV(out, fmt, args);
  va_end(args);
  out->push_back('\n');
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_APPEND_FORMAT_H_
