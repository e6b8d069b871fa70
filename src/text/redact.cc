#include "convsent/redact.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace convsent {
namespace {

struct Span {
  size_t begin, end;
  const char* mask;
};

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }

// Bytes of an address: ASCII ones and any of a multi-byte UTF-8 character
// (international addresses).
bool IsLocalByte(unsigned char c) { return IsAlnum(c) || c >= 0x80 || std::strchr("._%+-", c) != nullptr; }
bool IsDomainByte(unsigned char c) { return IsAlnum(c) || c >= 0x80 || c == '.' || c == '-'; }

// Whether a number may start after `prev`: not inside a word, an id
// ("ref-5551234567", "#5551234567") or a URL path.
bool NumberMayFollow(unsigned char prev) { return !IsAlnum(prev) && std::strchr("/_@#=&%$.-+\\", prev) == nullptr; }

void FindEmails(std::string_view t, std::vector<Span>* out) {
  for (size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    size_t b = at;
    while (b > 0 && IsLocalByte(static_cast<unsigned char>(t[b - 1]))) --b;
    size_t e = at + 1;
    while (e < t.size() && IsDomainByte(static_cast<unsigned char>(t[e]))) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;  // "mail a@b.com."
    if (b == at || e == at + 1) continue;
    const std::string_view domain = t.substr(at + 1, e - at - 1);
    const size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) continue;
    const std::string_view top = domain.substr(dot + 1);
    if (top.size() < 2 || !std::all_of(top.begin(), top.end(), [](char c) { return IsAlpha(c); })) continue;
    out->push_back({b, e, "[email]"});
  }
}

bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (twice && (d *= 2) > 9) d -= 9;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

// ISO 13616: the first four characters moved to the end, letters as 10..35,
// the whole number mod 97 is 1.
bool IbanValid(std::string_view compact) {
  int mod = 0;
  for (size_t k = 0; k < compact.size(); ++k) {
    const unsigned char c = compact[(k + 4) % compact.size()];
    if (IsDigit(c)) {
      mod = (mod * 10 + (c - '0')) % 97;
    } else {
      const int v = (c | 0x20) - 'a' + 10;
      mod = (mod * 100 + v) % 97;
    }
  }
  return mod == 1;
}

// IBANs: "DE89370400440532013000" or in groups of four, "DE89 3704 0044 ...".
void FindIbans(std::string_view t, std::vector<Span>* out) {
  for (size_t i = 0; i + 4 <= t.size(); ++i) {
    if (!(IsAlpha(t[i]) && IsAlpha(t[i + 1]) && IsDigit(t[i + 2]) && IsDigit(t[i + 3]))) continue;
    if (i > 0 && (IsAlnum(t[i - 1]) || t[i - 1] == '/')) continue;
    // Groups of letters and digits, one space apart; only a group of four
    // may be followed by another.
    std::vector<std::pair<size_t, size_t>> groups;
    size_t p = i;
    while (true) {
      size_t e = p;
      while (e < t.size() && IsAlnum(t[e])) ++e;
      if (e == p) break;
      groups.push_back({p, e});
      if (e - p != 4 && groups.size() > 1) break;
      if (groups.size() == 1 && e - p > 4) break;  // the compact form
      if (e + 1 < t.size() && t[e] == ' ' && IsAlnum(t[e + 1])) {
        p = e + 1;
      } else {
        break;
      }
    }
    for (size_t n = groups.size(); n > 0; --n) {
      std::string compact;
      for (size_t g = 0; g < n; ++g) compact.append(t.substr(groups[g].first, groups[g].second - groups[g].first));
      if (compact.size() < 15 || compact.size() > 34) continue;
      if (IbanValid(compact)) {
        out->push_back({i, groups[n - 1].second, "[iban]"});
        i = groups[n - 1].second;
        break;
      }
    }
  }
}

// Whether digit groups a, b, c (with the separators before b and c) read
// as a date: YYYY-MM-DD, or DD/MM/YYYY and MM/DD/YYYY; '-', '/' or '.'.
bool IsDate(std::string_view a, std::string_view b, std::string_view c, char sep_b, char sep_c) {
  if (sep_b != sep_c || (sep_b != '-' && sep_b != '/' && sep_b != '.')) return false;
  auto value = [](std::string_view d) { return std::atoi(std::string(d).c_str()); };
  auto year = [&](std::string_view d) { return d.size() == 4 && value(d) >= 1900 && value(d) <= 2099; };
  auto small = [&](std::string_view d) { return d.size() <= 2 && value(d) >= 1 && value(d) <= 31; };
  if (year(a)) return small(b) && small(c) && (value(b) <= 12 || value(c) <= 12);
  return year(c) && small(a) && small(b) && (value(a) <= 12 || value(b) <= 12);
}

// A run of digit groups joined by one separator each: separators[g] came
// before group g (0 for the first).
struct DigitRun {
  std::vector<std::pair<size_t, size_t>> groups;
  std::vector<char> separators;
  bool plus = false, paren = false;  // began with '+' or '('
};

