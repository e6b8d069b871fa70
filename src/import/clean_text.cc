#include "import/clean_text.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "text/utf8.h"

namespace convsent::import_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A decoded character reference; what a browser shows for one that is not
// a character (0, a surrogate, beyond U+10FFFF) is U+FFFD.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  utf8::Append(static_cast<char32_t>(cp), out);
}

struct Entity {
  const char* name;
  uint32_t cp;
};
constexpr std::array<Entity, 24> kEntities = {{{"amp", '&'},       {"lt", '<'},         {"gt", '>'},
                                               {"quot", '"'},      {"apos", '\''},      {"nbsp", ' '},
                                               {"hellip", 0x2026}, {"mdash", 0x2014},   {"ndash", 0x2013},
                                               {"lsquo", 0x2018},  {"rsquo", 0x2019},   {"ldquo", 0x201C},
                                               {"rdquo", 0x201D},  {"copy", 0xA9},      {"reg", 0xAE},
                                               {"trade", 0x2122},  {"euro", 0x20AC},    {"pound", 0xA3},
                                               {"bull", 0x2022},   {"middot", 0xB7},    {"eacute", 0xE9},
                                               {"egrave", 0xE8},   {"agrave", 0xE0},    {"ccedil", 0xE7}}};

// Decodes the entity at html[i] == '&'; returns the characters consumed
// (0 when it is not an entity, and the '&' stays as it is).
size_t DecodeEntity(std::string_view html, size_t i, std::string* out) {
  size_t j = i + 1;
  if (j < html.size() && html[j] == '#') {
    ++j;
    const bool hex = j < html.size() && (html[j] == 'x' || html[j] == 'X');
    if (hex) ++j;
    uint32_t cp = 0;
    size_t digits = 0;
    while (j < html.size() && digits < 8 &&
           (hex ? std::isxdigit(static_cast<unsigned char>(html[j])) : std::isdigit(static_cast<unsigned char>(html[j])))) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(html[j])));
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      ++j;
      ++digits;
    }
    if (digits == 0) return 0;
    if (j < html.size() && html[j] == ';') ++j;  // browsers accept a missing one (Gorgias sends "&#128077")
    AppendUtf8(cp, out);
    return j - i;
  }
  size_t k = j;
  while (k < html.size() && k - j < 10 && std::isalnum(static_cast<unsigned char>(html[k]))) ++k;
  if (k >= html.size() || html[k] != ';') return 0;
  const std::string_view name = html.substr(j, k - j);
  for (const auto& e : kEntities) {
    if (name == e.name) {
      AppendUtf8(e.cp, out);
      return k + 1 - i;
    }
  }
  return 0;
}

bool IsBlock(std::string_view tag) {
  static constexpr std::array<std::string_view, 22> kBlocks = {
      "p",  "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4",
      "h5", "h6",  "hr", "pre", "section", "article", "header", "footer", "dd", "dt"};
  for (auto b : kBlocks) {
    if (tag == b) return true;
  }
  return false;
}

bool IsVoid(std::string_view tag) {
  return tag == "br" || tag == "img" || tag == "hr" || tag == "meta" || tag == "link" || tag == "input" ||
         tag == "source" || tag == "wbr" || tag == "col" || tag == "area" || tag == "base";
}

// Elements whose content is not the message: code, styling, and the quoted
// history that mail clients and help desks wrap in these.
bool IsSkipped(std::string_view tag, std::string_view attributes) {
  if (tag == "script" || tag == "style" || tag == "head" || tag == "title" || tag == "blockquote") return true;
  const std::string attrs = Lower(attributes);
  for (std::string_view marker : {"gmail_quote", "gorgias_quote", "front-blockquote", "yahoo_quoted", "moz-cite-prefix",
                                  "divrplyfwdmsg", "zd-quote", "protonmail_quote"}) {
    if (attrs.find(marker) != std::string::npos) return true;
  }
  return false;
}

// Appends text, collapsing HTML whitespace into single spaces.
void AppendText(std::string_view text, std::string* out) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
}

// A line break (<br>): always one more.
void NewLine(std::string* out) {
  while (!out->empty() && out->back() == ' ') out->pop_back();
  out->push_back('\n');
}

// The edge of a block (<p>, <div>, <li>): a line of its own, no blank line.
void BlockEdge(std::string* out) {
  while (!out->empty() && out->back() == ' ') out->pop_back();
  if (!out->empty() && out->back() != '\n') out->push_back('\n');
}

// Lines trimmed, runs of blank lines cut to one, the ends trimmed; a
// no-break space (U+00A0, what &nbsp; stands for) is a space.
std::string TidyLines(std::string_view raw) {
  std::string spaced;
  spaced.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
      spaced.push_back(' ');
      ++i;
    } else {
      spaced.push_back(raw[i]);
    }
  }
  const std::string_view text = spaced;
  std::string out;
  int blank = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    // Keep the indentation out; a non-breaking space decoded from &nbsp; is a space.
    line = Trim(line);
    if (line.empty()) {
      ++blank;
    } else {
      if (!out.empty()) out += blank > 0 ? "\n\n" : "\n";
      out.append(line);
      blank = 0;
    }
    start = end + 1;
  }
  return out;
}

