// The text pipeline: UTF-8 repair, normalization, tokens and the cues that
// change what a word means in context (negation, contrast, emphasis).
//
// Tokenize() turns a message into Tokens whose spans point into
// TokenizedText::text (the input after UTF-8 repair) and whose normalized
// forms point into TokenizedText::normalized. A Tokenizer and a TokenizedText
// are meant to be reused across messages: after warm-up, tokenizing allocates
// nothing.
//
// Thread safety: a Tokenizer is stateless apart from scratch buffers, so use
// one per thread. The cue tables it reads are immutable.
#ifndef CONVSENT_TEXT_H_
#define CONVSENT_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convsent/language.h"

namespace convsent {

// Bumped whenever tokens, normalization or cue marking change: it is written
// into model files, because a model only makes sense with the tokenizer it
// was trained with.
inline constexpr uint32_t kTokenizerVersion = 2;
// Version 1 read Arabic words as spelled; 2 folds their spelling
// (FoldArabicSpelling). Nothing else differs, so files of version 1 are
// still read: only an Arabic model among them loses the weights of the
// spellings folded away.
inline constexpr uint32_t kOldestTokenizerVersionRead = 1;

enum class TokenKind : uint8_t {
  kWord,
  kNumber,
  kEmoji,     // a whole emoji sequence: ZWJ joins, skin tones, VS16, flags
  kEmoticon,  // :) :-( xD </3 ^_^ ...
  kUrl,
  kMention,   // @user
  kHashtag,   // #word (normalized without '#': the word also counts)
  kPunct,     // clause punctuation; runs of ! and ? are one token
};

// Flags on a token. Cue flags are set by the tokenizer after the scan.
enum TokenFlag : uint16_t {
  kAllCaps = 1 << 0,          // SHOUTED while the message is not all caps
  kElongated = 1 << 1,        // a letter repeated 3+ times (sooo)
  kNegated = 1 << 2,          // inside a negation scope
  kBeforeContrast = 1 << 3,   // in a clause that a "but" later overrides
  kAfterContrast = 1 << 4,    // in the clause after "but"/"however"
  kNegator = 1 << 5,          // the token is itself a negation cue
  kIntensifier = 1 << 6,      // very, really, so ...
  kSoftener = 1 << 7,         // slightly, kind of, a bit ...
  kContrastCue = 1 << 8,      // but, however, although ...
  kClauseEnd = 1 << 9,        // punctuation that ends a negation scope
  kExclamation = 1 << 10,     // punctuation containing '!'
  kQuestion = 1 << 11,        // punctuation containing '?'
  kSentenceEnd = 1 << 12,     // . ... ! ? : ends the sentence a contrast reaches over
  kFunctionWord = 1 << 13,    // the, you, is, for, hi: grammar or greeting, not a reason
  // What the spelling says in any language, beside the two flags above
  // that cue words set too, so Tokenizer::Recue can tell them apart:
  kSpelledNegator = 1 << 14,      // "don't": "n't" on the word itself
  kSpelledFunctionWord = 1 << 15,  // "I'll": a pronoun and "will", not "ill"
};

struct Token {
  uint32_t begin = 0;       // byte span in TokenizedText::text
  uint32_t end = 0;
  uint32_t norm_begin = 0;  // byte span in TokenizedText::normalized
  uint32_t norm_end = 0;
  uint64_t hash = 0;        // HashToken(normalized form)
  TokenKind kind = TokenKind::kWord;
  uint8_t repeat = 1;       // for punctuation runs: how many ! or ? (capped at 255)
  uint16_t flags = 0;
  // Scale from intensifiers/softeners just before this token (1 = none).
  float emphasis = 1.0f;

  bool Has(TokenFlag f) const { return (flags & f) != 0; }
};

struct TokenizedText {
  std::string text;        // the input, with invalid UTF-8 replaced by U+FFFD
  std::string normalized;  // normalized forms of all tokens, back to back
  std::vector<Token> tokens;
  uint32_t invalid_utf8_bytes = 0;  // how many bytes the repair replaced
  bool all_caps_message = false;    // whole message shouted: CAPS is not emphasis

  std::string_view Original(const Token& t) const {
    return std::string_view(text).substr(t.begin, t.end - t.begin);
  }
  std::string_view Normalized(const Token& t) const {
    return std::string_view(normalized).substr(t.norm_begin, t.norm_end - t.norm_begin);
  }
};

// The hash of a normalized token. It is part of the model file format
// (kHashVersion): features are looked up by it, so it must never change
// without a new version. XXH3-64 with a fixed seed.
inline constexpr uint32_t kHashVersion = 1;
uint64_t HashToken(std::string_view normalized);

// Replaces invalid UTF-8 (bad lead bytes, truncated or overlong sequences,
// surrogates) with U+FFFD. Returns how many input bytes were replaced.
uint32_t RepairUtf8(std::string_view in, std::string* out);

struct Cue;  // a negation, emphasis or contrast cue (src/text/cues.h)

class Tokenizer {
 public:
  // Reads cue words (negators, intensifiers, contrast, function words) of
  // `language`; kUnd reads them as English.
  explicit Tokenizer(Language language = Language::kEnglish) : language_(language) {}
  Language language() const { return language_; }

  // Tokenizes `text` into `out`, reusing its buffers.
  void Tokenize(std::string_view text, TokenizedText* out);

  // `from`, tokenized in another language, read with this language's cue
  // words: the same as tokenizing its text again, since only the cues
  // depend on the language (repair, spans and normal forms do not), at the
  // cost of a copy.
  void Recue(const TokenizedText& from, TokenizedText* out);

 private:
  Language language_;
  // Scratch buffers kept across calls so that tokenizing does not allocate.
  std::string scratch_;
  std::vector<const Cue*> cue_scratch_;
  std::vector<std::pair<uint32_t, const Cue*>> cue_overrides_;
};

}  // namespace convsent

#endif  // CONVSENT_TEXT_H_
