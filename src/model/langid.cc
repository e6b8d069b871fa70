#include "convsent/langid.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/gram_key.h"
#include "text/utf8.h"
#include "util/raw_bytes.h"

// The identifier, linked in by embed.S (models/convsent-langid.cvsl).
extern "C" const char convsent_embedded_langid[];
extern "C" const char convsent_embedded_langid_end[];

namespace convsent {
namespace {

// File layout (little-endian), format kLangIdFormatVersion:
//   0  "CVSLANGI"         magic
//   8  u32 format_version  12 u32 tokenizer_version  16 u32 bucket_bits  20 u32 num_languages
//   24 f32 cost_scale      28 f32 english_margin     32 f32 max_mean_cost  36 u32 min_letters
//   40 u64 content_hash    XXH3-64 of the 40 bytes before it and every byte after it
//   48 u8 languages[16]    Language numbers, unused ones 0
//   64 f32 word_margin     68 f32 function_word_share  72 f32 other_word_margin  76 u32 0
//   80 u8 costs[2^bucket_bits][num_languages]: -log P(feature | language), in
//      1/cost_scale nats above the table's smallest
constexpr char kLangIdMagic[8] = {'C', 'V', 'S', 'L', 'A', 'N', 'G', 'I'};
constexpr size_t kLangIdHeaderBytes = 80;
constexpr size_t kHashOffset = 40;
constexpr size_t kMaxLanguages = 16;
// Long texts say their language in their first words; the rest is not read.
constexpr int kMaxWords = 48;

constexpr uint64_t kWordSalt = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kGramSalt = 0xc2b2ae3d27d4eb4fULL;

bool InRange(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }
bool IsArabicScript(char32_t c) {
  return InRange(c, 0x0600, 0x06FF) || InRange(c, 0x0750, 0x077F) || InRange(c, 0xFB50, 0xFDFF) ||
         InRange(c, 0xFE70, 0xFEFF);
}
bool IsDevanagari(char32_t c) { return InRange(c, 0x0900, 0x097F); }

bool IsAscii(std::string_view s) { return utf8::AsciiRunEnd(s, 0) == s.size(); }

uint64_t HashOf(std::string_view bytes) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, bytes.data(), kHashOffset);
  XXH3_64bits_update(state, bytes.data() + kHashOffset + 8, bytes.size() - kHashOffset - 8);
  const uint64_t hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return hash;
}

// The last words each thread read in full (every gram), with their costs
// summed: a word's sums depend on the word alone, and words come back from
// text to text, so a word read again costs one lookup here instead of its
// dozen grams. The sums are the same, so are the guesses.
struct WordCostCache {
  static constexpr size_t kSize = 4096;  // 192 KB a thread
  struct Entry {
    uint64_t word_hash = 0;
    uint16_t features = 0;  // 0: empty (a word has at least itself)
    uint16_t costs[kMaxLanguages];  // at most 133 features of 255 each
  };
  uint64_t table = 0;  // the content hash of the identifier the entries are from
  std::vector<Entry> entries = std::vector<Entry>(kSize);
};

// The costs of rows of eight languages (the shipped identifier's), summed
// eight at a time: each row is one load, its bytes added in 16-bit lanes,
// languages 0, 2, 4, 6 in `even` and 1, 3, 5, 7 in `odd`. A scalar add per
// language kept fewer rows' cache misses in flight. The lanes hold at most
// 255 times the rows added: a word's grams (at most 133) or the words of a
// text (at most kMaxWords).
struct EightSums {
  static constexpr uint64_t kLanes = 0x00FF00FF00FF00FFULL;
  uint64_t even = 0, odd = 0;
  void Add(const uint8_t* row) {
    uint64_t r;
    std::memcpy(&r, row, 8);
    even += r & kLanes;
    odd += (r >> 8) & kLanes;
  }
  uint32_t operator[](size_t l) const { return ((l & 1 ? odd : even) >> (16 * (l >> 1))) & 0xFFFF; }
};

static_assert(kMaxWords * 255 < 65536, "a text's word sums must fit EightSums' lanes");

WordCostCache& WordCostsFor(uint64_t table) {
  thread_local WordCostCache cache;
  if (cache.table != table) {
    std::fill(cache.entries.begin(), cache.entries.end(), WordCostCache::Entry{});
    cache.table = table;
  }
  return cache;
}

}  // namespace

uint64_t LanguageIdentifier::WordKey(uint64_t word_hash) { return MixKey(word_hash ^ kWordSalt); }

