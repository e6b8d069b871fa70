// convsent tone-eval: compares conversation tone rules against people's
// overall judgement of whole dialogues (uss_multiwoz conversations.jsonl).
// For each rule, thresholds are chosen on the dev dialogues (macro-F1,
// ties to macro-recall) and the rule is then reported on test.
#include <nlohmann/json.hpp>

#include "convsent/eval.h"
#include "convsent/rollup.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

int RunToneEval(const std::string& path, const std::string& model_path, bool json_out) {
  auto model = LoadModelOrReport(model_path, ModelUse::kConversations);
  if (!model) return kExitFailure;
  Scorer scorer(model);
  std::vector<Status> errors;
  auto conversations = ReadLabeledConversations(path, "", &errors);
  if (!conversations.ok()) {
    std::fprintf(stderr, "convsent tone-eval: %s\n", conversations.status().ToString().c_str());
    return kExitFailure;
  }
  for (const Status& e : errors) std::fprintf(stderr, "convsent tone-eval: skipped %s\n", e.message().c_str());
  // Each turn is scored in its conversation, as ingest scores it.
  std::vector<LabeledDialogue> dialogues;
  ScoreOptions options;
  options.explain = 0;
  MessageScore score;
  ContextTracker context;
  for (const LabeledConversation& c : *conversations) {
    if (!c.overall) {
      std::fprintf(stderr, "convsent tone-eval: skipped %s:%d: no overall.label\n", path.c_str(), c.line);
      continue;
    }
    LabeledDialogue d;
    d.split = c.split;
    d.gold = *c.overall;
    context.Clear();
    for (const LabeledTurn& t : c.turns) {
      scorer.Score(t.text, options, &score, context.Next(t.speaker));
      context.Add(t.speaker, score.turn);
      if (t.speaker == "customer") d.customer.push_back(score.compound);
    }
    dialogues.push_back(std::move(d));
  }
  const ToneRule rules[] = {ToneRule::kMean, ToneRule::kLast, ToneRule::kWorst, ToneRule::kEndWeighted,
                            ToneRule::kPeakEnd};
  nlohmann::json out = nlohmann::json::array();
  if (!json_out) {
    std::printf("%-13s %6s %6s | %-22s | %-22s | %s\n", "rule", "neg<=", "pos>=", "dev macro-F1 / recall",
                "test macro-F1 / recall", "train (scorer saw these turns)");
  }
  for (ToneRule rule : rules) {
    const ToneChoice best = ChooseToneThresholds(dialogues, "dev", rule);
    const EvalResult test = EvaluateTone(dialogues, "test", rule, best.negative_below, best.positive_above);
    const EvalResult train = EvaluateTone(dialogues, "train", rule, best.negative_below, best.positive_above);
    if (json_out) {
      out.push_back({{"rule", ToneRuleName(rule)}, {"negative_below", best.negative_below}, {"positive_above", best.positive_above},
                     {"dev", {{"macro_f1", best.result.macro_f1}, {"macro_recall", best.result.macro_recall}, {"n", best.result.n}}},
                     {"test", {{"macro_f1", test.macro_f1}, {"macro_recall", test.macro_recall}, {"n", test.n}}},
                     {"train", {{"macro_f1", train.macro_f1}, {"macro_recall", train.macro_recall}, {"n", train.n}}}});
    } else {
      std::printf("%-13s %6.2f %6.2f | %9.4f / %-10.4f | %9.4f / %-10.4f | %.4f / %.4f\n",
                  std::string(ToneRuleName(rule)).c_str(), best.negative_below, best.positive_above,
                  best.result.macro_f1, best.result.macro_recall, test.macro_f1, test.macro_recall, train.macro_f1, train.macro_recall);
    }
  }
  if (json_out) std::printf("%s\n", nlohmann::json{{"model", model->info().version}, {"rules", out}}.dump(2).c_str());
  else std::printf("model %s; %zu dialogues\n", model->info().version.c_str(), dialogues.size());
  return kExitOk;
}

}  // namespace

void AddToneEvalCommand(Command& app, int* exit_code) {
  auto path = std::make_shared<std::string>();
  auto model = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  Command* cmd = app.add_subcommand("tone-eval", "Compare conversation tone rules on dialogues with overall labels");
  cmd->add_option("file", *path, "conversations.jsonl with split and overall.label (uss_multiwoz)")->required();
  cmd->add_option("--model", *model, "Model file (default: the embedded model for conversations, which reads the turns before each message)");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([=] { *exit_code = RunToneEval(*path, *model, *json); });
}

}  // namespace convsent::cli
