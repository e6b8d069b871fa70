#include "model/features.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "model/gram_key.h"

namespace convsent {
namespace {

// Salts that give each feature family its own hash space.
constexpr uint64_t kNegatedSalt = 0x4e45474154454421ULL;
constexpr uint64_t kCharGramSalt = 0x4348415247524d53ULL;

// How much a token counts, from its cues: the clause after "but" counts more
// than the one before, intensifiers and shouting count more.
float TokenWeight(const Token& t) {
  float w = t.emphasis;
  if (t.Has(kBeforeContrast)) w *= 0.5f;
  if (t.Has(kAfterContrast)) w *= 1.5f;
  if (t.Has(kAllCaps)) w *= 1.25f;
  if (t.Has(kElongated)) w *= 1.15f;
  return w;
}

}  // namespace

// Inlined: it runs twice per token.
[[gnu::always_inline]] inline void FeatureExtractor::AddSparse(uint64_t key, float value, uint16_t token,
                                                               uint16_t token2, FeatureVector* out) const {
  const FeatureSlot slot = SlotOf(key, bucket_mask_);
  if (prefetch_rows_ != nullptr) __builtin_prefetch(prefetch_rows_ + static_cast<size_t>(slot.bucket) * 4);
  out->sparse.push_back({slot.bucket, value, slot.check, token, token2});
}

void FeatureExtractor::Extract(std::string_view text, FeatureVector* out, bool with_shares) {
  Tokenize(text);
  ExtractTokens(out, with_shares);
}

void FeatureExtractor::ExtractTokens(FeatureVector* out, bool with_shares) {
  out->sparse.clear();
  out->dense.fill(0);
  const auto& toks = tokens_.tokens;
  const size_t n = std::min<size_t>(toks.size(), 65535);
  LookupValences();
  const float scale = (flags_ & kLengthNormalize) && n > 4 ? 2.0f / std::sqrt(static_cast<float>(n)) : 1.0f;

  // Each negation scope gets the polarity of the words it negates; every
  // feature inside the scope (and the negator itself) is keyed by it, so
  // "not bad at all" and "not good at all" learn opposite weights.
  scope_salt_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (!toks[i].Has(kNegator)) continue;
    float polarity = 0;
    size_t end = i + 1;
    for (; end < n && toks[end].Has(kNegated); ++end) polarity += word_valence_[end];
    const uint64_t salt = polarity > 0.5f ? kNegatedSalt + 1 : polarity < -0.5f ? kNegatedSalt + 2 : kNegatedSalt;
    for (size_t j = i; j < end; ++j) scope_salt_[j] = salt;
  }

  bool caps = false, elongated = false;
  TurnSummary& summary = out->summary;
  summary = {};
  for (size_t i = 0; i < n; ++i) {
    const Token& t = toks[i];
    const auto ti = static_cast<uint16_t>(i);
    summary.negator |= t.Has(kNegator);
    if (t.kind == TokenKind::kWord && !IsContextToken(t)) summary.words[(t.hash >> 6) & 3] |= uint64_t{1} << (t.hash & 63);
    switch (t.kind) {
      case TokenKind::kUrl: out->dense[kHasUrl] = 1; break;
      case TokenKind::kMention: out->dense[kHasMention] = 1; break;
      case TokenKind::kPunct:
        if (t.Has(kExclamation)) {
          out->dense[kHasExclamation] = 1;
          if (t.repeat >= 2) out->dense[kMultiExclamation] = 1;
        }
        if (t.Has(kQuestion)) out->dense[kHasQuestion] = 1;
        break;
      default: break;
    }
    caps |= t.Has(kAllCaps);
    elongated |= t.Has(kElongated);
    const float w = TokenWeight(t) * scale;
    const uint64_t salt = scope_salt_[i];
    if (!(flags_ & kFunctionWordContext) || !IsContextToken(t)) {
      AddSparse(salt ? PhraseKey(t.hash, salt) : t.hash, w, ti, ti, out);
    }
    if (i > 0) {
      const uint64_t bigram = bigram_[i];
      AddSparse(salt && scope_salt_[i - 1] ? PhraseKey(bigram, salt) : bigram, w, static_cast<uint16_t>(i - 1), ti, out);
    }
    if ((flags_ & kCharNgrams) && t.kind == TokenKind::kWord) {
      // Character 3- and 4-grams of "<word>" (ForEachGram), or 4-grams
      // alone, so a misspelling shares most of its features with the word
      // meant.
      const std::string_view norm = tokens_.Normalized(t);
      if (norm.size() >= 4 && norm.size() <= 60) {
        const float gw = w * 0.25f;
        const bool packed = flags_ & kPackedCharGrams;
        const uint64_t gram_salt = t.Has(kNegated) ? kNegatedSalt : kCharGramSalt;
        ForEachGram(
            norm,
            [&](const char* gram, size_t bytes, size_t) {
              AddSparse(packed ? GramKey(gram, bytes, gram_salt)
                               : PhraseKey(HashToken(std::string_view(gram, bytes)), gram_salt),
                        gw, ti, ti, out);
            },
            flags_ & kCharFourGramsOnly ? 4 : 3);
      }
    }
  }
  if (n <= 3) out->dense[kShortMessage] = 1;
  if (n > 25) out->dense[kLongMessage] = 1;
  if (tokens_.all_caps_message) out->dense[kAllCapsMessage] = 1;
  if (caps) out->dense[kCapsWord] = 1;
  if (elongated) out->dense[kElongatedWord] = 1;
  AddLexicon(out, with_shares);
  summary.lex_positive = out->dense[kLexPositive];
  summary.lex_negative = out->dense[kLexNegative];
  summary.lex_compound = out->dense[kLexCompound];
  summary.question = out->dense[kHasQuestion] != 0;
}

