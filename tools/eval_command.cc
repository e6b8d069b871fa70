// convsent eval: agreement with labeled TSV files, and with the labelled
// turns of conversations files (FILE.jsonl#SPLIT), scored in their
// conversation.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

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

// Share errors by class name, as fractions (0.05 = 5 points).
nlohmann::json SharesJson(const std::array<double, kNumClasses>& e) {
  nlohmann::json out = nlohmann::json::object();
  for (int c = 0; c < kNumClasses; ++c) out[std::string(SentimentName(static_cast<Sentiment>(c)))] = e[c];
  return out;
}

nlohmann::json ToJson(const std::string& path, const EvalResult& r, double ece, const ShareErrors& shares,
                      int skipped) {
  nlohmann::json per_class = nlohmann::json::object();
  nlohmann::json confusion = nlohmann::json::object();
  for (int c = 0; c < kNumClasses; ++c) {
    const auto& m = r.per_class[c];
    const std::string name(SentimentName(static_cast<Sentiment>(c)));
    per_class[name] = {{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}, {"support", m.support}};
    nlohmann::json row = nlohmann::json::object();
    for (int k = 0; k < kNumClasses; ++k) row[std::string(SentimentName(static_cast<Sentiment>(k)))] = r.confusion[c][k];
    confusion[name] = row;
  }
  return {{"file", path},           {"n", r.n},
          {"accuracy", r.accuracy}, {"macro_f1", r.macro_f1},
          {"macro_recall", r.macro_recall}, {"ece", ece},
          {"share_error", {{"count", SharesJson(shares.count)}, {"mean_probability", SharesJson(shares.mean_probability)}}},
          {"per_class", per_class}, {"confusion", confusion},
          {"skipped_lines", skipped}};
}

void PrintText(const std::string& path, const EvalResult& r, double ece, const ShareErrors& shares, int skipped) {
  std::printf("%s  (n=%d%s)\n", path.c_str(), r.n, skipped ? (", skipped " + std::to_string(skipped)).c_str() : "");
  std::printf("  accuracy %.4f   macro-F1 %.4f   macro-recall %.4f   ECE %.4f\n", r.accuracy, r.macro_f1,
              r.macro_recall, ece);
  std::printf("  %-9s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
  for (int c = 0; c < kNumClasses; ++c) {
    const auto& m = r.per_class[c];
    std::printf("  %-9s %9.4f %9.4f %9.4f %8d\n", std::string(SentimentName(static_cast<Sentiment>(c))).c_str(),
                m.precision, m.recall, m.f1, m.support);
  }
  std::printf("  share error, predicted - people's, points: classify-and-count neg %+.1f neu %+.1f pos %+.1f;"
              " mean probability neg %+.1f neu %+.1f pos %+.1f\n",
              100 * shares.count[0], 100 * shares.count[1], 100 * shares.count[2], 100 * shares.mean_probability[0],
              100 * shares.mean_probability[1], 100 * shares.mean_probability[2]);
  std::printf("  confusion (rows gold, columns predicted: neg neu pos)\n");
  for (int c = 0; c < kNumClasses; ++c) {
    std::printf("  %-9s %7d %7d %7d\n", std::string(SentimentName(static_cast<Sentiment>(c))).c_str(),
                r.confusion[c][0], r.confusion[c][1], r.confusion[c][2]);
  }
}

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
  nlohmann::json all = nlohmann::json::array();
  int code = kExitOk;
  for (const auto& name : flags.files) {
    const DataSpec spec = ParseDataSpec(name);
    const std::string path = spec.Name();
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
    std::vector<Sentiment> gold, pred;
    std::vector<std::array<float, kNumClasses>> probs;
    std::map<std::string, int> languages;  // which language's model scored how many
    for (const auto& row : *rows) {
      gold.push_back(row.gold);
      pred.push_back(row.score.label);
      probs.push_back(row.score.p);
      ++languages[std::string(LanguageCode(row.score.language))];
    }
    const EvalResult r = Evaluate(gold, pred);
    const double ece = ExpectedCalibrationError(probs, gold);
    const ShareErrors shares = ShareError(gold, pred, probs);
    const int skipped = static_cast<int>(errors.size());
    const std::string version = by.model().info().version;
    if (flags.json) {
      all.push_back(ToJson(path, r, ece, shares, skipped));
      all.back()["model"] = version;
      all.back()["languages"] = languages;
    } else {
      PrintText(path, r, ece, shares, skipped);
      std::string told;
      for (const auto& [code, n] : languages) told += " " + code + " " + std::to_string(n);
      std::printf("  languages (messages per language, as scored):%s\n", told.c_str());
      if (&by != &scorer) std::printf("  scored by %s, each turn with the turns before it\n", version.c_str());
    }
  }
  if (flags.json) {
    nlohmann::json out = {{"model", model->info().version}, {"results", all}};
    std::printf("%s\n", out.dump(2).c_str());
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
