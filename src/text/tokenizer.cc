// The tokenizer: one left-to-right scan that emits tokens with normalized
// forms, then a pass that marks cues (negation scope, contrast, emphasis).
#include <utf8proc.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "convsent/text.h"
#include "text/cues.h"
#include "text/symbols.h"
#include "text/utf8.h"

namespace convsent {
namespace {

inline bool IsAsciiAlpha(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
inline bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlnum(unsigned char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }
inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool IsWordCodepoint(char32_t cp) {
  if (cp < 0x80) return IsAsciiAlnum(static_cast<unsigned char>(cp));
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}
bool IsSpaceCodepoint(char32_t cp) {
  if (cp < 0x80) return IsAsciiSpace(static_cast<unsigned char>(cp));
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
         cp == 0x200B || cp == 0x0085;
}
bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }

inline bool IsBoundaryAfter(std::string_view text, size_t i) {
  if (i >= text.size()) return true;
  const auto c = static_cast<unsigned char>(text[i]);
  return c >= 0x80 || !IsAsciiAlnum(c);
}

// The letters with case in a word, and the upper-case ones among them.
void CountCased(std::string_view word, int* letters, int* upper) {
  *letters = *upper = 0;
  for (size_t k = 0; k < word.size();) {
    int len;
    const char32_t cp = utf8::Decode(word, k, &len);
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if (cat == UTF8PROC_CATEGORY_LU) { ++*letters; ++*upper; }
    else if (cat == UTF8PROC_CATEGORY_LL) ++*letters;
    k += static_cast<size_t>(len);
  }
}

// The scanner's (token index, cue) for spellings it recognised (MarkCues).
using CueOverrides = std::vector<std::pair<uint32_t, const Cue*>>;

class Scanner {
 public:
  Scanner(TokenizedText* out, Language language, std::string* scratch, CueOverrides* overrides)
      : out_(out), text_(out->text), language_(language), scratch_(*scratch), cue_override_(*overrides) {}

  void Run() {
    size_t i = 0;
    while (i < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (c < 0x80) {
        if (IsAsciiSpace(c)) { ++i; continue; }
        // Most tokens are words of two or more letters. Only one that starts
        // with h or w (a URL) or x ("xD") needs ScanAscii's checks.
        if (IsAsciiAlpha(c) && i + 1 < text_.size() && IsAsciiAlnum(static_cast<unsigned char>(text_[i + 1])) &&
            !kMaySpecialStart(static_cast<char>(c))) {
          i = ScanWord(i);
          continue;
        }
        i = ScanAscii(i);
        continue;
      }
      int len;
      const char32_t cp = utf8::Decode(text_, i, &len);
      if (IsSpaceCodepoint(cp)) { i += len; continue; }
      if (IsEmojiBase(cp)) { i = ScanEmoji(i); continue; }
      if (IsWordCodepoint(cp)) { i = ScanWord(i); continue; }
      if (cp == 0x2026) {  // …
        Emit(i, i + len, TokenKind::kPunct, "...", kClauseEnd | kSentenceEnd);
      } else if (cp == 0xFF01 || cp == 0xFF1F) {  // fullwidth ! ?
        i = ScanBangs(i);
        continue;
      } else if (cp == 0x060C || cp == 0x061B) {  // Arabic comma and semicolon
        Emit(i, i + len, TokenKind::kPunct, ",", kClauseEnd);
      } else if (cp == 0x061F) {  // Arabic question mark
        Emit(i, i + len, TokenKind::kPunct, "?", kClauseEnd | kSentenceEnd | kQuestion);
      } else if (cp == 0x0964 || cp == 0x0965) {  // Devanagari danda: a full stop
        Emit(i, i + len, TokenKind::kPunct, ".", kClauseEnd | kSentenceEnd);
      }
      i += len;  // other symbols carry no sentiment of their own
    }
    out_->normalized.resize(norm_end_);
  }

