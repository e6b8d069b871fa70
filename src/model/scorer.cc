#include "convsent/scorer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string_view>
#include <utility>

#include "convsent/langid.h"
#include "model/features.h"
#include "model/model_data.h"

namespace convsent {

std::string_view SentimentName(Sentiment s) {
  switch (s) {
    case Sentiment::kNegative: return "negative";
    case Sentiment::kNeutral: return "neutral";
    case Sentiment::kPositive: return "positive";
  }
  return "neutral";
}

bool ParseSentiment(std::string_view name, Sentiment* out) {
  if (name == "negative") *out = Sentiment::kNegative;
  else if (name == "neutral") *out = Sentiment::kNeutral;
  else if (name == "positive") *out = Sentiment::kPositive;
  else return false;
  return true;
}

Scorer::Scorer(std::shared_ptr<const Model> model) : model_(std::move(model)) {
  const ModelData& d = model_->data();
  features_ = std::make_unique<FeatureExtractor>(&d.lexicon, d.bucket_mask, d.feature_flags, d.weights.data(),
                                                 model_->info().language);
}

Scorer& Scorer::Other(Language language) {
  auto& scorer = others_[static_cast<size_t>(language)];
  if (!scorer) scorer = std::make_unique<Scorer>(model_->ForLanguage(language));
  return *scorer;
}
Scorer::~Scorer() = default;
Scorer::Scorer(Scorer&&) noexcept = default;

MessageScore Scorer::Score(std::string_view text, const ScoreOptions& options) {
  MessageScore out;
  Score(text, options, &out);
  return out;
}

namespace {
// Cuts at a UTF-8 boundary at or before `max` bytes.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}
}  // namespace

bool Scorer::reads_context() const { return (model_->data().feature_flags & kDialogueContext) != 0; }

// The context features only add to the logits, and the probabilities are
// softmax(logits / T): adding Δ to the logits multiplies each p by
// exp(Δ / T). So a score made without context takes it in without the text.
void Scorer::AddContext(const TurnContext& context, MessageScore* s) const {
  // Another language's model scored it, and reads no context.
  if (!reads_context() || context.empty() || model_->ForLanguage(s->language)) return;
  const ModelData& d = model_->data();
  std::array<float, kNumDenseFeatures> dense{};
  ContextFeatures(s->turn, context, dense.data());
  float delta[3] = {0, 0, 0};
  for (int k = kCtxReply; k < kNumDenseFeatures; ++k) {
    for (int c = 0; c < 3; ++c) delta[c] += d.dense[k][c] * dense[k];
  }
  const float inv_t = 1.0f / d.temperature;
  const float mx = std::max({delta[0], delta[1], delta[2]});
  float sum = 0;
  for (int c = 0; c < 3; ++c) sum += (s->p[c] *= std::exp((delta[c] - mx) * inv_t));
  if (!(sum > 0)) return;  // nothing to move: an empty message is neutral with certainty
  for (int c = 0; c < 3; ++c) s->p[c] /= sum;
  int best = 0;
  for (int c = 1; c < 3; ++c) if (s->p[c] > s->p[best]) best = c;
  s->label = static_cast<Sentiment>(best);
  s->compound = s->p[2] - s->p[0];
  s->score5 = 3.0f + 2.0f * s->compound;
  s->context = true;
}

TurnContext ContextTracker::Next(std::string_view speaker) const {
  TurnContext c;
  int64_t latest_other = -1;
  for (const Turn& t : turns_) {
    if (t.speaker == speaker) {
      c.own_previous = &t.summary;
    } else if (t.order > latest_other) {
      latest_other = t.order;
      c.reply_to = &t.summary;
    }
  }
  return c;
}

void ContextTracker::Add(std::string_view speaker, const TurnSummary& summary) {
  ++last_;
  for (Turn& t : turns_) {
    if (t.speaker == speaker) {
      t.summary = summary, t.order = last_;
      return;
    }
  }
  turns_.push_back({std::string(speaker), summary, last_});
}

void Scorer::Score(std::string_view text, const ScoreOptions& options, MessageScore* out,
                   const TurnContext& context) {
  const std::string_view input = CutUtf8(text, options.max_bytes);
  const LanguageIdentifier* identifier = model_->identifier();
  // A language given, with a model of its own: that model scores it alone.
  if (identifier && options.language && model_->ForLanguage(*options.language)) {
    Other(*options.language).Score(text, options, out);
    out->language = *options.language;
    out->language_given = true;
    return;
  }
  out->truncated = input.size() < text.size();
  features_->Tokenize(input);
  out->language = options.language ? *options.language : model_->info().language;
  out->language_given = options.language.has_value();
  if (identifier && !options.language) {
    // The tokens read for this model tell the language; most messages are
    // in this model's own, and are scored on from the same tokens. The
    // others' tokens are these, read with their language's cue words.
    out->language = identifier->Identify(features_->tokens()).language;
    if (model_->ForLanguage(out->language)) {
      Scorer& other = Other(out->language);
      other.features_->Recue(features_->tokens());
      other.ScoreTokens(options, out, TurnContext{});
      return;
    }
  }
  ScoreTokens(options, out, context);
}

void Scorer::ScoreTokens(const ScoreOptions& options, MessageScore* out, const TurnContext& context) {
  const ModelData& d = model_->data();
  const TokenizedText& tt = features_->tokens();
  thread_local FeatureVector fv;
  features_->ExtractTokens(&fv, /*with_shares=*/options.explain > 0);
  out->context = false;
  out->turn = fv.summary;
  out->invalid_utf8_bytes = tt.invalid_utf8_bytes;

  float logits[3] = {d.bias[0], d.bias[1], d.bias[2]};
  // Branchless on purpose: the loads of all rows are independent, so the
  // CPU overlaps their cache misses; a branch on each row's check would
  // serialize them.
  float acc[3] = {0, 0, 0};
  const int16_t* w = d.weights.data();
  for (const SparseFeature& f : fv.sparse) {
    const int16_t* row = w + static_cast<size_t>(f.bucket) * 4;
    // A bit mask, not a select or a multiply by 0/1: GCC turns both of
    // those into a branch, and this one is hard to predict.
    const uint32_t keep = 0u - static_cast<uint32_t>(static_cast<uint16_t>(row[3]) == f.check);
    const float v = std::bit_cast<float>(std::bit_cast<uint32_t>(f.value) & keep);
    acc[0] += row[0] * v;
    acc[1] += row[1] * v;
    acc[2] += row[2] * v;
  }
  for (int c = 0; c < 3; ++c) logits[c] += acc[c] * d.weight_scale;
  // All dense features, zeros included: cheaper than a branch on each.
  for (int k = 0; k < kNumDenseFeatures; ++k) {
    const float x = fv.dense[k];
    for (int c = 0; c < 3; ++c) logits[c] += d.dense[k][c] * x;
  }
  // Softmax with the calibration temperature.
  const float inv_t = 1.0f / d.temperature;
  const float mx = std::max({logits[0], logits[1], logits[2]});
  float e[3], sum = 0;
  for (int c = 0; c < 3; ++c) sum += (e[c] = std::exp((logits[c] - mx) * inv_t));
  for (int c = 0; c < 3; ++c) out->p[c] = e[c] / sum;
  int best = 1;
  if (!tt.tokens.empty()) {
    best = 0;
    for (int c = 1; c < 3; ++c) if (out->p[c] > out->p[best]) best = c;
  } else {
    out->p = {0, 1, 0};  // nothing to read: neutral, with certainty
  }
  out->label = static_cast<Sentiment>(best);
  out->compound = out->p[2] - out->p[0];
  out->score5 = 3.0f + 2.0f * out->compound;
  if (!tt.tokens.empty()) AddContext(context, out);

  out->explain.clear();
  if (options.explain <= 0 || tt.tokens.empty()) return;
  Explain(fv, static_cast<size_t>(options.explain), out);
}

namespace {

// Function words, punctuation, numbers, mentions and links move scores (in
// bigrams: "can you", "5 days") but are never a reason by themselves: a
// person does not accept "the", "?", "77" or "@user" as why a message reads
// negative.
bool NeverAReason(const Token& t) {
  return IsContextToken(t) || t.kind == TokenKind::kNumber || t.kind == TokenKind::kMention ||
         t.kind == TokenKind::kUrl;
}

// A reason moves the score by at least kMinReasonPush (features.h).
// Words the model learned, in no lexicon, are named only from 0.75 nats
// (odds × 2.1): between the two floors sit the nouns of a training set's
// domain ("taxi", "postcode", "week"), which no person takes for
// why a message reads as it does. On the same dev splits (session 26), the
// reasons naming a lexicon word or emoji went from 48 % and 63 % to 63 % and
// 79 %; the polar messages keeping a reason toward their label from 94 % and
// 96 % to 87 % and 91 % (1.0 nats: 75 % and 85 %, but 81 % and 89 %).
constexpr float kMinLearnedReason = 0.75f;

}  // namespace

void Scorer::Explain(const FeatureVector& fv, size_t limit, MessageScore* out) const {
  const ModelData& d = model_->data();
  const TokenizedText& tt = features_->tokens();
  // Each token's push toward positive (logit(pos) - logit(neg)): its sparse
  // features, plus its share of the lexicon features it fed. A bigram's push
  // goes to its other word when one of them is never a reason ("thanks !"
  // to "thanks", "5 days" to "days"), and a feature of theirs alone to no one.
  thread_local std::vector<float> push;
  push.assign(tt.tokens.size(), 0.0f);
  for (const SparseFeature& f : fv.sparse) {
    const int16_t* row = d.Row(f.bucket, f.check);
    if (row == nullptr) continue;
    const float v = (row[2] - row[0]) * f.value * d.weight_scale;
    const bool first = !NeverAReason(tt.tokens[f.token]), second = !NeverAReason(tt.tokens[f.token2]);
    if (f.token == f.token2 || !second) {
      if (first) push[f.token] += v;
    } else if (!first) {
      push[f.token2] += v;
    } else {
      push[f.token] += v / 2;
      push[f.token2] += v / 2;
    }
  }
  for (size_t i = 0; i < fv.token_lexicon.size(); ++i) {
    for (int k = 0; k < kNumLexiconDense; ++k) {
      const float share = fv.token_lexicon[i][k];
      if (share != 0) push[i] += share * fv.dense[k] * (d.dense[k][2] - d.dense[k][0]);
    }
  }
  // A lexicon phrase is one reason, its tokens' pushes summed on its last
  // token, where its valence sits ("cancel my account", "charged twice").
  thread_local std::vector<uint32_t> phrase_start;
  phrase_start.resize(push.size());
  for (uint32_t i = 0; i < push.size(); ++i) {
    phrase_start[i] = static_cast<uint32_t>(i + 1 - features_->PhraseLength(i));
    for (uint32_t k = phrase_start[i]; k < i; ++k) push[i] += std::exchange(push[k], 0.0f);
  }
  // Words next to each other in the text, pushing the same way, are one
  // phrase too ("not happy", "super helpful"); an emoji stays apart.
  struct Reason {
    uint32_t first, last;  // its tokens
    float push;
  };
  thread_local std::vector<Reason> reasons;
  reasons.clear();
  for (uint32_t i = 0; i < push.size(); ++i) {
    const uint32_t first = phrase_start[i];
    if (std::fabs(push[i]) < kMinReasonPush || (first == i && NeverAReason(tt.tokens[i]))) continue;
    if (!reasons.empty() && (reasons.back().push > 0) == (push[i] > 0)) {
      Reason& r = reasons.back();
      const Token& prev = tt.tokens[r.last];
      const bool overlaps = first <= r.last;
      const bool adjacent = r.last + 1 == first && prev.kind == TokenKind::kWord &&
                            tt.tokens[first].kind == TokenKind::kWord && tt.tokens[first].begin == prev.end + 1 &&
                            tt.text[prev.end] == ' ';
      if (overlaps || adjacent) {
        r.last = i;
        r.push += push[i];
        continue;
      }
    }
    // A phrase starts after the reason before it at the earliest.
    const uint32_t from = reasons.empty() ? first : std::max(first, reasons.back().last + 1);
    reasons.push_back({from, i, push[i]});
  }
  // A reason written twice ("thanks, thanks!", "😡😡") is listed once, its
  // pushes summed.
  auto text_of = [&](const Reason& r) {
    return std::string_view(tt.text).substr(tt.tokens[r.first].begin, tt.tokens[r.last].end - tt.tokens[r.first].begin);
  };
  // Found by sorting their texts: no allocation per message, as a map's
  // nodes would make, and nothing to do for the many messages with one.
  if (reasons.size() > 1) {
    thread_local std::vector<uint32_t> by_text;
    by_text.resize(reasons.size());
    for (uint32_t i = 0; i < by_text.size(); ++i) by_text[i] = i;
    std::sort(by_text.begin(), by_text.end(), [&](uint32_t a, uint32_t b) {
      const auto ta = text_of(reasons[a]), tb = text_of(reasons[b]);
      return ta != tb ? ta < tb : a < b;
    });
    for (size_t j = 1; j < by_text.size(); ++j) {
      Reason& first = reasons[by_text[j - 1]];
      Reason& again = reasons[by_text[j]];
      if (text_of(again) != text_of(first)) continue;
      again.push += first.push;  // a run's sum moves to its last
      first.push = 0;
    }
    std::erase_if(reasons, [](const Reason& r) { return r.push == 0; });
  }
  // A reason of learned words alone, none of them a lexicon word or phrase,
  // needs the stronger push.
  std::erase_if(reasons, [&](const Reason& r) {
    if (std::fabs(r.push) >= kMinLearnedReason) return false;
    for (uint32_t i = r.first; i <= r.last; ++i) {
      if (features_->InLexicon(i)) return false;
    }
    return true;
  });
  const size_t k = std::min(reasons.size(), limit);
  std::partial_sort(reasons.begin(), reasons.begin() + static_cast<long>(k), reasons.end(),
                    [](const Reason& a, const Reason& b) { return std::fabs(a.push) > std::fabs(b.push); });
  for (size_t j = 0; j < k; ++j) {
    const Reason& r = reasons[j];
    out->explain.push_back({std::string(text_of(r)), std::round(r.push * 1000) / 1000});
  }
}

}  // namespace convsent
