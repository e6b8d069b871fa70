// A CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside
// quotes) that counts physical lines, so errors can name them, and caps a
// record's size, so one runaway quote cannot exhaust memory.
#ifndef CONVSENT_SRC_UTIL_CSV_READER_H_
#define CONVSENT_SRC_UTIL_CSV_READER_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace convsent {

class CsvReader {
 public:
  CsvReader(std::FILE* file, size_t max_record_bytes) : file_(file), max_(max_record_bytes) {}

  enum class Result { kRecord, kEnd, kTooLong, kUnterminatedQuote };
  // Reads the next record into `fields`; `first_line` is its first line.
  Result Next(std::vector<std::string>* fields, int64_t* first_line);
  int64_t bytes_read() const { return bytes_; }

 private:
  int Get() {
    const int c = std::getc(file_);
    if (c != EOF) ++bytes_;
    return c;
  }
  std::FILE* file_;
  size_t max_;
  int64_t line_ = 1;
  int64_t bytes_ = 0;
};

inline CsvReader::Result CsvReader::Next(std::vector<std::string>* fields, int64_t* first_line) {
  fields->clear();
  *first_line = line_;
  int c = Get();
  if (c == EOF) return Result::kEnd;
  std::string field;
  size_t size = 0;
  bool quoted = false, too_long = false;
  for (;;) {
    if (quoted) {
      if (c == EOF) return Result::kUnterminatedQuote;
      if (c == '"') {
        const int n = Get();
        if (n == '"') {
          field.push_back('"');
        } else {
          quoted = false;
          c = n;
          continue;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(static_cast<char>(c));
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == EOF) {
      if (c == '\n') ++line_;
      if (!field.empty() && field.back() == '\r') field.pop_back();
      fields->push_back(std::move(field));
      return too_long ? Result::kTooLong : Result::kRecord;
    } else {
      field.push_back(static_cast<char>(c));
    }
    if (++size > max_ && !too_long) {
      too_long = true;
      field.clear();  // keep reading to the end of the record, keeping nothing
    }
    if (too_long) field.clear();
    c = Get();
  }
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_CSV_READER_H_