 private:
  size_t ScanAscii(size_t i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    const bool at_start = i == 0 || !IsAsciiAlnum(static_cast<unsigned char>(text_[i - 1]));
    // URLs.
    if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && at_start) {
      const std::string_view rest = text_.substr(i, 8);
      auto starts = [&](std::string_view p) {
        if (rest.size() < p.size()) return false;
        for (size_t k = 0; k < p.size(); ++k) {
          if ((rest[k] | 0x20) != p[k]) return false;
        }
        return true;
      };
      if (starts("http://") || starts("https://") || starts("www.")) {
        size_t j = i;
        while (j < text_.size() && !IsAsciiSpace(static_cast<unsigned char>(text_[j]))) ++j;
        Emit(i, j, TokenKind::kUrl, "<url>", 0);
        return j;
      }
    }
    if ((c == '@' || c == '#') && i + 1 < text_.size()) {
      const auto n = static_cast<unsigned char>(text_[i + 1]);
      if (IsAsciiAlnum(n) || n == '_' || n >= 0x80) {
        size_t j = i + 1;
        while (j < text_.size()) {
          const auto d = static_cast<unsigned char>(text_[j]);
          if (d < 0x80) {
            if (!IsAsciiAlnum(d) && d != '_') break;
            ++j;
          } else {
            int len;
            if (!IsWordCodepoint(utf8::Decode(text_, j, &len))) break;
            j += len;
          }
        }
        if (c == '@') {
          Emit(i, j, TokenKind::kMention, "@user", 0);
        } else {
          ScanWordInto(i + 1, j, TokenKind::kHashtag, i);
        }
        return j;
      }
    }
    if (kIsEmoticonChar(static_cast<char>(c))) {
      // Eyes-first emoticons may follow a word ("thanks:)"); others need a
      // boundary before them so that words are not eaten.
      const bool eyes_first = c == ':' || c == ';' || c == '=';
      // A letter or digit followed by another starts a word ("so", "3rd"),
      // except for the laughing "xD" and "XP".
      bool candidate = at_start || eyes_first;
      if (candidate && IsAsciiAlnum(c) && i + 1 < text_.size() &&
          IsAsciiAlnum(static_cast<unsigned char>(text_[i + 1]))) {
        candidate = (c == 'x' || c == 'X') && (text_[i + 1] == 'D' || text_[i + 1] == 'd' || text_[i + 1] == 'P');
      }
      if (candidate) {
        size_t j = i;
        while (j < text_.size() && j - i < 8 && kIsEmoticonChar(text_[j])) ++j;
        for (size_t end = j; end >= i + 2; --end) {
          if (!IsBoundaryAfter(text_, end) && !(end < text_.size() && text_[end] == text_[end - 1])) continue;
          const std::string_view normal = FindEmoticon(text_.substr(i, end - i));
          if (!normal.empty()) {
            // Swallow a repeated last character (":)))", "<333").
            size_t stop = end;
            while (stop < text_.size() && text_[stop] == text_[end - 1] && text_[stop] != '.') ++stop;
            if (!IsBoundaryAfter(text_, stop)) break;
            Emit(i, stop, TokenKind::kEmoticon, normal, 0);
            return stop;
          }
        }
      }
    }
    if (IsAsciiAlnum(c)) return ScanWord(i);
    if (c == '!' || c == '?') return ScanBangs(i);
    if (c == '.') {
      size_t j = i;
      while (j < text_.size() && text_[j] == '.') ++j;
      Emit(i, j, TokenKind::kPunct, j - i >= 2 ? "..." : ".", kClauseEnd | kSentenceEnd);
      return j;
    }
    if (c == ',' || c == ';' || c == ':') {
      Emit(i, i + 1, TokenKind::kPunct, text_.substr(i, 1), kClauseEnd);
      return i + 1;
    }
    return i + 1;
  }

  size_t ScanBangs(size_t i) {
    size_t j = i;
    int bangs = 0, questions = 0;
    while (j < text_.size()) {
      const auto d = static_cast<unsigned char>(text_[j]);
      if (d == '!') { ++bangs; ++j; continue; }
      if (d == '?') { ++questions; ++j; continue; }
      if (d == 0xEF && j + 2 < text_.size()) {
        int len;
        const char32_t cp = utf8::Decode(text_, j, &len);
        if (cp == 0xFF01) { ++bangs; j += len; continue; }
        if (cp == 0xFF1F) { ++questions; j += len; continue; }
      }
      break;
    }
    uint16_t flags = kClauseEnd | kSentenceEnd;
    std::string_view normal;
    if (bangs && questions) {
      normal = "?!";
      flags |= kExclamation | kQuestion;
    } else if (bangs) {
      normal = bangs >= 2 ? "!!" : "!";
      flags |= kExclamation;
    } else {
      normal = questions >= 2 ? "??" : "?";
      flags |= kQuestion;
    }
    Token& t = Emit(i, j, TokenKind::kPunct, normal, flags);
    t.repeat = static_cast<uint8_t>(std::min(bangs + questions, 255));
    return j;
  }