void LanguageIdentifier::WordFeatures(std::string_view word, std::vector<uint64_t>* keys) {
  WordFeatures(word, HashToken(word), keys);
}

void LanguageIdentifier::WordFeatures(std::string_view word, uint64_t word_hash, std::vector<uint64_t>* keys) {
  keys->push_back(WordKey(word_hash));
  // "<word>", split at code points: grams of 3 and 4 letters, the edges
  // marking where a word starts and ends ("<th", "ión>"). With 1- and
  // 2-grams too, dev accuracy was no better (0.969 against 0.970) and a
  // text cost twice the lookups.
  // A very long word: the word alone.
  ForEachGram(word, [&](const char* gram, size_t bytes, size_t g) { keys->push_back(GramKey(gram, bytes, kGramSalt + g)); });
}

LanguageIdentifier::LanguageIdentifier(Tables tables, uint64_t content_hash)
    : languages_(std::move(tables.languages)),
      bucket_mask_((1u << tables.bucket_bits) - 1),
      cost_scale_(tables.cost_scale),
      costs_(std::move(tables.costs)),
      params_(tables.params),
      content_hash_(content_hash) {
  english_ = static_cast<size_t>(std::find(languages_.begin(), languages_.end(), Language::kEnglish) - languages_.begin());
}

std::string LanguageIdentifier::Serialize(const Tables& t) {
  std::string out(kLangIdMagic, sizeof(kLangIdMagic));
  PutRaw(&out, kLangIdFormatVersion);
  PutRaw(&out, kTokenizerVersion);
  PutRaw(&out, t.bucket_bits);
  PutRaw(&out, static_cast<uint32_t>(t.languages.size()));
  PutRaw(&out, t.cost_scale);
  PutRaw(&out, t.params.english_margin);
  PutRaw(&out, t.params.max_mean_cost);
  PutRaw(&out, t.params.min_letters);
  PutRaw(&out, uint64_t{0});
  for (size_t i = 0; i < kMaxLanguages; ++i) {
    out.push_back(static_cast<char>(i < t.languages.size() ? static_cast<uint8_t>(t.languages[i]) : 0));
  }
  PutRaw(&out, t.params.word_margin);
  PutRaw(&out, t.params.function_word_share);
  PutRaw(&out, t.params.other_word_margin);
  PutRaw(&out, uint32_t{0});
  out.append(reinterpret_cast<const char*>(t.costs.data()), t.costs.size());
  const uint64_t hash = HashOf(out);
  std::memcpy(out.data() + kHashOffset, &hash, sizeof(hash));
  return out;
}

Result<std::shared_ptr<const LanguageIdentifier>> LanguageIdentifier::FromBytes(std::string_view bytes) {
  if (bytes.size() < kLangIdHeaderBytes || std::memcmp(bytes.data(), kLangIdMagic, sizeof(kLangIdMagic)) != 0) {
    return Status::InvalidArgument("not a convsent language identifier (bad magic)");
  }
  const auto format = GetRaw<uint32_t>(bytes, 8);
  if (format != kLangIdFormatVersion) {
    return Status::InvalidArgument("language identifier format " + std::to_string(format) +
                                   " is not supported (this build reads " + std::to_string(kLangIdFormatVersion) + ")");
  }
  if (GetRaw<uint32_t>(bytes, 12) != kTokenizerVersion) {
    return Status::InvalidArgument("language identifier was made with another tokenizer version");
  }
  Tables t;
  t.bucket_bits = GetRaw<uint32_t>(bytes, 16);
  const auto num_languages = GetRaw<uint32_t>(bytes, 20);
  if (t.bucket_bits < 8 || t.bucket_bits > 24 || num_languages == 0 || num_languages > kMaxLanguages) {
    return Status::InvalidArgument("language identifier header out of range");
  }
  t.cost_scale = GetRaw<float>(bytes, 24);
  t.params.english_margin = GetRaw<float>(bytes, 28);
  t.params.max_mean_cost = GetRaw<float>(bytes, 32);
  t.params.min_letters = GetRaw<uint32_t>(bytes, 36);
  t.params.word_margin = GetRaw<float>(bytes, 64);
  t.params.function_word_share = GetRaw<float>(bytes, 68);
  t.params.other_word_margin = GetRaw<float>(bytes, 72);
  if (!(t.cost_scale > 0)) return Status::InvalidArgument("language identifier cost scale out of range");
  const size_t table = (size_t{1} << t.bucket_bits) * num_languages;
  if (bytes.size() != kLangIdHeaderBytes + table) {
    return Status::InvalidArgument("language identifier is " + std::to_string(bytes.size()) + " bytes, expected " +
                                   std::to_string(kLangIdHeaderBytes + table) + " (truncated or padded)");
  }
  const uint64_t hash = GetRaw<uint64_t>(bytes, kHashOffset);
  if (hash != HashOf(bytes)) return Status::InvalidArgument("language identifier content hash mismatch (corrupted)");
  for (uint32_t i = 0; i < num_languages; ++i) {
    const auto code = static_cast<uint8_t>(bytes[48 + i]);
    if (code == 0 || code >= kNumLanguages) return Status::InvalidArgument("language identifier names an unknown language");
    t.languages.push_back(static_cast<Language>(code));
  }
  t.costs.assign(bytes.begin() + kLangIdHeaderBytes, bytes.end());
  return std::make_shared<const LanguageIdentifier>(std::move(t), hash);
}

