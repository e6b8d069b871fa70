#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <unordered_map>

#include "convsent/train.h"
#include "model/features.h"
#include "train/lexicon_builder.h"
#include "train/word_vectors.h"
#include "model/model_data.h"

namespace convsent {
namespace {

struct Example {
  uint32_t begin = 0, end = 0;  // span in the shared sparse arrays
  std::array<float, kNumDenseFeatures> dense{};
  int label = 1;
  float weight = 1;
  // A lexicon entry, not a message: it teaches word weights only, not the
  // bias or message-shape features (one-word "messages" are not short
  // messages).
  bool word_prior = false;
};

struct Dataset {
  std::vector<uint32_t> buckets;
  std::vector<uint16_t> checks;
  std::vector<float> values;
  std::vector<Example> examples;

  void Add(const FeatureVector& fv, int label, float weight, bool word_prior = false) {
    Example e;
    e.begin = static_cast<uint32_t>(buckets.size());
    for (const SparseFeature& f : fv.sparse) {
      buckets.push_back(f.bucket);
      checks.push_back(f.check);
      values.push_back(f.value);
    }
    e.end = static_cast<uint32_t>(buckets.size());
    e.dense = fv.dense;
    e.label = label;
    e.weight = weight;
    e.word_prior = word_prior;
    if (word_prior) {
      for (int k = kNumLexiconDense; k < kNumDenseFeatures; ++k) e.dense[k] = 0;
    }
    examples.push_back(e);
  }

  // Gives each bucket to the feature that occurs in it most often (at least
  // `min_count` times), drops the features that lose, and returns the owner
  // check per bucket (0: no owner).
  std::vector<uint16_t> AssignOwners(uint32_t num_buckets, int min_count) {
    std::unordered_map<uint64_t, uint32_t> counts;
    for (size_t i = 0; i < buckets.size(); ++i) ++counts[(uint64_t{buckets[i]} << 16) | checks[i]];
    std::vector<uint16_t> owner(num_buckets, 0);
    std::vector<uint32_t> best(num_buckets, 0);
    for (const auto& [key, count] : counts) {
      const auto b = static_cast<uint32_t>(key >> 16);
      const auto check = static_cast<uint16_t>(key & 0xFFFF);
      if (static_cast<int>(count) < min_count) continue;
      if (count > best[b] || (count == best[b] && check < owner[b])) {
        best[b] = count;
        owner[b] = check;
      }
    }
    size_t w = 0;
    for (Example& e : examples) {
      const uint32_t begin = static_cast<uint32_t>(w);
      for (uint32_t i = e.begin; i < e.end; ++i) {
        if (owner[buckets[i]] != checks[i]) continue;
        buckets[w] = buckets[i], checks[w] = checks[i], values[w] = values[i];
        ++w;
      }
      e.begin = begin;
      e.end = static_cast<uint32_t>(w);
    }
    buckets.resize(w), checks.resize(w), values.resize(w);
    return owner;
  }
};

// Float parameters while training; quantized into ModelData at the end.
struct Params {
  std::vector<float> w, gw;  // buckets * 3, and AdaGrad sums
  std::array<std::array<float, 3>, kNumDenseFeatures> dense{}, gdense{};
  std::array<float, 3> bias{}, gbias{};

  // this += share × other, for the weights, dense weights and bias.
  void Add(const Params& other, float share) {
    for (size_t i = 0; i < w.size(); ++i) w[i] += share * other.w[i];
    for (int k = 0; k < kNumDenseFeatures; ++k) {
      for (int c = 0; c < 3; ++c) dense[k][c] += share * other.dense[k][c];
    }
    for (int c = 0; c < 3; ++c) bias[c] += share * other.bias[c];
  }