  size_t ScanEmoji(size_t i) {
    size_t j = i;
    int len;
    char32_t cp = utf8::Decode(text_, j, &len);
    const bool flag = IsRegionalIndicator(cp);
    j += len;
    if (flag) {
      if (j < text_.size()) {
        const char32_t next = utf8::Decode(text_, j, &len);
        if (IsRegionalIndicator(next)) j += len;
      }
    } else {
      while (j < text_.size()) {
        cp = utf8::Decode(text_, j, &len);
        if (IsEmojiModifier(cp)) { j += len; continue; }
        if (cp == 0x200D && j + len < text_.size()) {  // ZWJ joins the next emoji
          int len2;
          const char32_t next = utf8::Decode(text_, j + len, &len2);
          if (IsEmojiBase(next)) { j += len + len2; continue; }
        }
        break;
      }
    }
    scratch_.clear();
    for (size_t k = i; k < j; k += len) {
      cp = utf8::Decode(text_, k, &len);
      if (!IsDroppedInNormalForm(cp)) scratch_.append(text_.data() + k, len);
    }
    Emit(i, j, TokenKind::kEmoji, scratch_, 0);
    return j;
  }

  size_t ScanWord(size_t i) {
    // A keycap emoji (1️⃣): a digit, an optional VS16, then U+20E3.
    if (IsAsciiDigit(static_cast<unsigned char>(text_[i])) && i + 1 < text_.size()) {
      size_t k = i + 1;
      int len;
      char32_t cp = static_cast<unsigned char>(text_[k]) >= 0x80 ? utf8::Decode(text_, k, &len) : 0;
      if (cp == 0xFE0F) {
        k += len;
        cp = k < text_.size() && static_cast<unsigned char>(text_[k]) >= 0x80 ? utf8::Decode(text_, k, &len) : 0;
      }
      if (cp == 0x20E3) {
        const char keycap[4] = {text_[i], '\xE2', '\x83', '\xA3'};  // digit + U+20E3, VS16 folded
        Emit(i, k + len, TokenKind::kEmoji, std::string_view(keycap, 4), 0);
        return k + len;
      }
    }
    if (IsAsciiAlpha(static_cast<unsigned char>(text_[i]))) {
      const size_t end = ScanAsciiWord(i);
      if (end != 0) return end;
    }
    size_t j = i;
    while (j < text_.size()) {
      const auto d = static_cast<unsigned char>(text_[j]);
      if (d < 0x80) {
        if (IsAsciiAlnum(d)) { ++j; continue; }
        // An apostrophe or a decimal point inside a word/number continues it.
        if ((d == '\'' || d == '.' || d == ',') && j + 1 < text_.size() && j > i) {
          const auto n = static_cast<unsigned char>(text_[j + 1]);
          const bool number_sep = d != '\'' && IsAsciiDigit(static_cast<unsigned char>(text_[j - 1])) && IsAsciiDigit(n);
          if ((d == '\'' && IsAsciiAlpha(n)) || number_sep) { j += 1; continue; }
        }
        break;
      }
      int len;
      const char32_t cp = utf8::Decode(text_, j, &len);
      if (IsWordCodepoint(cp)) { j += len; continue; }
      if (IsApostrophe(cp) && j + len < text_.size() && IsAsciiAlpha(static_cast<unsigned char>(text_[j + len]))) {
        j += len;
        continue;
      }
      break;
    }
    ScanWordInto(i, j, TokenKind::kWord, i);
    return j;
  }

  // Normalizes text_[b, e) (lower case, no apostrophes, letter runs capped
  // at two) and emits it as a token spanning [span_begin, e).
  void ScanWordInto(size_t b, size_t e, TokenKind kind, size_t span_begin) {
    const std::string_view raw = text_.substr(b, e - b);
    // The common case, a short ASCII word, is normalized in one pass into a
    // stack buffer: lower case, no apostrophes, letter runs capped at two.
    char buf[48];
    size_t n = 0;
    int letters = 0, upper = 0;
    bool ascii = raw.size() <= sizeof(buf), all_digits = true, elongated = false;
    for (size_t k = 0; ascii && k < raw.size(); ++k) {
      auto d = static_cast<unsigned char>(raw[k]);
      if (d >= 0x80) { ascii = false; break; }
      if (IsAsciiAlpha(d)) {
        ++letters;
        all_digits = false;
        if (d < 'a') { ++upper; d += 32; }
        if (n >= 2 && buf[n - 1] == static_cast<char>(d) && buf[n - 2] == static_cast<char>(d)) {
          elongated = true;
          continue;
        }
      } else if (d == '\'') {
        all_digits = false;
        continue;
      } else if (!IsAsciiDigit(d) && d != '.' && d != ',') {
        all_digits = false;
      }
      buf[n++] = static_cast<char>(d);
    }
    if (kind == TokenKind::kWord && ascii && all_digits) {
      Emit(span_begin, e, TokenKind::kNumber, "<num>", 0);
      return;
    }
    bool negated_suffix = false;
    std::string_view normal;
    if (ascii) {
      normal = std::string_view(buf, n);
      negated_suffix = raw.size() > 3 && (raw.ends_with("n't") || raw.ends_with("N'T"));
    } else {
      NormalizeRare(raw, &letters, &upper, &elongated, &negated_suffix);
      normal = scratch_;
    }
    FinishWord(span_begin, e, kind, normal, letters, upper, elongated, negated_suffix, /*padded=*/ascii);
  }

