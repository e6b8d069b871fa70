// Scoring a batch of input lines, as `convsent score` does: plain text or
// JSON lines (whose own fields are passed through), one output line per
// input line, in input order, with an error object naming the line where
// one cannot be scored. Split across a ScorerPool's threads.
#ifndef CONVSENT_BATCH_SCORE_H_
#define CONVSENT_BATCH_SCORE_H_

#include <cstddef>
#include <cstdint>
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
};

// Scores lines[0, count) and appends their answers to *out.
void ScoreBatch(ScorerPool& pool, const BatchScoreOptions& options, const std::string& model_version,
                const std::vector<InputLine>& lines, size_t count, std::string* out);

}  // namespace convsent

#endif  // CONVSENT_BATCH_SCORE_H_