  void Logits(const Dataset& d, const Example& e, float out[3]) const {
    for (int c = 0; c < 3; ++c) out[c] = bias[c];
    for (uint32_t i = e.begin; i < e.end; ++i) {
      const float* row = &w[static_cast<size_t>(d.buckets[i]) * 3];
      const float v = d.values[i];
      out[0] += row[0] * v, out[1] += row[1] * v, out[2] += row[2] * v;
    }
    for (int k = 0; k < kNumDenseFeatures; ++k) {
      if (e.dense[k] != 0) for (int c = 0; c < 3; ++c) out[c] += dense[k][c] * e.dense[k];
    }
  }
};

void Softmax(const float logits[3], float t, float p[3]) {
  const float mx = std::max({logits[0], logits[1], logits[2]});
  float sum = 0;
  for (int c = 0; c < 3; ++c) sum += (p[c] = std::exp((logits[c] - mx) / t));
  for (int c = 0; c < 3; ++c) p[c] /= sum;
}

// One pass of AdaGrad over `order`. Without `words`, only the dense
// features and the bias move.
void Epoch(const Dataset& d, const std::vector<uint32_t>& order, double lr, double l2, bool words, Params* m) {
  constexpr float kEps = 1e-8f;
  for (uint32_t idx : order) {
    const Example& e = d.examples[idx];
    float logits[3], p[3];
    m->Logits(d, e, logits);
    Softmax(logits, 1.0f, p);
    float g[3];
    for (int c = 0; c < 3; ++c) g[c] = (p[c] - (c == e.label ? 1.0f : 0.0f)) * e.weight;
    for (uint32_t i = e.begin; words && i < e.end; ++i) {
      const size_t row = static_cast<size_t>(d.buckets[i]) * 3;
      const float v = d.values[i];
      for (int c = 0; c < 3; ++c) {
        const float gr = g[c] * v + static_cast<float>(l2) * m->w[row + c];
        m->gw[row + c] += gr * gr;
        m->w[row + c] -= static_cast<float>(lr) * gr / std::sqrt(m->gw[row + c] + kEps);
      }
    }
    for (int k = 0; k < kNumDenseFeatures; ++k) {
      if (e.dense[k] == 0) continue;
      for (int c = 0; c < 3; ++c) {
        const float gr = g[c] * e.dense[k];
        m->gdense[k][c] += gr * gr;
        m->dense[k][c] -= static_cast<float>(lr) * gr / std::sqrt(m->gdense[k][c] + kEps);
      }
    }
    if (e.word_prior) continue;
    for (int c = 0; c < 3; ++c) {
      m->gbias[c] += g[c] * g[c];
      m->bias[c] -= static_cast<float>(lr) * g[c] / std::sqrt(m->gbias[c] + kEps);
    }
  }
}

struct HeldOut {
  float logits[3];
  int label;
};

// Temperature minimizing the negative log-likelihood of held-out examples.
double FitTemperature(const std::vector<HeldOut>& held) {
  auto nll = [&](double t) {
    double loss = 0;
    for (const HeldOut& h : held) {
      float p[3];
      Softmax(h.logits, static_cast<float>(t), p);
      loss -= std::log(std::max(p[h.label], 1e-7f));
    }
    return loss;
  };
  double lo = 0.3, hi = 5.0;  // golden-section search; NLL(T) is unimodal here
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int it = 0; it < 40; ++it) {
    const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (nll(a) < nll(b)) hi = b; else lo = a;
  }
  return (lo + hi) / 2;
}

// One fit over `fit` (shuffled in place): warm-up epochs for the lexicon,
// then all features. Returns the mean of the end-of-epoch weights over the
// second half of training: averaging damps the last updates' noise, so that
// a retrain does not flip borderline messages.
Params FitOnce(const Dataset& data, const TrainOptions& options, uint32_t buckets, std::vector<uint32_t>* fit,
               std::mt19937_64* rng, std::ostream* log) {
  Params params, average;
  params.w.assign(static_cast<size_t>(buckets) * 3, 0.0f);
  params.gw.assign(params.w.size(), 0.0f);
  average.w.assign(params.w.size(), 0.0f);
  // The lexicon first, alone; its AdaGrad sums carry over, so that the word
  // weights that join next fit what it leaves unexplained.
  for (int epoch = 0; epoch < options.lexicon_warmup_epochs; ++epoch) {
    std::shuffle(fit->begin(), fit->end(), *rng);
    Epoch(data, *fit, options.learning_rate, options.l2, /*words=*/false, &params);
  }
  const int first_averaged = options.epochs / 2;
  const float share = 1.0f / static_cast<float>(options.epochs - first_averaged);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(fit->begin(), fit->end(), *rng);
    // A gently decaying rate settles the weights in the last epochs.
    const double lr = options.learning_rate / (1.0 + 0.25 * epoch);
    Epoch(data, *fit, lr, options.l2, /*words=*/true, &params);
    if (epoch >= first_averaged) average.Add(params, share);
    if (log) *log << "epoch " << epoch + 1 << "/" << options.epochs << " done\n";
  }
  return average;
}

}  // namespace