  // The hottest path: a word of fewer than 8 ASCII letters and digits, with
  // no apostrophe and no letter three times in a row, classified 8 bytes at
  // a time without a loop. Returns its end, or 0 for ScanAsciiWord's loop.
  size_t ScanShortWord(size_t i) {
    if (i + 8 > text_.size()) return 0;
    constexpr uint64_t k01 = 0x0101010101010101ULL, k80 = 0x8080808080808080ULL, k7f = 0x7f7f7f7f7f7f7f7fULL;
    uint64_t x;
    std::memcpy(&x, text_.data() + i, 8);
    const uint64_t ascii = ~x & k80;
    const uint64_t y = x & k7f;  // no carries between bytes below
    const uint64_t folded = y | (0x20 * k01);
    const uint64_t letter = ((folded + (0x80 - 'a') * k01) & ~(folded + (0x7f - 'z') * k01)) & ascii & k80;
    const uint64_t digit = ((y + (0x80 - '0') * k01) & ~(y + (0x7f - '9') * k01)) & ascii & k80;
    const uint64_t stop = ~(letter | digit) & k80;
    if (stop == 0) return 0;  // 8 or more characters
    const int len = __builtin_ctzll(stop) / 8;
    const size_t j = i + static_cast<size_t>(len);
    const auto next = static_cast<unsigned char>(text_[j]);
    if (next == '\'' || next >= 0x80) return 0;
    const uint64_t in_word = (uint64_t{1} << (8 * len)) - 1;
    const uint64_t lower = x | (letter >> 2);  // bit 7 of a letter byte -> its 0x20
    // A letter equal to the two before it: rare, and the loop handles it.
    // False alarms from the zero-byte test only send a word to the loop.
    const uint64_t same = (lower ^ (lower << 8)) | (lower ^ (lower << 16));
    const uint64_t repeat = (same - k01) & ~same & letter & ~uint64_t{0xffff} & in_word;
    if (repeat != 0) return 0;
    char buf[16];
    std::memcpy(buf, &lower, 8);
    // Counts of flagged bytes by a multiply that sums them (no POPCNT in
    // baseline x86-64).
    auto count = [](uint64_t bits) { return static_cast<int>((((bits >> 7) & k01) * k01) >> 56); };
    const int letters = count(letter & in_word);
    const int upper = count(letter & ~(x << 2) & in_word);
    FinishWord(i, j, TokenKind::kWord, std::string_view(buf, static_cast<size_t>(len)), letters, upper,
               /*elongated=*/false, /*negated_suffix=*/false, /*padded=*/true);
    return j;
  }

