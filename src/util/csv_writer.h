// Writing CSV (RFC 4180), the other half of csv_reader.h.
#ifndef CONVSENT_SRC_UTIL_CSV_WRITER_H_
#define CONVSENT_SRC_UTIL_CSV_WRITER_H_

#include <string>
#include <string_view>

namespace convsent {

// A field, quoted (and its quotes doubled) when it holds a comma, a quote
// or a line break; as it is otherwise.
inline std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_CSV_WRITER_H_