Result<TrainFile> ParseTrainFile(std::string_view spec) {
  TrainFile f;
  // The field after the last colon, when it holds no '/' (else the colon
  // is the path's own).
  auto last_field = [](std::string_view s) -> std::optional<size_t> {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == s.size() || s.find('/', colon) != std::string_view::npos) {
      return std::nullopt;
    }
    return colon;
  };
  auto number = [](std::string_view s, double* out) {
    const std::string text(s);
    char* end = nullptr;
    *out = std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size() && std::isfinite(*out);
  };
  const auto colon = last_field(spec);
  if (!colon) {
    f.path = std::string(spec);
    return f;
  }
  std::string_view path = spec.substr(0, *colon), weight = spec.substr(*colon + 1), balance;
  // PATH:WEIGHT:BALANCE when the field before is a number too.
  double unused;
  if (const auto before = last_field(path); before && number(path.substr(*before + 1), &unused)) {
    balance = weight;
    weight = path.substr(*before + 1);
    path = path.substr(0, *before);
  }
  f.path = std::string(path);
  if (!number(weight, &f.weight) || f.weight <= 0) {
    return Status::InvalidArgument(std::string(spec) + ": the weight after ':' is not a positive number");
  }
  if (!balance.empty() && (!number(balance, &f.balance_power) || f.balance_power < 0 || f.balance_power > 2)) {
    return Status::InvalidArgument(std::string(spec) + ": the class balance after the weight is not within 0..2");
  }
  return f;
}

