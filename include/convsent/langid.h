// Which language a message is written in.
//
// A naive Bayes model over each word and its character 3-4-grams (by code
// point, so Arabic and Devanagari count letters, not bytes), trained here
// from the UMSAB tweets of the eight languages and English support dialogue
// (convsent train --for langid; docs/languages.md). Arabic and Devanagari
// script decide by themselves. English wins unless another language is
// clearly ahead, because a support conversation in English is full of short
// messages another language could also explain ("ok", "si", "no problem").
// Text with too little to go on is "und"; so is text whose words none of
// the languages explains well (a language not scored).
//
// The file is versioned like a model file (magic, format version, a content
// hash over everything) and embedded in the binary.
//
// Thread safety: immutable after loading; Identify() may be called from any
// thread.
#ifndef CONVSENT_LANGID_H_
#define CONVSENT_LANGID_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/language.h"
#include "convsent/status.h"
#include "convsent/text.h"

namespace convsent {

// 3: words alone may decide any language (other_word_margin); 2: character
// 3-4-grams (1: 1-4).
inline constexpr uint32_t kLangIdFormatVersion = 3;

struct LanguageGuess {
  Language language = Language::kUnd;
  // How far the language is ahead of the runner-up, per feature (nats);
  // 0 for und, large for a script only one language uses.
  float margin = 0;
  // The chosen language's cost per feature (nats): how well it explains
  // the text at all. 0 where a script decided or nothing was read.
  float mean_cost = 0;
};

struct LangIdParams {
  // A language other than English needs this much lower cost per feature
  // than English to be chosen over it.
  float english_margin = 0.1f;
  // Above this mean cost per feature (nats) no language explains the text
  // well enough: und. Chosen on dev: what 99.5 % of the dev texts told
  // right stay under.
  float max_mean_cost = 100.0f;
  // Fewer letters than this in words: und.
  uint32_t min_letters = 4;
  // Words alone decide English when English is this far ahead of every
  // other language, in all (nats); the rest also read character grams.
  // Chosen on dev: as accurate as reading the grams of every text.
  float word_margin = 1e9f;
  // Words alone decide another language when it is this far ahead of every
  // other, English included, in all (nats), and there are two words or
  // more. Chosen on dev like word_margin.
  float other_word_margin = 1e9f;
  // Text in ASCII of which at least this share of words (and two) are
  // English grammar words ("the", "you", "is") is English without a
  // lookup. Chosen on dev like word_margin.
  float function_word_share = 2.0f;
};

class LanguageIdentifier {
 public:
  static Result<std::shared_ptr<const LanguageIdentifier>> FromBytes(std::string_view bytes);
  static Result<std::shared_ptr<const LanguageIdentifier>> Load(const std::string& path);
  // The identifier compiled into this binary.
  static Result<std::shared_ptr<const LanguageIdentifier>> Embedded();

  // The language of a message, from its tokens (any tokenizer language:
  // only normalized word forms are read).
  LanguageGuess Identify(const TokenizedText& tokens) const;
  // Same, tokenizing `text` first.
  LanguageGuess Identify(std::string_view text) const;

  const std::vector<Language>& languages() const { return languages_; }
  const LangIdParams& params() const { return params_; }
  uint64_t content_hash() const { return content_hash_; }

  // Serializes tables of costs (see src/model/langid.cc): for trainers.
  struct Tables {
    std::vector<Language> languages;
    uint32_t bucket_bits = 0;
    float cost_scale = 8;         // units per nat
    std::vector<uint8_t> costs;   // buckets x languages
    LangIdParams params;
  };
  static std::string Serialize(const Tables& tables);
  // The feature keys of one normalized word: the word, then its character
  // 3-4-grams (trainer and identifier share them).
  static void WordFeatures(std::string_view word, std::vector<uint64_t>* keys);
  // Same, with the word's HashToken (a Token's hash) already known.
  static void WordFeatures(std::string_view word, uint64_t word_hash, std::vector<uint64_t>* keys);
  static uint64_t WordKey(uint64_t word_hash);

  explicit LanguageIdentifier(Tables tables, uint64_t content_hash);

 private:
  struct Word {
    std::string_view text;  // normalized
    uint64_t hash;          // HashToken(text)
  };
  // The steps that read the table: the words' rows, then their grams.
  // Apart from Identify's first pass, which decides most English text
  // without them.
  LanguageGuess FromRows(const std::vector<Word>& words) const;

  std::vector<Language> languages_;
  uint32_t bucket_mask_ = 0;
  float cost_scale_ = 8;
  std::vector<uint8_t> costs_;
  LangIdParams params_;
  uint64_t content_hash_ = 0;
  size_t english_ = 0;  // English's index in languages_, or their count
};

}  // namespace convsent

#endif  // CONVSENT_LANGID_H_