bool IsQuoteHeader(std::string_view line, std::string_view next) {
  // "On Tue, Nov 19, 2024 at 2:34 PM Ann <ann@example.com> wrote:", often
  // wrapped over two lines by the client.
  static constexpr std::array<std::string_view, 7> kWrote = {"wrote:", "a écrit :", "a écrit:", "schrieb:",
                                                             "escribió:", "ha scritto:", "schreef:"};
  static constexpr std::array<std::string_view, 6> kOn = {"On ", "Le ", "Am ", "El ", "Il ", "Op "};
  bool starts = false;
  for (auto on : kOn) starts = starts || StartsWith(line, on);
  if (!starts || line.size() > 300) return false;
  for (auto w : kWrote) {
    if (EndsWith(line, w)) return true;
    if (next.size() < 200 && EndsWith(next, w)) return true;
  }
  return false;
}

bool IsOutlookHeader(const std::vector<std::string_view>& lines, size_t i) {
  if (!StartsWith(lines[i], "From:") && !StartsWith(lines[i], "De :") && !StartsWith(lines[i], "Von:")) return false;
  int fields = 0;
  for (size_t k = i + 1; k < lines.size() && k < i + 5; ++k) {
    for (std::string_view f : {"Sent:", "Date:", "To:", "Subject:", "Cc:", "Envoyé :", "Gesendet:", "An:", "Betreff:"}) {
      if (StartsWith(lines[k], f)) ++fields;
    }
  }
  return fields >= 2;
}

}  // namespace

bool LooksLikeHtml(std::string_view body) {
  for (std::string_view tag : {"<p", "<div", "<br", "<span", "<a ", "<b>", "<i>", "<ul", "<ol", "<li", "<table",
                               "<blockquote", "<html", "<img", "<strong", "<em>", "<h1", "<h2", "<h3"}) {
    for (size_t at = body.find(tag); at != std::string_view::npos; at = body.find(tag, at + 1)) {
      const size_t after = at + tag.size();
      if (tag.back() == '>' || tag.back() == ' ' || after >= body.size() || body[after] == '>' || body[after] == ' ' ||
          body[after] == '/' || std::isdigit(static_cast<unsigned char>(body[after]))) {
        return true;
      }
    }
  }
  return false;
}

std::string HtmlToText(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::string skip_tag;  // inside a skipped element: its name
  int skip_depth = 0;
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    const bool tag_start = c == '<' && i + 1 < html.size() &&
                           (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/' || html[i + 1] == '!');
    if (tag_start) {
      if (html.compare(i, 4, "<!--") == 0) {
        const size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      const size_t end = html.find('>', i + 1);
      if (end == std::string_view::npos) break;  // a cut-off tag: the rest is not text
      std::string_view inner = html.substr(i + 1, end - i - 1);
      i = end + 1;
      const bool closing = !inner.empty() && inner.front() == '/';
      if (closing) inner.remove_prefix(1);
      size_t name_end = 0;
      while (name_end < inner.size() && (std::isalnum(static_cast<unsigned char>(inner[name_end])) || inner[name_end] == '-')) ++name_end;
      const std::string tag = Lower(inner.substr(0, name_end));
      if (tag.empty()) continue;  // "<!DOCTYPE", "<?xml", stray '<'
      const bool self_closing = !inner.empty() && inner.back() == '/';
      if (!skip_tag.empty()) {
        if (tag == skip_tag && !IsVoid(tag) && !self_closing) skip_depth += closing ? -1 : 1;
        if (skip_depth == 0) skip_tag.clear();
        continue;
      }
      if (!closing && !IsVoid(tag) && !self_closing && IsSkipped(tag, inner.substr(name_end))) {
        skip_tag = tag;
        skip_depth = 1;
        BlockEdge(&out);
        continue;
      }
      if (tag == "li" && !closing) {
        BlockEdge(&out);
        out += "- ";
      } else if (tag == "br") {
        NewLine(&out);
      } else if (IsBlock(tag)) {
        BlockEdge(&out);
      } else if (tag == "td" || tag == "th") {
        if (!closing) AppendText(" ", &out);
      }
      continue;
    }
    if (!skip_tag.empty()) {
      ++i;
      continue;
    }
    if (c == '&') {
      std::string decoded;
      const size_t used = DecodeEntity(html, i, &decoded);
      if (used > 0) {
        if (decoded == " ") AppendText(" ", &out);
        else out += decoded;
        i += used;
        continue;
      }
    }
    size_t next = html.find_first_of("<&", i + 1);
    AppendText(html.substr(i, (next == std::string_view::npos ? html.size() : next) - i), &out);
    i = next == std::string_view::npos ? html.size() : next;
  }
  return TidyLines(out);
}

std::string StripQuotedEmail(std::string_view text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = Trim(lines[i]);
    const std::string_view next = i + 1 < lines.size() ? Trim(lines[i + 1]) : std::string_view();
    if (IsQuoteHeader(line, next) || IsOutlookHeader(lines, i)) break;
    if (StartsWith(line, "-----Original Message-----") || StartsWith(line, "----- Original Message -----") ||
        StartsWith(line, "-------- Original message --------") || StartsWith(line, "---------- Forwarded message")) {
      break;
    }
    if (lines[i] == "-- " || line == "--") break;  // the signature delimiter
    if (StartsWith(line, "Sent from my ") || StartsWith(line, "Get Outlook for ")) break;
    if (StartsWith(line, ">")) continue;  // a quoted line of an inline reply
    out.append(lines[i]);
    out.push_back('\n');
  }
  return TidyLines(out);
}

std::string CleanBody(std::string_view body, bool html) {
  return StripQuotedEmail(html ? HtmlToText(body) : body);
}

}  // namespace convsent::import_internal