Result<TrainReport> TrainModel(const TrainOptions& options, std::ostream* log) {
  if (options.train.empty()) return Status::InvalidArgument("no training files given");
  if (options.bucket_bits < 10 || options.bucket_bits > 24) {
    return Status::InvalidArgument("bucket bits must be within 10..24");
  }
  if (options.epochs < 1 || options.fits < 1 || options.lexicon_warmup_epochs < 0) {
    return Status::InvalidArgument("epochs and fits must be at least 1, lexicon warm-up epochs at least 0");
  }
  if (options.holdout_fraction < 0 || options.fits * options.holdout_fraction > 1) {
    return Status::InvalidArgument("each fit holds out its own slice: fits × holdout fraction must be within 0..1");
  }
  ModelData model;
  int added = 0;
  std::vector<std::pair<std::string, float>> lexicon_texts;
  nlohmann::json lexicon_sources = nlohmann::json::array();
  if (!options.afinn_lexicon.empty()) {
    RETURN_IF_ERROR(AddAfinnLexicon(options.afinn_lexicon, &model.lexicon, &added, &lexicon_texts));
    lexicon_sources.push_back({{"file", options.afinn_lexicon}, {"entries", added}});
  }
  if (!options.vader_lexicon.empty()) {
    RETURN_IF_ERROR(AddVaderLexicon(options.vader_lexicon, &model.lexicon, &added, &lexicon_texts));
    lexicon_sources.push_back({{"file", options.vader_lexicon}, {"entries", added}});
    model.lexicon.Build();
    if (!options.vader_emoji_lexicon.empty()) {
      RETURN_IF_ERROR(AddEmojiLexicon(options.vader_emoji_lexicon, &model.lexicon, &added));
      lexicon_sources.push_back({{"file", options.vader_emoji_lexicon}, {"entries", added}});
    }
  }
  for (const auto& path : options.extra_lexicons) {
    RETURN_IF_ERROR(AddPhraseLexicon(path, &model.lexicon, &added, &lexicon_texts));
    lexicon_sources.push_back({{"file", path}, {"entries", added}});
  }
  model.lexicon.Build();
  // The dialogue features are learned where some training text comes with
  // its conversation.
  const bool dialogue = options.dialogue_context &&
                        std::any_of(options.train.begin(), options.train.end(),
                                    [](const TrainFile& f) { return ParseDataSpec(f.path).conversations; });
  model.feature_flags = (options.char_ngrams ? kCharNgrams | kPackedCharGrams : 0u) |
                        (options.char_ngrams && !options.char_trigrams ? kCharFourGramsOnly : 0u) |
                        (options.length_normalize ? kLengthNormalize : 0u) |
                        (options.function_word_context ? kFunctionWordContext : 0u) | (dialogue ? kDialogueContext : 0u);
  const uint32_t buckets = 1u << options.bucket_bits;
  model.bucket_mask = buckets - 1;
  FeatureExtractor fx(&model.lexicon, model.bucket_mask, model.feature_flags, nullptr, options.language);
  std::shared_ptr<const WordVectors> vectors;
  if (!options.word_vectors.empty()) {
    if (!(options.word_vector_scale >= 0) || !std::isfinite(options.word_vector_scale)) {
      return Status::InvalidArgument("the word vectors' scale must be a number of at least 0");
    }
    ASSIGN_OR_RETURN(vectors, LoadWordVectors(options.word_vectors, options.language, &fx));
    if (log) *log << "word vectors: " << vectors->keys.size() << " words of " << vectors->dims << " dimensions\n";
  }

  // Features for every example, class-balanced within each file and
  // weighted across files.
  Dataset data;
  FeatureVector fv;
  nlohmann::json train_sources = nlohmann::json::array();
  for (const TrainFile& file : options.train) {
    // A TSV file's lines are lone messages; a conversations file's labelled
    // turns are read in their conversation, with the turns before them.
    const DataSpec spec = ParseDataSpec(file.path);
    std::vector<Status> errors;
    std::vector<LabeledText> lines;
    std::vector<LabeledConversation> conversations;
    std::array<int, 3> counts{};
    size_t rows = 0;
    if (spec.conversations) {
      ASSIGN_OR_RETURN(conversations, ReadLabeledConversations(spec.path, spec.split, &errors));
      for (const auto& c : conversations) {
        for (const auto& t : c.turns) if (t.label) ++counts[static_cast<int>(*t.label)], ++rows;
      }
    } else {
      ASSIGN_OR_RETURN(lines, ReadLabeledTsv(spec.path, &errors));
      for (const auto& r : lines) ++counts[static_cast<int>(r.label)], ++rows;
    }
    if (!errors.empty()) return errors.front();
    if (rows == 0) return Status::InvalidArgument(spec.Name() + ": no labelled messages");
    const int present = static_cast<int>(std::count_if(counts.begin(), counts.end(), [](int c) { return c > 0; }));
    const double power = file.balance_power >= 0 ? file.balance_power : options.balance_power;
    // Class weights (N / (k * N_c))^power, rescaled so that the mean example
    // weight within a file is `file.weight`: power 1 gives each class an
    // equal share, 0 keeps the file's own class mix.
    std::array<double, 3> class_weight{};
    double mean = 0;
    for (int c = 0; c < 3; ++c) {
      if (counts[c] == 0) continue;
      class_weight[c] = std::pow(rows / (present * static_cast<double>(counts[c])), power);
      mean += class_weight[c] * counts[c] / static_cast<double>(rows);
    }
    for (double& w : class_weight) w /= mean;
    auto add = [&](Sentiment label) {
      const int c = static_cast<int>(label);
      data.Add(fv, c, static_cast<float>(file.weight * class_weight[c]));
    };
    for (const auto& r : lines) {
      fx.Extract(r.text, &fv);
      add(r.label);
    }
    ContextTracker tracker;
    for (const auto& conversation : conversations) {
      tracker.Clear();
      for (const auto& t : conversation.turns) {
        fx.Extract(t.text, &fv);
        if (dialogue) ContextFeatures(fv.summary, tracker.Next(t.speaker), fv.dense.data());
        tracker.Add(t.speaker, fv.summary);
        if (t.label) add(*t.label);
      }
    }
    train_sources.push_back({{"file", file.source.empty() ? spec.Name() : file.source}, {"rows", rows},
                             {"weight", file.weight},
                             {"negative", counts[0]}, {"neutral", counts[1]}, {"positive", counts[2]}});
    // Only a file's own balance is recorded: models trained without one
    // keep their bytes.
    if (file.balance_power >= 0) train_sources.back()["balance_power"] = power;
    if (log) *log << "train " << spec.Name() << ": " << rows << " rows\n";
  }

  if (options.lexicon_examples > 0) {
    int used = 0;
    for (const auto& [text, valence] : lexicon_texts) {
      if (std::fabs(valence) < 0.5f) continue;
      fx.Extract(text, &fv);
      data.Add(fv, valence > 0 ? 2 : 0, static_cast<float>(options.lexicon_examples * std::fabs(valence) / 4),
               /*word_prior=*/true);
      ++used;
    }
    train_sources.push_back({{"file", "lexicon entries as one-word examples"}, {"rows", used},
                             {"weight", options.lexicon_examples}});
  }

  std::vector<uint16_t> owner = data.AssignOwners(buckets, options.min_count);
  const auto owned = static_cast<size_t>(std::count_if(owner.begin(), owner.end(), [](uint16_t o) { return o != 0; }));
  if (log) *log << "features: " << owned << " of " << buckets << " buckets owned\n";

  // Each fit holds its own slice of the examples out, for calibration: fit
  // k holds out the examples whose draw falls in [k·h, (k+1)·h). Averaging
  // the fits averages away which examples happened to be held out, and the
  // temperature is fitted on every fit's own held-out messages.
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<double> draw(data.examples.size());
  for (double& r : draw) r = unit(rng);
  Params params;
  params.w.assign(static_cast<size_t>(buckets) * 3, 0.0f);
  std::vector<HeldOut> held_out;
  std::vector<uint32_t> fit, held;
  for (int run = 0; run < options.fits; ++run) {
    const double lo = run * options.holdout_fraction, hi = lo + options.holdout_fraction;
    fit.clear(), held.clear();
    for (uint32_t i = 0; i < data.examples.size(); ++i) (draw[i] >= lo && draw[i] < hi ? held : fit).push_back(i);
    const Params one = FitOnce(data, options, buckets, &fit, &rng, log);
    for (uint32_t idx : held) {
      // Calibrated on messages: a lexicon entry posing as a one-word
      // example is not what the probabilities will be read on.
      if (data.examples[idx].word_prior) continue;
      HeldOut& h = held_out.emplace_back();
      one.Logits(data, data.examples[idx], h.logits);
      h.label = data.examples[idx].label;
    }
    params.Add(one, 1.0f / static_cast<float>(options.fits));
    if (log && options.fits > 1) *log << "fit " << run + 1 << "/" << options.fits << " done\n";
  }
  const double temperature = held_out.empty() ? 1.0 : FitTemperature(held_out);
  size_t propagated = 0;
  if (vectors) {
    propagated = PropagateToUnseenWords(*vectors, model.bucket_mask, options.word_vector_scale, &owner, &params.w);
    if (log) *log << "word vectors: " << propagated << " words the training text did not teach given weights\n";
  }

  // Quantize to int16 with one scale.
  float max_abs = 1e-6f;
  for (float v : params.w) max_abs = std::max(max_abs, std::fabs(v));
  model.weight_scale = max_abs / 32767.0f;
  model.weights.assign(static_cast<size_t>(buckets) * 4, 0);
  for (size_t b = 0; b < buckets; ++b) {
    for (int c = 0; c < 3; ++c) {
      model.weights[b * 4 + c] = static_cast<int16_t>(std::lround(params.w[b * 3 + c] / model.weight_scale));
    }
    model.weights[b * 4 + 3] = static_cast<int16_t>(owner[b]);
  }
  model.bias = params.bias;
  model.dense = params.dense;
  model.temperature = static_cast<float>(temperature);

  TrainReport report;
  report.temperature = temperature;
  report.examples = static_cast<int>(data.examples.size());
  nlohmann::json meta = {
      {"name", options.name},
      {"version", options.version},
      {"method", "multinomial logistic regression, hashed word uni/bigrams with negation marking" +
                     std::string(!options.char_ngrams ? "" : options.char_trigrams ? ", char 3-4-grams" : ", char 4-grams") +
                     ", lexicon features; AdaGrad, class-balanced, lexicon fitted first, mean of several fits; temperature-calibrated"},
      {"train", train_sources},
      {"lexicons", lexicon_sources},
      {"options",
       {{"bucket_bits", options.bucket_bits}, {"char_ngrams", options.char_ngrams},
        {"length_normalize", options.length_normalize},
        {"function_word_context", options.function_word_context}, {"epochs", options.epochs},
        {"lexicon_warmup_epochs", options.lexicon_warmup_epochs}, {"fits", options.fits},
        {"lexicon_examples", options.lexicon_examples}, {"min_count", options.min_count},
        {"balance_power", options.balance_power},
        {"learning_rate", options.learning_rate}, {"l2", options.l2},
        {"holdout_fraction", options.holdout_fraction}, {"seed", options.seed}}},
      {"temperature", temperature},
  };
  // Said only when on, so that a recipe without it still gives the bytes it gave before.
  if (dialogue) meta["options"]["dialogue_context"] = true;
  if (options.char_ngrams && !options.char_trigrams) meta["options"]["char_trigrams"] = false;
  if (options.language != Language::kEnglish) meta["language"] = std::string(LanguageCode(options.language));
  if (vectors) {
    meta["word_vectors"] = {{"file", options.word_vectors}, {"words", vectors->keys.size()},
                            {"dimensions", vectors->dims}, {"scale", options.word_vector_scale},
                            {"words_given_weights", propagated}};
  }
  // Score the dev files with the quantized model, as it will ship.
  std::string bytes = model.Serialize(meta.dump());
  ASSIGN_OR_RETURN(auto shipped, Model::FromBytes(bytes, /*with_languages=*/false));
  Scorer scorer(shipped);
  nlohmann::json dev_json = nlohmann::json::array();
  for (const auto& path : options.dev) {
    std::vector<Status> errors;
    ScoreOptions so;
    so.explain = 0;
    ASSIGN_OR_RETURN(auto rows, ScoreLabeledData(ParseDataSpec(path), scorer, so, /*use_context=*/true, &errors));
    std::vector<Sentiment> gold, pred;
    std::vector<std::array<float, 3>> probs;
    for (const auto& r : rows) {
      gold.push_back(r.gold);
      pred.push_back(r.score.label);
      probs.push_back(r.score.p);
    }
    DevReport d{path, Evaluate(gold, pred), ExpectedCalibrationError(probs, gold)};
    dev_json.push_back({{"file", path}, {"macro_f1", d.result.macro_f1}, {"macro_recall", d.result.macro_recall},
                        {"accuracy", d.result.accuracy}, {"ece", d.ece}});
    report.dev.push_back(std::move(d));
  }
  if (!dev_json.empty()) {
    meta["dev"] = dev_json;
    bytes = model.Serialize(meta.dump());
  }
  report.model_bytes = std::move(bytes);
  return report;
}

}  // namespace convsent
