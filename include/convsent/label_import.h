// Labels from files into the store: `convsent labels import`.
//
// A file is CSV with a header (by its .csv name) or JSON Lines, with the
// fields conversation_id and label (negative, neutral or positive), and
// optionally message (the 0-based index of a message; absent or empty: the
// conversation's customer tone), reviewer, at (RFC 3339; absent: now) and
// note. Other fields are ignored, so a file written by `convsent audit
// sample`, texts and all, comes back as it was labelled.
//
// A bad row (unknown conversation or label, a message index out of range,
// a malformed line) is reported with its file and line and skipped; the
// rest is stored, in one transaction: a failure of the store writes
// nothing.
#ifndef CONVSENT_LABEL_IMPORT_H_
#define CONVSENT_LABEL_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/store.h"

namespace convsent {

struct LabelImportError {
  std::string file;
  int64_t line = 0;   // 1-based; 0: the file as a whole
  std::string field;  // empty: the line as a whole
  std::string message;
};

struct LabelImportOptions {
  // The rows are a uniformly random sample: stored as source "audit", what
  // the corrected estimate uses. Otherwise "import".
  bool audit = false;
  int64_t now_ms = 0;                                     // the time of a row without one
  std::function<void(const LabelImportError&)> on_error;  // each bad row, as found
};

struct LabelImportSummary {
  int64_t imported = 0, skipped = 0;
  std::vector<LabelImportError> errors;  // the first 100
};

Result<LabelImportSummary> ImportLabels(Store& store, const std::vector<std::string>& files,
                                        const LabelImportOptions& options);
// `convsent labels import --json`'s one line: what was stored, as `source`.
std::string LabelImportSummaryToJson(const LabelImportSummary& summary, std::string_view source);

// Every stored label as a file (`convsent labels export`): CSV with the
// header conversation_id,message,label,source,reviewer,model,at,note, or
// JSON Lines with the same fields (message null for a conversation's tone).
// ImportLabels reads either back.
Result<std::string> ExportLabels(Store& store, bool jsonl);

}  // namespace convsent

#endif  // CONVSENT_LABEL_IMPORT_H_
