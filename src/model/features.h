// Feature extraction: the one place that turns a tokenized message into what
// the model weighs. Training and scoring both call it, so the two can never
// disagree about what a feature is.
//
// Sparse features are hashed into buckets: word unigrams (marked when inside
// a negation scope), bigrams, and optionally character n-grams that make
// typos land near the intended word. Dense features summarize the valence
// lexicon after the cues (negation, contrast, emphasis) and the message's
// punctuation and shape.
#ifndef CONVSENT_SRC_MODEL_FEATURES_H_
#define CONVSENT_SRC_MODEL_FEATURES_H_

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "convsent/scorer.h"
#include "convsent/text.h"
#include "model/lexicon.h"

namespace convsent {

enum DenseFeature : int {
  kLexPositive = 0,     // log1p(sum of positive adjusted valence / 2)
  kLexNegative,         // log1p(sum of |negative| adjusted valence / 2)
  kLexCompound,         // VADER-style normalized sum, in (-1, 1)
  kLexMaxPositive,      // strongest positive word / 4
  kLexMaxNegative,      // strongest negative word / 4
  kNegatedPositive,     // positive words under negation ("not good")
  kNegatedNegative,     // negative words under negation ("not bad")
  kHasExclamation,
  kMultiExclamation,
  kHasQuestion,
  kAllCapsMessage,
  kCapsWord,
  kElongatedWord,
  kHasUrl,
  kHasMention,
  kShortMessage,        // at most 3 tokens
  kLongMessage,         // more than 25 tokens
  // The conversation around the message (kDialogueContext; all 0 for a lone
  // message). What the other party did in the turn this one answers, and
  // what the speaker said before: features of acts, not of the other
  // party's words, whose bags let a model memorise dialogues (docs/scorer.md).
  kCtxReply,            // the message follows another party's turn
  kCtxReplyPositive,    // that turn's positive lexicon sum (damped)
  kCtxReplyNegative,    // its negative sum: an apology, "unfortunately"
  kCtxReplyNegator,     // it holds a negation: a refusal, "there are no..."
  kCtxReplyQuestion,    // it asked something
  kCtxOwnPrevious,      // the speaker wrote before in this conversation
  kCtxOwnCompound,      // the lexicon compound of the speaker's previous turn
  kCtxRepeat,           // share of this turn's content words the speaker wrote just before
  kCtxNegatorAfterNegator,  // this turn and the one it answers both hold a negation ("No, I said 16:45")
  kNumDenseFeatures,
};
// The first dense features come from the lexicon; explanations spread their
// weight over the tokens that fed them.
inline constexpr int kNumLexiconDense = kNegatedNegative + 1;

// An explanation names a token only when it moved the score by at least
// half a nat between positive and negative (their odds by a factor of
// 1.65). Weaker pushes are the spread a linear model puts on every word
// ("account", "ship", "Canada"). On the dev splits of uss_multiwoz and
// tweeteval, of the top-3 reasons listed, 34 % and 44 % named a lexicon
// word or an emoji without the floor (and phrases), 58 % and 67 % with
// them, and 94 % and 96 % of the messages called negative or positive keep
// a reason toward their label (docs/scorer.md, "Scoring and explanation").
// A label no word carries alone lists none. The scorer's explanations and
// the trainer's guessed weights (train/word_vectors.cc) both hold to it.
inline constexpr float kMinReasonPush = 0.5f;

// Feature switches stored in the model header.
enum FeatureFlag : uint32_t {
  kCharNgrams = 1u << 0,
  kLengthNormalize = 1u << 1,  // scale sparse values by 1/sqrt(tokens)
  // Function words and punctuation have no unigram of their own: they count
  // only in bigrams ("can you", "thanks !"), so no weight sits on "the" or "?".
  kFunctionWordContext = 1u << 2,
  // The kCtx* dense features are made when a message comes with its
  // conversation; a model without the flag never weighs them.
  kDialogueContext = 1u << 3,
  // Character grams keyed by their bytes (GramKey, model/gram_key.h), not
  // by a string hash of each: 3 % less time a message in the other
  // languages. Models made before it have kCharNgrams alone and keep their
  // keys.
  kPackedCharGrams = 1u << 4,
  // Character 4-grams alone, without the 3-grams: half the grams to look up,
  // and over six training seeds a mean dev macro-F1 of the seven other
  // languages 0.5797 -> 0.5815 (docs/languages.md).
  kCharFourGramsOnly = 1u << 5,
};
inline constexpr uint32_t kKnownFeatureFlags =
    kCharNgrams | kLengthNormalize | kFunctionWordContext | kDialogueContext | kPackedCharGrams | kCharFourGramsOnly;
// Dense features of models trained before the dialogue features; their
// files hold this many rows and the rest weigh nothing.
inline constexpr int kNumDenseBeforeContext = kCtxReply;

// A token that is grammar, a greeting or punctuation: never a reason by itself.
inline bool IsContextToken(const Token& t) { return t.Has(kFunctionWord) || t.kind == TokenKind::kPunct; }

// Where a feature key lands: its bucket, and a 16-bit check that tells the
// bucket's owner (the feature it was trained for) from keys that merely
// collide with it. Check 0 is reserved for "no owner".
struct FeatureSlot {
  uint32_t bucket;
  uint16_t check;
};
inline FeatureSlot SlotOf(uint64_t key, uint32_t mask) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  const auto check = static_cast<uint16_t>(key >> 48);
  return {static_cast<uint32_t>(key) & mask, static_cast<uint16_t>(check ? check : 1)};
}