  // The hot path: a word of ASCII letters, digits and inner apostrophes,
  // scanned and normalized in one pass. Returns its end, or 0 when the word
  // needs the general path (non-ASCII letters, very long).
  size_t ScanAsciiWord(size_t i) {
    if (const size_t end = ScanShortWord(i)) return end;
    char buf[48];
    size_t n = 0, j = i;
    int letters = 0, upper = 0;
    bool elongated = false, apostrophe = false;
    // The last two characters kept, in registers: a third repeat of a letter
    // is dropped ("sooo" -> "soo"). 0 is never a letter.
    unsigned prev1 = 0, prev2 = 0;
    const size_t size = text_.size();
    for (; j < size; ++j) {
      unsigned d = static_cast<unsigned char>(text_[j]);
      const unsigned lower = d | 0x20u;
      if (lower - 'a' < 26u) {
        ++letters;
        upper += d < 'a';
        d = lower;
        if ((d == prev1) & (d == prev2)) {
          elongated = true;
          continue;
        }
      } else if (d - '0' >= 10u) {
        if (d == '\'' && j + 1 < size && IsAsciiAlpha(static_cast<unsigned char>(text_[j + 1]))) {
          apostrophe = true;
          continue;
        }
        break;
      }
      if (n == sizeof(buf)) return 0;
      buf[n++] = static_cast<char>(d);
      prev2 = prev1;
      prev1 = d;
    }
    if (j < size && static_cast<unsigned char>(text_[j]) >= 0x80) {
      int len;
      const char32_t cp = utf8::Decode(text_, j, &len);
      if (IsWordCodepoint(cp) || IsApostrophe(cp)) return 0;
    }
    const std::string_view raw = text_.substr(i, j - i);
    // Only a word with an apostrophe can end in "n't".
    const bool negated_suffix = apostrophe && raw.size() > 3 && (raw.ends_with("n't") || raw.ends_with("N'T"));
    FinishWord(i, j, TokenKind::kWord, std::string_view(buf, n), letters, upper, elongated, negated_suffix,
               /*padded=*/true);
    return j;
  }

  // `padded`: see Emit.
  void FinishWord(size_t span_begin, size_t e, TokenKind kind, std::string_view normal, int letters, int upper,
                  bool elongated, bool negated_suffix, bool padded) {
    uint16_t flags = 0;
    if (elongated) flags |= kElongated;
    if (negated_suffix) flags |= kNegator | kSpelledNegator;
    if (letters >= 2 && upper == letters) flags |= kAllCaps;
    // "I'll", "we'll", "he'll" normalize to "ill", "well", "hell": the
    // apostrophe says they are a pronoun and "will", not those words.
    if (normal.ends_with("ll")) {
      const std::string_view raw = text_.substr(span_begin, e - span_begin);
      if (raw.ends_with("'ll") || raw.ends_with("'LL") || raw.ends_with("\xE2\x80\x99ll")) {
        flags |= kFunctionWord | kSpelledFunctionWord;
      }
    }
    Token& t = Emit(span_begin, e, kind, normal, flags, padded);
    letters_ += letters;
    upper_ += upper;
    if (elongated && !FindCue(language_, t.hash)) {
      // "sooo" is "so": look cues up with runs collapsed to one letter.
      std::string collapsed;
      for (char ch : normal) {
        if (collapsed.empty() || collapsed.back() != ch) collapsed.push_back(ch);
      }
      if (const Cue* cue = FindCue(language_, HashToken(collapsed))) {
        cue_override_.emplace_back(static_cast<uint32_t>(out_->tokens.size() - 1), cue);
      }
    }
  }