Result<std::shared_ptr<const LanguageIdentifier>> LanguageIdentifier::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open language identifier " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto id = FromBytes(ss.str());
  if (!id.ok()) return Status::InvalidArgument(path + ": " + id.status().message());
  return id;
}

Result<std::shared_ptr<const LanguageIdentifier>> LanguageIdentifier::Embedded() {
  static const auto* embedded = new Result<std::shared_ptr<const LanguageIdentifier>>(FromBytes(
      std::string_view(convsent_embedded_langid,
                       static_cast<size_t>(convsent_embedded_langid_end - convsent_embedded_langid))));
  return *embedded;
}

LanguageGuess LanguageIdentifier::Identify(std::string_view text) const {
  thread_local Tokenizer tokenizer;
  thread_local TokenizedText tokens;
  tokenizer.Tokenize(text, &tokens);
  return Identify(tokens);
}

LanguageGuess LanguageIdentifier::Identify(const TokenizedText& text) const {
  thread_local std::vector<Word> words;
  words.clear();
  const size_t num = languages_.size();
  const bool ascii_text = IsAscii(text.text);
  // One pass over the tokens: the words (the first kMaxWords), how many are
  // English grammar words ("the", "you", "is", as the English tokenizer
  // marked them), whether any of the first kMaxWords is written in more
  // than ASCII letters, and the letters of each script in those.
  uint32_t all = 0, function_words = 0, letters = 0, arabic = 0, devanagari = 0;
  bool ascii_words = ascii_text;
  for (const Token& t : text.tokens) {
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kHashtag) continue;
    ++all;
    function_words += t.Has(kFunctionWord);
    if (words.size() == kMaxWords) continue;
    const std::string_view word = text.Normalized(t);
    words.push_back({word, t.hash});
    if (ascii_text) {
      // No script to tell: the letters matter only up to min_letters.
      if (letters < params_.min_letters) {
        for (char ch : word) letters += ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
      }
      continue;
    }
    if (IsAscii(word)) {
      // Latin letters (a word's bytes, near enough) weigh against a script.
      letters += static_cast<uint32_t>(word.size());
      continue;
    }
    ascii_words = false;
    for (size_t i = 0; i < word.size();) {
      int len;
      const char32_t c = utf8::Decode(word, i, &len);
      i += static_cast<size_t>(len);
      if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) continue;  // digits, marks
      ++letters;
      arabic += IsArabicScript(c);
      devanagari += IsDevanagari(c);
    }
  }
  // Plain English, most of what support teams read, shows in its grammar
  // words and words of ASCII letters alone (emoji and curly quotes around
  // them say nothing of the language): no lookup at all.
  if (english_ < num && ascii_words && all >= 2 && function_words >= 1 &&
      static_cast<float>(function_words) >= params_.function_word_share * static_cast<float>(all)) {
    return {Language::kEnglish, 0.0f, 0.0f};
  }
  auto only = [&](Language language) -> LanguageGuess {
    if (std::find(languages_.begin(), languages_.end(), language) == languages_.end()) return {};
    return {language, 10.0f};
  };
  // A script only one of the languages uses decides alone.
  if (letters > 0 && arabic * 2 >= letters) return only(Language::kArabic);
  if (letters > 0 && devanagari * 2 >= letters) return only(Language::kHindi);
  if (letters < params_.min_letters || words.empty()) return {};
  return FromRows(words);
}

