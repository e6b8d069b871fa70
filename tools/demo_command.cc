// convsent demo: the main job on the built-in sample, for a first look.
// Scores the sample support messages and prints an evaluation against their
// labels.
#include <cstdio>
#include <sstream>

#include "convsent/eval.h"
#include "tools/commands.h"

extern "C" const char convsent_sample_messages[];
extern "C" const char convsent_sample_messages_end[];

namespace convsent::cli {
namespace {

std::string Shorten(std::string_view s, size_t width) {
  // Cut at a code point boundary, counting code points as columns.
  size_t cols = 0, i = 0;
  for (; i < s.size() && cols < width; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++cols;
  }
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  std::string out(s.substr(0, i));
  if (i < s.size()) out += "…";
  return out;
}

int RunDemo(const std::string& model_path) {
  auto model = LoadModelOrReport(model_path);
  if (!model) return kExitFailure;
  Scorer scorer(model);
  std::istringstream in(std::string(convsent_sample_messages, convsent_sample_messages_end));
  std::string line;
  std::getline(in, line);  // header
  std::vector<Sentiment> gold, pred;
  std::vector<std::array<float, kNumClasses>> probs;
  std::printf("Scoring the built-in sample of support messages with %s\n\n", model->info().version.c_str());
  std::printf("%-8s %-8s %7s %5s  %-46s %s\n", "gold", "model", "compound", "1-5", "message", "moved by");
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    Sentiment label;
    if (tab == std::string::npos || !ParseSentiment(line.substr(0, tab), &label)) continue;
    const std::string text = line.substr(tab + 1);
    const MessageScore s = scorer.Score(text);
    gold.push_back(label);
    pred.push_back(s.label);
    probs.push_back(s.p);
    std::string moved;
    for (const auto& c : s.explain) moved += c.token + (c.weight > 0 ? "(+) " : "(-) ");
    std::printf("%-8s %-8s %+7.2f %5.2f  %-46s %s%s\n", std::string(SentimentName(label)).c_str(),
                std::string(SentimentName(s.label)).c_str(), s.compound, s.score5, Shorten(text, 44).c_str(),
                moved.c_str(), label == s.label ? "" : "  <- disagrees");
  }
  const EvalResult r = Evaluate(gold, pred);
  std::printf("\n%d messages: accuracy %.3f, macro-F1 %.3f, macro-recall %.3f, ECE %.3f\n", r.n, r.accuracy,
              r.macro_f1, r.macro_recall, ExpectedCalibrationError(probs, gold));
  std::printf("Next: `convsent score` reads your own messages; `convsent eval FILE.tsv` measures a labeled set.\n");
  return kExitOk;
}

}  // namespace

void AddDemoCommand(Command& app, int* exit_code) {
  auto model = std::make_shared<std::string>();
  Command* cmd = app.add_subcommand("demo", "Score the built-in sample and print an evaluation");
  cmd->add_option("--model", *model, "Model file (default: the embedded model)");
  cmd->callback([model, exit_code] { *exit_code = RunDemo(*model); });
}

}  // namespace convsent::cli
