// Scoring a batch of input lines, as `convsent score` does: plain text or
// JSON lines (whose own fields are passed through), one output line per
// input line, in input order, with an error object naming the line where
// one cannot be scored. Split across a ScorerPool's threads.
#ifndef CONVSENT_BATCH_SCORE_H_
#define CONVSENT_BATCH_SCORE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convsent/scorer.h"

namespace convsent {

// One line as read from an input (its buffer is reused batch after batch).
struct InputLine {
  std::string text;
  uint64_t number = 0;     // 1-based, within its file
  bool too_long = false;   // cut at max_line_bytes: answered with an error
};

struct BatchScoreOptions {
  bool jsonl = false;        // each line is a JSON object with a "text" field
  bool labels_only = false;  // one label per line instead of a JSON object
  int explain = 3;           // tokens listed per message (not with labels_only)
  size_t max_line_bytes = 1 << 20;  // named in the error of a line cut there
  std::optional<Language> language;  // every line's language; unset: each is identified
};

class BatchScorer {
 public:
  // `pool` must outlive the scorer.
  BatchScorer(ScorerPool& pool, BatchScoreOptions options, std::string model_version);
  // Scores lines[0, count). The answers, in order, are the concatenation
  // of the returned parts (one per thread: written one after the other,
  // they need no copy); valid until the next call.
  const std::vector<std::string>& Score(const std::vector<InputLine>& lines, size_t count);

 private:
  ScorerPool& pool_;
  const BatchScoreOptions options_;
  const std::string model_version_;
  // Kept between batches: a fresh megabyte per batch costs page faults.
  std::vector<std::string> parts_;
};

}  // namespace convsent

#endif  // CONVSENT_BATCH_SCORE_H_