// Out of line, so that the first pass around it stays small.
[[gnu::noinline]] LanguageGuess LanguageIdentifier::FromRows(const std::vector<Word>& words) const {
  thread_local std::vector<uint64_t> keys;
  keys.clear();
  const size_t num = languages_.size();
  uint32_t sums[kMaxLanguages] = {};
  // Adds the rows of `keys` to `out`.
  auto add_rows = [&](const std::vector<uint64_t>& row_keys, uint32_t* out) {
    auto row_of = [&](uint64_t key) { return costs_.data() + (key & bucket_mask_) * num; };
    if (num == 8) {
      EightSums eight;
      // The rows asked for first, then summed: their cache misses overlap.
      for (uint64_t key : row_keys) __builtin_prefetch(row_of(key));
      for (uint64_t key : row_keys) eight.Add(row_of(key));
      for (size_t l = 0; l < num; ++l) out[l] += eight[l];
    } else {
      for (uint64_t key : row_keys) {
        const uint8_t* row = row_of(key);
        for (size_t l = 0; l < num; ++l) out[l] += row[l];
      }
    }
  };
  // First the words alone, one lookup each: text that is plainly in one
  // language (most of all English, most of what support teams read) is
  // decided there.
  for (const Word& w : words) keys.push_back(WordKey(w.hash));
  add_rows(keys, sums);
  {
    size_t lead = 0;
    uint32_t others = UINT32_MAX;  // the runner-up's sum
    for (size_t l = 1; l < num; ++l) {
      if (sums[l] < sums[lead]) {
        others = sums[lead], lead = l;
      } else {
        others = std::min(others, sums[l]);
      }
    }
    // In all, not per word: names and hashtags, which no language knows,
    // dilute a mean but not the evidence of the words a language knows.
    const float ahead = static_cast<float>(others - sums[lead]) / cost_scale_;
    if (lead == english_ ? ahead >= params_.word_margin
                         : words.size() >= 2 && ahead >= params_.other_word_margin &&
                               // English keeps its head start, per word as the grams give it per feature
                               (english_ >= num ||
                                static_cast<float>(sums[english_] - sums[lead]) / cost_scale_ >=
                                    params_.english_margin * static_cast<float>(words.size()))) {
      return {languages_[lead], ahead,
              static_cast<float>(sums[lead]) / (cost_scale_ * static_cast<float>(words.size()))};
    }
  }
  std::fill(sums, sums + num, 0u);
  size_t features = 0;
  WordCostCache& cache = WordCostsFor(content_hash_);
  for (const Word& w : words) {
    WordCostCache::Entry& e = cache.entries[w.hash & (WordCostCache::kSize - 1)];
    if (e.features == 0 || e.word_hash != w.hash) {
      keys.clear();
      WordFeatures(w.text, w.hash, &keys);
      uint32_t word_sums[kMaxLanguages] = {};
      add_rows(keys, word_sums);
      e.word_hash = w.hash;
      e.features = static_cast<uint16_t>(keys.size());
      for (size_t l = 0; l < num; ++l) e.costs[l] = static_cast<uint16_t>(word_sums[l]);
    }
    for (size_t l = 0; l < num; ++l) sums[l] += e.costs[l];
    features += e.features;
  }
  size_t best = 0, second = num > 1 ? 1 : 0;
  for (size_t l = 0; l < num; ++l) {
    if (sums[l] < sums[best]) best = l;
  }
  for (size_t l = 0; l < num; ++l) {
    if (l != best && (second == best || sums[l] < sums[second])) second = l;
  }
  const float per_feature = 1.0f / (cost_scale_ * static_cast<float>(features));
  // English unless another language is clearly ahead of it.
  if (english_ < num && english_ != best &&
      static_cast<float>(sums[english_] - sums[best]) * per_feature < params_.english_margin) {
    second = best, best = english_;
  }
  const float mean_cost = static_cast<float>(sums[best]) * per_feature;
  if (mean_cost > params_.max_mean_cost) return {Language::kUnd, 0.0f, mean_cost};
  // One word is too little to call a language other than English ("fine"
  // is Italian too): und, and a conversation's other messages decide
  // (ScoreConversation).
  if (words.size() < 2 && best != english_) return {Language::kUnd, 0.0f, mean_cost};
  const float margin = static_cast<float>(static_cast<int64_t>(sums[second]) - sums[best]) * per_feature;
  return {languages_[best], std::max(margin, 0.0f), mean_cost};
}

}  // namespace convsent