void ContextFeatures(const TurnSummary& self, const TurnContext& context, float* dense) {
  if (const TurnSummary* r = context.reply_to) {
    dense[kCtxReply] = 1;
    dense[kCtxReplyPositive] = r->lex_positive;
    dense[kCtxReplyNegative] = r->lex_negative;
    dense[kCtxReplyNegator] = r->negator ? 1 : 0;
    dense[kCtxReplyQuestion] = r->question ? 1 : 0;
    dense[kCtxNegatorAfterNegator] = r->negator && self.negator ? 1 : 0;
  }
  if (const TurnSummary* own = context.own_previous) {
    dense[kCtxOwnPrevious] = 1;
    dense[kCtxOwnCompound] = own->lex_compound;
    // Saying the same thing again: the request was not met.
    int mine = 0, again = 0;
    for (int k = 0; k < 4; ++k) {
      mine += std::popcount(self.words[k]);
      again += std::popcount(self.words[k] & own->words[k]);
    }
    dense[kCtxRepeat] = mine > 0 ? static_cast<float>(again) / static_cast<float>(mine) : 0.0f;
  }
}

void FeatureExtractor::LookupValences() {
  const auto& toks = tokens_.tokens;
  const size_t n = std::min<size_t>(toks.size(), 65535);
  word_valence_.resize(n);
  valence_.resize(n);
  bigram_.resize(n);
  phrase_.assign(n, 0);
  phrase_len_.assign(n, 0);
  const bool phrases = lexicon_ != nullptr && lexicon_->has_phrases();
  for (size_t i = 0; i < n; ++i) {
    const Lexicon::Slot* word = lexicon_ != nullptr ? lexicon_->Find(toks[i].hash, 1) : nullptr;
    word_valence_[i] = valence_[i] = word != nullptr ? word->valence() : 0.0f;
    bigram_[i] = i > 0 ? PhraseKey(toks[i - 1].hash, toks[i].hash) : 0;
    if (i == 0 || !phrases) continue;
    // A phrase replaces the valence of its words ("still waiting", "no
    // problem"); its valence sits on its last token.
    const Lexicon::Slot* e = i >= 2 ? lexicon_->Find(PhraseKey(bigram_[i - 1], toks[i].hash), 3) : nullptr;
    size_t len = 3;
    if (e == nullptr) {
      e = lexicon_->Find(bigram_[i], 2);
      len = 2;
    }
    if (e == nullptr) continue;
    bool has_negator = false;
    for (size_t k = i + 1 - len; k <= i; ++k) {
      valence_[k] = 0;
      has_negator |= toks[k].Has(kNegator);
    }
    valence_[i] = e->valence();
    phrase_[i] = has_negator ? 2 : 1;
    phrase_len_[i] = static_cast<uint8_t>(len);
  }
}

void FeatureExtractor::AddLexicon(FeatureVector* out, bool with_shares) {
  const auto& toks = tokens_.tokens;
  const size_t n = valence_.size();
  // Without shares, none are kept: a stale set from an earlier message must
  // not pass for this one's.
  if (with_shares) {
    out->token_lexicon.assign(n, {});
  } else {
    out->token_lexicon.clear();
  }
  float pos = 0, neg = 0, max_pos = 0, max_neg = 0, neg_pos = 0, neg_neg = 0;
  for (size_t i = 0; i < n; ++i) {
    float v = valence_[i];
    if (v == 0) continue;
    const Token& t = toks[i];
    if (t.Has(kAllCaps)) v += v > 0 ? 0.733f : -0.733f;
    v *= t.emphasis;
    if (t.Has(kElongated)) v *= 1.1f;
    if (t.Has(kNegated) && phrase_[i] != 2) {
      (v > 0 ? neg_pos : neg_neg) += std::fabs(v);
      if (with_shares) out->token_lexicon[i][v > 0 ? kNegatedPositive : kNegatedNegative] = std::fabs(v);
      v *= -0.74f;
    }
    if (t.Has(kBeforeContrast)) v *= 0.5f;
    if (t.Has(kAfterContrast)) v *= 1.5f;
    valence_[i] = v;
    if (v > 0) { pos += v; max_pos = std::max(max_pos, v); }
    else { neg -= v; max_neg = std::max(max_neg, -v); }
  }
  const float sum = pos - neg;
  // Most messages leave some of these sums at 0, and log1p(0) is 0: skip the call.
  auto damp = [](float x) { return x > 0 ? std::log1p(x / 2) : 0.0f; };
  out->dense[kLexPositive] = damp(pos);
  out->dense[kLexNegative] = damp(neg);
  out->dense[kLexCompound] = sum / std::sqrt(sum * sum + 15.0f);
  out->dense[kLexMaxPositive] = max_pos / 4;
  out->dense[kLexMaxNegative] = max_neg / 4;
  out->dense[kNegatedPositive] = damp(neg_pos);
  out->dense[kNegatedNegative] = damp(neg_neg);
  if (!with_shares) return;
  // Each token's share of each lexicon feature, for explanations.
  for (size_t i = 0; i < n; ++i) {
    const float v = valence_[i];
    auto& share = out->token_lexicon[i];
    if (v > 0) {
      share[kLexPositive] = pos > 0 ? v / pos : 0;
      share[kLexMaxPositive] = v == max_pos ? 1 : 0;
    } else if (v < 0) {
      share[kLexNegative] = neg > 0 ? -v / neg : 0;
      share[kLexMaxNegative] = -v == max_neg ? 1 : 0;
    }
    share[kLexCompound] = sum != 0 ? v / sum : 0;
    if (neg_pos > 0) share[kNegatedPositive] /= neg_pos;
    if (neg_neg > 0) share[kNegatedNegative] /= neg_neg;
  }
}

}  // namespace convsent
