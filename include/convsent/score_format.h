// The JSON a scored message is written as: one object per message, the
// output contract of `convsent score` and of the HTTP API.
//
//   {"label":"negative|neutral|positive",
//    "p":{"negative":…,"neutral":…,"positive":…},
//    "compound":-1…1,"score5":1…5,"model":"<version>","language":"en|es|…|und",
//    "explain":[{"token":"…","weight":…}]}
//
// Optional fields: "warning" when invalid UTF-8 was repaired or the text was
// cut at the size limit.
#ifndef CONVSENT_SCORE_FORMAT_H_
#define CONVSENT_SCORE_FORMAT_H_

#include <string>
#include <string_view>

#include "convsent/scorer.h"

namespace convsent {

// Appends `s` as a JSON string literal (quotes included).
void AppendJsonString(std::string_view s, std::string* out);
// Appends a float with up to `digits` decimals, trailing zeros trimmed.
void AppendJsonNumber(float v, int digits, std::string* out);

// Appends the fields of a scored message without the surrounding braces, so
// that callers can add fields of their own before or after.
void AppendScoreFields(const MessageScore& score, std::string_view model_version, std::string* out);

}  // namespace convsent

#endif  // CONVSENT_SCORE_FORMAT_H_