// "[card]", "[phone]" or nullptr for groups [first, last] of `run`, whose
// text ends at `end`.
const char* Classify(std::string_view t, const DigitRun& run, size_t first, size_t last, const Redaction& r) {
  const size_t end = run.groups[last].second;
  if (end < t.size() && (IsAlnum(t[end]) || t[end] == '@')) return nullptr;  // inside a word or an address
  auto text = [&](size_t k) { return t.substr(run.groups[k].first, run.groups[k].second - run.groups[k].first); };
  const bool plus = first == 0 && run.plus, paren = first == 0 && run.paren;
  std::string digits;
  bool spaces_or_dashes = true, date = false;
  for (size_t g = first; g <= last; ++g) {
    digits.append(text(g));
    if (g > first && run.separators[g] != ' ' && run.separators[g] != '-') spaces_or_dashes = false;
    if (g + 2 <= last) date = date || IsDate(text(g), text(g + 1), text(g + 2), run.separators[g + 1], run.separators[g + 2]);
  }
  const size_t n = digits.size(), count = last - first + 1;
  if ((r.kinds & kRedactCard) && !plus && !paren && spaces_or_dashes && n >= 13 && n <= 19 && LuhnValid(digits)) {
    return "[card]";
  }
  if (!(r.kinds & kRedactPhone) || date) return nullptr;
  const bool separated = count > 1 || paren;
  const bool three_four = !plus && !paren && count == 2 && text(first).size() == 3 && text(last).size() == 4 &&
                          run.separators[last] != ' ';
  if ((plus && n >= 8 && n <= 15) || (!plus && separated && n >= 10 && n <= 15) ||
      (!plus && !separated && n >= 10 && n <= 11) || three_four) {
    return "[phone]";
  }
  return nullptr;
}

// Card numbers and phone numbers.
void FindNumbers(std::string_view t, const Redaction& r, std::vector<Span>* out) {
  size_t i = 0;
  while (i < t.size()) {
    DigitRun run;
    run.plus = t[i] == '+' && i + 1 < t.size() && IsDigit(t[i + 1]);
    run.paren = t[i] == '(' && i + 1 < t.size() && IsDigit(t[i + 1]);
    if (!(IsDigit(t[i]) || run.plus || run.paren) || (i > 0 && !NumberMayFollow(t[i - 1]))) {
      ++i;
      continue;
    }
    size_t p = i + (run.plus || run.paren ? 1 : 0);
    char before = 0;
    while (p < t.size() && IsDigit(t[p])) {
      const size_t b = p;
      while (p < t.size() && IsDigit(t[p])) ++p;
      run.groups.push_back({b, p});
      run.separators.push_back(before);
      size_t q = p;
      if (q < t.size() && t[q] == ')') ++q;
      if (q < t.size() && (t[q] == ' ' || t[q] == '-' || t[q] == '.')) ++q;
      if (q == p || q >= t.size() || !IsDigit(t[q])) break;
      before = t[q - 1] == ')' ? ' ' : t[q - 1];
      p = q;
    }
    const size_t last = run.groups.size() - 1;
    if (const char* mask = Classify(t, run, 0, last, r)) {
      out->push_back({i, run.groups[last].second, mask});
    } else {
      // Two numbers a space apart ("415-555-0134 4111111111111111"): each
      // space-separated part that is a number of its own (separators inside,
      // or 7 digits and more) is tried alone. Groups of four
      // ("4111 1111 1111 1112") stay one number.
      size_t first = 0;
      for (size_t g = 0; g <= last; ++g) {
        if (g < last && run.separators[g + 1] != ' ') continue;
        const bool own = g > first || run.groups[g].second - run.groups[g].first >= 7;
        if (own && (first > 0 || g < last)) {
          if (const char* mask = Classify(t, run, first, g, r)) {
            const size_t begin = first == 0 ? i : run.groups[first].first;
            out->push_back({begin, run.groups[g].second, mask});
          }
        }
        first = g + 1;
      }
    }
    i = std::max(run.groups[last].second, i + 1);
  }
}

}  // namespace

Result<Redaction> ParseRedaction(std::string_view spec) {
  Redaction r;
  if (spec == "off" || spec == "none" || spec.empty()) return r;
  if (spec == "all") return Redaction{kRedactAll};
  size_t start = 0;
  while (start <= spec.size()) {
    const size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string_view kind = spec.substr(start, comma - start);
    if (kind == "email") {
      r.kinds |= kRedactEmail;
    } else if (kind == "phone") {
      r.kinds |= kRedactPhone;
    } else if (kind == "card") {
      r.kinds |= kRedactCard;
    } else if (kind == "iban") {
      r.kinds |= kRedactIban;
    } else {
      return Status::InvalidArgument("redact: unknown kind '" + std::string(kind) +
                                     "' (expected off, all, or a list of email, phone, card, iban)");
    }
    start = comma + 1;
  }
  return r;
}

std::string RedactionName(const Redaction& r) {
  if (r.kinds == 0) return "off";
  if (r.kinds == kRedactAll) return "all";
  std::string out;
  for (const auto& [bit, name] : {std::pair{kRedactEmail, "email"}, std::pair{kRedactPhone, "phone"},
                                  std::pair{kRedactCard, "card"}, std::pair{kRedactIban, "iban"}}) {
    if (r.kinds & bit) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

std::string Redact(std::string_view text, const Redaction& r, int* masked) {
  if (masked != nullptr) *masked = 0;
  if (!r.enabled()) return std::string(text);
  std::vector<Span> spans;
  if (r.kinds & kRedactEmail) FindEmails(text, &spans);
  if (r.kinds & kRedactIban) FindIbans(text, &spans);
  if (r.kinds & (kRedactCard | kRedactPhone)) FindNumbers(text, r, &spans);
  if (spans.empty()) return std::string(text);
  // Earliest first; of overlapping spans the first found (email, then
  // IBAN, then numbers) wins.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const Span& s : spans) {
    if (s.begin < at) continue;
    out.append(text.substr(at, s.begin - at));
    out += s.mask;
    at = s.end;
    if (masked != nullptr) ++*masked;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace convsent
