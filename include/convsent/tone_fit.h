// The conversation tone thresholds fitted to a team's own judgements.
//
// The thresholds that turn a conversation's pooled compound into its tone
// were chosen on task-oriented dialogues (docs/conversation-tone.md); a
// team's reviewers may draw the line elsewhere. With enough conversation
// labels in the store, the thresholds that agree best with them are chosen
// (end-weighted rule, the same grid as tone-eval), and `model adapt`
// stores them in the model it writes, so that every path that scores
// conversations with that model uses them (RollupOptionsFor, rollup.h).
#ifndef CONVSENT_TONE_FIT_H_
#define CONVSENT_TONE_FIT_H_

#include <memory>
#include <ostream>
#include <optional>
#include <string>

#include "convsent/adapt.h"
#include "convsent/eval.h"
#include "convsent/model.h"
#include "convsent/rollup.h"
#include "convsent/status.h"
#include "convsent/store.h"

namespace convsent {

struct ToneFit {
  int labels = 0;            // labelled conversations used (the latest label of each)
  ToneRule rule = ToneRule::kEndWeighted;  // the model's rule; only its thresholds are fitted
  float negative_below = 0, positive_above = 0;  // chosen on all of them
  EvalResult before;         // the model's current thresholds, on the labels
  EvalResult chosen;         // the chosen ones, on the same labels (optimistic)
  double cross_validated_f1 = 0;  // macro-F1 of thresholds chosen without each fold, on that fold
};

// Scores every conversation that has a conversation-level label with
// `model` (each turn with the turns before it) and chooses the thresholds;
// empty when fewer than `min_labels` conversations are labelled.
Result<std::optional<ToneFit>> FitToneToLabels(Store& store, std::shared_ptr<const Model> model, int min_labels = 100,
                                               int folds = 5);

// `metadata_json` (a model's) with the fit recorded under "tone", where
// RollupOptionsFor reads it.
std::string WithTone(const std::string& metadata_json, const ToneFit& fit);

// `convsent model adapt`: the store's labelled messages adapt `base`
// (AdaptModel, adapt.h); when the adapted model is kept and at least
// `min_tone_labels` conversations are labelled, the tone thresholds are
// fitted to them and written into it. Progress goes to `log` (may be null).
struct StoreAdaptation {
  AdaptReport report;  // the English model's
  std::map<std::string, AdaptReport> languages;  // each other language with enough labels (AdaptModelAndLanguages)
  std::string model_bytes;  // the file to write, with its tone thresholds; empty: nothing kept
  int folds = 0;
  int64_t labelled_messages = 0, labelled_conversations = 0, conversation_labels = 0;
  std::optional<ToneFit> tone;  // empty: the thresholds kept as they were
};
Result<StoreAdaptation> AdaptToStoreLabels(Store& store, std::shared_ptr<const Model> base, const AdaptOptions& options,
                                           int min_tone_labels, std::ostream* log);
// Its figures: JSON (the English model's labels, before, after, weight,
// guard, kept, reason; other_languages, the labels' counts by language;
// languages, each retrained one's figures; written; tone) or text (a block
// for English and for each other language).
std::string StoreAdaptationToJson(const StoreAdaptation& a);
std::string StoreAdaptationToText(const StoreAdaptation& a);

}  // namespace convsent

#endif  // CONVSENT_TONE_FIT_H_
