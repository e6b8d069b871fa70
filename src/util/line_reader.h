// Reads lines from a FILE* with a cap on line length, so that one enormous
// line cannot exhaust memory. A line over the cap is reported as too long
// (its first `max_line` bytes are kept) and reading goes on with the next.
#ifndef CONVSENT_SRC_UTIL_LINE_READER_H_
#define CONVSENT_SRC_UTIL_LINE_READER_H_

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace convsent {

class LineReader {
 public:
  LineReader(std::FILE* file, size_t max_line) : file_(file), max_line_(max_line), buf_(1 << 16, '\0') {}

  // Reads the next line (without its '\n' or "\r\n") into `line`. Returns
  // false at end of input. `too_long` tells whether the line was cut.
  bool Next(std::string* line, bool* too_long);
  bool error() const { return std::ferror(file_) != 0; }

 private:
  bool Fill();
  std::FILE* file_;
  size_t max_line_;
  std::string buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

inline bool LineReader::Fill() {
  if (eof_) return false;
  len_ = std::fread(buf_.data(), 1, buf_.size(), file_);
  pos_ = 0;
  if (len_ == 0) eof_ = true;
  return len_ > 0;
}

inline bool LineReader::Next(std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  while (true) {
    if (pos_ == len_ && !Fill()) break;
    any = true;
    const char* start = buf_.data() + pos_;
    const void* nl = std::memchr(start, '\n', len_ - pos_);
    const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start) : len_ - pos_;
    const size_t room = max_line_ > line->size() ? max_line_ - line->size() : 0;
    if (take > room) *too_long = true;
    line->append(start, std::min(take, room));
    pos_ += take;
    if (nl) {
      ++pos_;
      break;
    }
  }
  if (!any) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_LINE_READER_H_