struct SparseFeature {
  uint32_t bucket;
  float value;
  uint16_t check;
  uint16_t token;   // which token it came from (for explanations)
  uint16_t token2;  // a bigram's other token, or the same token
};

struct FeatureVector {
  std::vector<SparseFeature> sparse;
  std::array<float, kNumDenseFeatures> dense{};
  // Per lexicon dense feature, each token's share of its value. Only filled
  // when Extract() is asked for shares (explanations need them, scores not).
  std::vector<std::array<float, kNumLexiconDense>> token_lexicon;
  // What a later turn may use of this one.
  TurnSummary summary;
};

// The kCtx* features of a message whose own summary is `self`, in
// `context`: written into dense[kCtxReply...]. The rest of a message's
// features do not depend on its context, so a score made without it can
// take it in afterwards (Scorer::AddContext).
void ContextFeatures(const TurnSummary& self, const TurnContext& context, float* dense);

class FeatureExtractor {
 public:
  // `prefetch_rows`, when given, is the weight table (4 int16 per bucket):
  // each feature's row is prefetched as soon as the feature is made, so that
  // its cache miss overlaps with the rest of the extraction.
  // `language` picks the cue words the tokenizer reads.
  FeatureExtractor(const Lexicon* lexicon, uint32_t bucket_mask, uint32_t feature_flags,
                   const int16_t* prefetch_rows = nullptr, Language language = Language::kEnglish)
      : lexicon_(lexicon),
        bucket_mask_(bucket_mask),
        flags_(feature_flags),
        prefetch_rows_(prefetch_rows),
        tokenizer_(language) {}

  // Tokenizes `text` and fills `out` (the kCtx* features stay 0). Reuses
  // all buffers. `with_shares` also fills out->token_lexicon, for
  // explanations.
  void Extract(std::string_view text, FeatureVector* out, bool with_shares = false);
  // The same in two steps, so that the tokens can be read (for the
  // message's language) before any feature is made.
  void Tokenize(std::string_view text) { tokenizer_.Tokenize(text, &tokens_); }
  // Takes tokens another language's extractor read, with this one's cue words.
  void Recue(const TokenizedText& tokens) { tokenizer_.Recue(tokens, &tokens_); }
  void ExtractTokens(FeatureVector* out, bool with_shares = false);
  const TokenizedText& tokens() const { return tokens_; }
  // How many tokens the lexicon phrase ending at token `i` spans ("charged
  // twice": 2 at "twice"), or 1: known after ExtractTokens().
  size_t PhraseLength(size_t i) const { return i < phrase_len_.size() && phrase_len_[i] ? phrase_len_[i] : 1; }
  // Whether token `i` is a lexicon word or ends a lexicon phrase, with a
  // valence: a phrase the lexicon holds at 0 ("sorry to bother") is there
  // to say its words are no sentiment, not to make them a reason.
  bool InLexicon(size_t i) const {
    return i < word_valence_.size() && (word_valence_[i] != 0 || (phrase_len_[i] != 0 && valence_[i] != 0));
  }

 private:
  void AddSparse(uint64_t key, float value, uint16_t token, uint16_t token2, FeatureVector* out) const;
  // Fills word_valence_ (each word's own valence), valence_ (after phrases
  // replace their words) and bigram_, before any feature is made.
  void LookupValences();
  void AddLexicon(FeatureVector* out, bool with_shares);

  const Lexicon* lexicon_;
  uint32_t bucket_mask_;
  uint32_t flags_;
  const int16_t* prefetch_rows_;
  Tokenizer tokenizer_;
  TokenizedText tokens_;
  std::vector<uint64_t> scope_salt_;  // per token: its negation scope's key salt, or 0
  std::vector<uint64_t> bigram_;      // per token: PhraseKey(previous, this), 0 for the first
  std::vector<float> word_valence_;
  std::vector<float> valence_;
  std::vector<uint8_t> phrase_;
  std::vector<uint8_t> phrase_len_;  // per token: the length of the lexicon phrase it ends, or 0
};

}  // namespace convsent

#endif  // CONVSENT_SRC_MODEL_FEATURES_H_
