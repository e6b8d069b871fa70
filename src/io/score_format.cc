#include "convsent/score_format.h"

#include <charconv>
#include <cmath>

namespace convsent {

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonNumber(float v, int digits, std::string* out) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, digits);
  if (ec != std::errc()) { out->push_back('0'); return; }
  // Trim trailing zeros ("0.2500" -> "0.25", "1.0000" -> "1").
  char* p = end;
  if (std::string_view(buf, end - buf).find('.') != std::string_view::npos) {
    while (p > buf && p[-1] == '0') --p;
    if (p > buf && p[-1] == '.') --p;
  }
  std::string_view text(buf, p - buf);
  if (text == "-0") text = "0";
  out->append(text);
}

void AppendScoreFields(const MessageScore& s, std::string_view model_version, std::string* out) {
  out->append("\"label\":\"");
  out->append(SentimentName(s.label));
  out->append("\",\"p\":{\"negative\":");
  AppendJsonNumber(s.p[0], 4, out);
  out->append(",\"neutral\":");
  AppendJsonNumber(s.p[1], 4, out);
  out->append(",\"positive\":");
  AppendJsonNumber(s.p[2], 4, out);
  out->append("},\"compound\":");
  AppendJsonNumber(s.compound, 4, out);
  out->append(",\"score5\":");
  AppendJsonNumber(s.score5, 3, out);
  out->append(",\"model\":");
  AppendJsonString(model_version, out);
  out->append(",\"language\":\"");
  out->append(LanguageCode(s.language));
  out->push_back('"');
  out->append(",\"explain\":[");
  for (size_t i = 0; i < s.explain.size(); ++i) {
    if (i) out->push_back(',');
    out->append("{\"token\":");
    AppendJsonString(s.explain[i].token, out);
    out->append(",\"weight\":");
    AppendJsonNumber(s.explain[i].weight, 3, out);
    out->push_back('}');
  }
  out->push_back(']');
  // Said only where the turns before it weighed in.
  if (s.context) out->append(",\"context\":true");
  if (s.invalid_utf8_bytes || s.truncated) {
    out->append(",\"warning\":");
    std::string w;
    if (s.invalid_utf8_bytes) w = "invalid UTF-8 repaired (" + std::to_string(s.invalid_utf8_bytes) + " bytes)";
    if (s.truncated) w += std::string(w.empty() ? "" : "; ") + "text cut at the size limit";
    AppendJsonString(w, out);
  }
}

}  // namespace convsent