  // NFKC + case folding for a non-ASCII (or very long) word, into scratch_.
  // Most such words (French, German, Spanish, Arabic...) are of letters
  // FoldArabicWord or FoldCommonWord map without utf8proc, which was a tenth
  // of the time of scoring another language's text.
  void NormalizeRare(std::string_view raw, int* letters, int* upper, bool* elongated, bool* negated_suffix) {
    scratch_.clear();
    if (FoldArabicWord(raw, &scratch_, elongated)) {
      *letters = *upper = 0;  // uncased
      return;
    }
    thread_local std::string folded;
    folded.clear();
    utf8proc_uint8_t* mapped = nullptr;
    std::string_view m;
    bool mapped_ok = false;
    const bool counted = FoldCommonWord(raw, &folded, letters, upper);
    if (counted) {
      m = folded;
      mapped_ok = true;
    } else {
      const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()),
                                  static_cast<utf8proc_ssize_t>(raw.size()), &mapped,
                                  static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                                 UTF8PROC_COMPAT | UTF8PROC_CASEFOLD));
      if (n >= 0 && mapped != nullptr) {
        m = std::string_view(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
        mapped_ok = true;
      }
    }
    if (mapped_ok) {
      *negated_suffix = m.size() > 3 && (m.ends_with("n't") || m.ends_with("n\xE2\x80\x99t"));
      for (size_t k = 0; k < m.size();) {
        int len;
        const char32_t cp = utf8::Decode(m, k, &len);
        if (!IsApostrophe(cp)) scratch_.append(m.data() + k, len);
        k += len;
      }
    } else {
      scratch_.assign(raw);
    }
    std::free(mapped);
    if (!counted) CountCased(raw, letters, upper);
    size_t w = 0;
    for (size_t k = 0; k < scratch_.size(); ++k) {
      if (w >= 2 && scratch_[k] == scratch_[w - 1] && scratch_[k] == scratch_[w - 2] &&
          IsAsciiAlpha(static_cast<unsigned char>(scratch_[k]))) {
        *elongated = true;
        continue;
      }
      scratch_[w++] = scratch_[k];
    }
    scratch_.resize(w);
    if (FoldArabicSpelling(&scratch_)) *elongated = true;
  }

  // Adds a token and copies its normalized form after the others. The
  // buffer is kept 16 bytes longer than what it holds, and trimmed when the
  // scan ends. `padded`: `normal` points into a buffer of at least 16
  // readable bytes, so that a short form is copied as a fixed 16 bytes
  // instead of through memcpy's branches on its length.
  Token& Emit(size_t b, size_t e, TokenKind kind, std::string_view normal, uint16_t flags, bool padded = false) {
    std::string& norm = out_->normalized;
    const size_t len = normal.size();
    if (norm_end_ + len + 16 > norm.size()) norm.resize(2 * (norm_end_ + len + 16));
    char* dst = norm.data() + norm_end_;
    if (padded && len <= 16) {
      std::memcpy(dst, normal.data(), 16);
    } else {
      std::memcpy(dst, normal.data(), len);
    }
    Token t;
    t.begin = static_cast<uint32_t>(b);
    t.end = static_cast<uint32_t>(e);
    t.norm_begin = static_cast<uint32_t>(norm_end_);
    norm_end_ += len;
    t.norm_end = static_cast<uint32_t>(norm_end_);
    t.hash = HashToken(normal);
    t.kind = kind;
    t.flags = flags;
    out_->tokens.push_back(t);
    return out_->tokens.back();
  }

 public:
  int letters_ = 0;
  int upper_ = 0;

 private:
  TokenizedText* out_;
  size_t norm_end_ = 0;  // the end of what out_->normalized holds
  std::string_view text_;
  Language language_;
  std::string& scratch_;
  CueOverrides& cue_override_;
};

}  // namespace

void Tokenizer::Tokenize(std::string_view text, TokenizedText* out) {
  out->invalid_utf8_bytes = RepairUtf8(text, &out->text);
  DecodeEntities(&out->text);
  out->normalized.clear();
  out->tokens.clear();
  cue_overrides_.clear();
  Scanner scanner(out, language_, &scratch_, &cue_overrides_);
  scanner.Run();
  // A message written entirely in capitals is not emphasising any one word.
  out->all_caps_message = scanner.letters_ >= 6 && scanner.upper_ * 10 >= scanner.letters_ * 8;
  if (out->all_caps_message) {
    for (Token& t : out->tokens) t.flags &= ~kAllCaps;
  }
  MarkCues(out, language_, cue_overrides_, &cue_scratch_);
}

// What MarkCues may set.
constexpr uint16_t kCueMarks = kNegated | kBeforeContrast | kAfterContrast | kNegator | kIntensifier | kSoftener |
                               kContrastCue | kFunctionWord;

void Tokenizer::Recue(const TokenizedText& from, TokenizedText* out) {
  out->text = from.text;
  out->normalized = from.normalized;
  out->tokens = from.tokens;
  out->invalid_utf8_bytes = from.invalid_utf8_bytes;
  out->all_caps_message = from.all_caps_message;
  cue_overrides_.clear();
  for (size_t i = 0; i < out->tokens.size(); ++i) {
    Token& t = out->tokens[i];
    // The flags as the scan left them: without what the cue words marked,
    // with what the spelling said.
    t.flags &= static_cast<uint16_t>(~kCueMarks);
    if (t.Has(kSpelledNegator)) t.flags |= kNegator;
    if (t.Has(kSpelledFunctionWord)) t.flags |= kFunctionWord;
    t.emphasis = 1.0f;
    // As the scan does (FinishWord): "sooo" is "so" in this language too.
    if (t.Has(kElongated) && !FindCue(language_, t.hash)) {
      const std::string_view normal = from.Normalized(t);
      std::string collapsed;
      for (char ch : normal) {
        if (collapsed.empty() || collapsed.back() != ch) collapsed.push_back(ch);
      }
      if (const Cue* cue = FindCue(language_, HashToken(collapsed))) {
        cue_overrides_.emplace_back(static_cast<uint32_t>(i), cue);
      }
    }
  }
  MarkCues(out, language_, cue_overrides_, &cue_scratch_);
}

}  // namespace convsent
