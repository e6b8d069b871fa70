// Choosing a conversation tone rule's thresholds on dialogues people judged.
#include <cmath>

#include "convsent/eval.h"

namespace convsent {

EvalResult EvaluateTone(const std::vector<LabeledDialogue>& dialogues, std::string_view split, ToneRule rule,
                        float negative_below, float positive_above) {
  std::vector<Sentiment> gold, predicted;
  for (const LabeledDialogue& d : dialogues) {
    if (d.split != split) continue;
    const float v = PoolTone(d.customer, rule);
    predicted.push_back(v <= negative_below   ? Sentiment::kNegative
                        : v >= positive_above ? Sentiment::kPositive
                                              : Sentiment::kNeutral);
    gold.push_back(d.gold);
  }
  return Evaluate(gold, predicted);
}

ToneChoice ChooseToneThresholds(const std::vector<LabeledDialogue>& dialogues, std::string_view split, ToneRule rule) {
  ToneChoice best;
  bool first = true;
  // The grid from 0 outward, so that a tie keeps the thresholds nearest 0.
  for (int a = 0; a <= 18; ++a) {
    for (int b = 0; b <= 18; ++b) {
      const float neg = -0.05f * static_cast<float>(a), pos = 0.05f * static_cast<float>(b);
      const EvalResult r = EvaluateTone(dialogues, split, rule, neg, pos);
      if (first || r.macro_f1 > best.result.macro_f1 + 1e-12 ||
          (std::fabs(r.macro_f1 - best.result.macro_f1) < 1e-12 && r.macro_recall > best.result.macro_recall + 1e-12)) {
        best = {neg, pos, r};
        first = false;
      }
    }
  }
  return best;
}

}  // namespace convsent
