// Inlined: the hash of every token is on the hot path.
#define XXH_INLINE_ALL
#include "text/utf8.h"

#include <xxhash.h>

#include "convsent/text.h"

namespace convsent {

uint64_t HashToken(std::string_view normalized) {
  // The seed is part of kHashVersion: never change it.
  constexpr uint64_t kSeed = 0x636f6e7673656e74ULL;  // "convsent"
  return XXH3_64bits_withSeed(normalized.data(), normalized.size(), kSeed);
}

bool FoldCommonWord(std::string_view word, std::string* out, int* letters, int* upper) {
  const size_t start = out->size();
  int cased = 0, upper_case = 0;
  for (size_t i = 0; i < word.size();) {
    const auto b = static_cast<unsigned char>(word[i]);
    if (b < 0x80) {
      const unsigned lower = b | 0x20u;
      if (lower - 'a' < 26u) {
        ++cased;
        upper_case += b < 'a';
        out->push_back(static_cast<char>(lower));
      } else if (b - static_cast<unsigned>('0') < 10u || b == '\'') {
        out->push_back(static_cast<char>(b));
      } else {
        out->resize(start);
        return false;
      }
      ++i;
      continue;
    }
    int len;
    const char32_t cp = utf8::Decode(word, i, &len);
    if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7 && cp != 0xDF) {
      ++cased;
      if (cp < 0xE0) {
        ++upper_case;
        utf8::Append(cp + 0x20, out);  // À..Þ fold to à..þ
      } else {
        out->append(word.data() + i, static_cast<size_t>(len));
      }
    } else if ((cp >= 0x621 && cp <= 0x63A) || (cp >= 0x640 && cp <= 0x64A)) {
      out->append(word.data() + i, static_cast<size_t>(len));  // uncased
    } else {
      out->resize(start);
      return false;
    }
    i += static_cast<size_t>(len);
  }
  *letters = cased;
  *upper = upper_case;
  return true;
}

namespace {

// FoldArabicSpelling's rules, one code point after another, appended to
// *out: the marks and the tatweel dropped, the hamza and madda alefs bare,
// the third and later letters of a run cut (the run's first kept alone).
struct ArabicFold {
  char32_t last = 0;
  int run = 0;
  size_t run_start = 0;
  bool cut = false;

  void Add(char32_t cp, std::string* out) {
    if ((cp >= 0x64B && cp <= 0x652) || cp == 0x670 || cp == 0x640) return;
    if (cp == 0x622 || cp == 0x623 || cp == 0x625) cp = 0x627;
    if (cp == last && cp >= 0x621 && cp <= 0x64A) {
      if (++run == 3) {
        out->resize(run_start + 2);  // one letter: Arabic letters are two bytes
        cut = true;
      }
      if (run >= 3) return;
    } else {
      last = cp;
      run = 1;
      run_start = out->size();
    }
    utf8::Append(cp, out);
  }
};

}  // namespace

bool FoldArabicWord(std::string_view word, std::string* out, bool* elongated) {
  const size_t start = out->size();
  if (word.empty() || word.size() % 2 != 0) return false;
  ArabicFold fold;
  for (size_t k = 0; k < word.size(); k += 2) {
    const auto b0 = static_cast<unsigned char>(word[k]), b1 = static_cast<unsigned char>(word[k + 1]);
    const char32_t cp = (char32_t(b0 & 0x1F) << 6) | (b1 & 0x3F);
    const bool taken = (b0 & 0xFE) == 0xD8 && ((cp >= 0x621 && cp <= 0x63A) || (cp >= 0x640 && cp <= 0x652) || cp == 0x670);
    if (!taken) {
      out->resize(start);
      return false;
    }
    fold.Add(cp, out);
  }
  if (out->size() == start) return false;  // marks alone: no word to fold to
  *elongated |= fold.cut;
  return true;
}

bool FoldArabicSpelling(std::string* word) {
  const std::string& s = *word;
  // Only U+0600..U+06FF is touched: lead bytes 0xD8 to 0xDB.
  bool arabic = false;
  for (const char c : s) arabic |= (static_cast<unsigned char>(c) & 0xFC) == 0xD8;
  if (!arabic) return false;
  std::string out;
  out.reserve(s.size());
  ArabicFold fold;
  for (size_t k = 0; k < s.size();) {
    int len;
    fold.Add(utf8::Decode(s, k, &len), &out);
    k += static_cast<size_t>(len);
  }
  if (out.empty()) return false;  // marks alone stay: a token is never empty
  word->swap(out);
  return fold.cut;
}

uint32_t RepairUtf8(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  uint32_t replaced = 0;
  const size_t n = in.size();
  size_t i = 0;
  // Valid text is copied in runs, not a code point at a time: most text
  // has no bad byte, and then the whole of it is one append.
  size_t run = 0;
  auto bad = [&](size_t skip) {
    out->append(in.data() + run, i - run);
    out->append("\xEF\xBF\xBD");  // U+FFFD
    replaced += static_cast<uint32_t>(skip);
    i += skip;
    run = i;
  };
  while (i < n) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    if (b0 < 0x80) {
      i = utf8::AsciiRunEnd(in, i + 1);
      continue;
    }
    int len = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) { len = 2; min = 0x80; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) { len = 3; min = 0x800; }
    else if (b0 >= 0xF0 && b0 <= 0xF4) { len = 4; min = 0x10000; }
    else { bad(1); continue; }
    if (i + len > n) {
      // Truncated at the end: replace what is there, one U+FFFD.
      size_t k = i + 1;
      while (k < n && (static_cast<unsigned char>(in[k]) & 0xC0) == 0x80) ++k;
      bad(k - i);
      continue;
    }
    bool cont_ok = true;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(in[i + k]) & 0xC0) != 0x80) { cont_ok = false; break; }
    }
    if (!cont_ok) { bad(1); continue; }
    int dummy;
    const char32_t cp = utf8::Decode(in, i, &dummy);
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { bad(len); continue; }
    i += len;
  }
  out->append(in.data() + run, n - run);
  return replaced;
}

void DecodeEntities(std::string* s) {
  if (s->find('&') == std::string::npos) return;
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
  std::string out;
  out.reserve(s->size());
  for (size_t i = 0; i < s->size();) {
    bool hit = false;
    if ((*s)[i] == '&') {
      for (const auto& [name, ch] : kEntities) {
        if (s->compare(i, name.size(), name) == 0) {
          out.push_back(ch);
          i += name.size();
          hit = true;
          break;
        }
      }
    }
    if (!hit) out.push_back((*s)[i++]);
  }
  s->swap(out);
}

}  // namespace convsent
