// convsent eval: agreement with labeled TSV files, and with the labelled
// turns of conversations files (FILE.jsonl#SPLIT), scored in their
// conversation.
#include <algorithm>

#include "convsent/eval.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct EvalFlags {
  std::vector<std::string> files;
  std::string model;
  bool json = false;
  bool no_context = false;
  std::string lang = "auto";
};

int RunEval(const EvalFlags& flags) {
  // Without --model, lone lines are scored by the embedded model for
  // messages, conversations by the one for conversations: as the product
  // scores them.
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  Scorer scorer(model);
  std::shared_ptr<const Model> dialogue_model = model;
  const bool conversations = std::any_of(flags.files.begin(), flags.files.end(),
                                         [](const std::string& f) { return ParseDataSpec(f).conversations; });
  if (flags.model.empty() && conversations) dialogue_model = LoadModelOrReport("", ModelUse::kConversations);
  if (!dialogue_model) return kExitFailure;
  Scorer dialogue(dialogue_model);
  ScoreOptions options;
  options.explain = 0;
  if (!ParseLangFlag("eval", flags.lang, &options.language)) return kExitUsage;
  std::vector<EvalReport> reports;
  int code = kExitOk;
  for (const auto& name : flags.files) {
    const DataSpec spec = ParseDataSpec(name);
    std::vector<Status> errors;
    Scorer& by = spec.conversations ? dialogue : scorer;
    auto rows = ScoreLabeledData(spec, by, options, !flags.no_context, &errors);
    if (!rows.ok()) {
      std::fprintf(stderr, "convsent eval: %s\n", rows.status().ToString().c_str());
      code = kExitFailure;
      continue;
    }
    for (const auto& e : errors) std::fprintf(stderr, "convsent eval: skipped %s\n", e.message().c_str());
    if (!errors.empty()) code = std::max(code, kExitPartial);
    EvalReport r = EvaluateScored(*rows);
    r.file = spec.Name();
    r.model = by.model().info().version;
    r.in_context = spec.conversations && !flags.no_context;
    r.skipped_lines = static_cast<int>(errors.size());
    if (!flags.json) std::fputs(EvalReportToText(r).c_str(), stdout);
    reports.push_back(std::move(r));
  }
  if (flags.json) {
    std::printf("%s\n", EvalReportsToJson(model->info().version, reports).c_str());
  } else {
    std::printf("model %s\n", model->info().version.c_str());
  }
  return code;
}

}  // namespace

void AddEvalCommand(Command& app, int* exit_code) {
  auto flags = std::make_shared<EvalFlags>();
  Command* cmd = app.add_subcommand("eval", "Measure agreement with labeled 'label<TAB>text' files");
  cmd->add_option("files", flags->files,
                  "Labeled TSV files, or FILE.jsonl#SPLIT: one split of a conversations file, each turn scored "
                  "in its conversation")->required();
  cmd->add_option("--model", flags->model, "Model file (default: the embedded model)");
  cmd->add_flag("--json", flags->json, "Print JSON");
  cmd->add_flag("--no-context", flags->no_context, "Score a conversations file's turns alone, as lone lines");
  cmd->add_option("--lang", flags->lang, kLangFlagHelp);
  cmd->callback([flags, exit_code] { *exit_code = RunEval(*flags); });
}

}  // namespace convsent::cli
