#include <algorithm>
#include <cmath>

#include "convsent/eval.h"

namespace convsent {

EvalResult Evaluate(const std::vector<Sentiment>& gold, const std::vector<Sentiment>& predicted) {
  CONVSENT_CHECK(gold.size() == predicted.size());
  EvalResult r;
  r.n = static_cast<int>(gold.size());
  int correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    const int g = static_cast<int>(gold[i]), p = static_cast<int>(predicted[i]);
    ++r.confusion[g][p];
    correct += g == p;
  }
  r.accuracy = r.n ? static_cast<double>(correct) / r.n : 0;
  int present = 0;
  for (int c = 0; c < kNumClasses; ++c) {
    ClassMetrics& m = r.per_class[c];
    int tp = r.confusion[c][c];
    for (int k = 0; k < kNumClasses; ++k) {
      m.support += r.confusion[c][k];
      m.predicted += r.confusion[k][c];
    }
    m.precision = m.predicted ? static_cast<double>(tp) / m.predicted : 0;
    m.recall = m.support ? static_cast<double>(tp) / m.support : 0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0;
    if (m.support > 0) {
      ++present;
      r.macro_f1 += m.f1;
      r.macro_recall += m.recall;
    }
  }
  if (present) {
    r.macro_f1 /= present;
    r.macro_recall /= present;
  }
  return r;
}

ShareErrors ShareError(const std::vector<Sentiment>& gold, const std::vector<Sentiment>& predicted,
                       const std::vector<std::array<float, kNumClasses>>& probs) {
  CONVSENT_CHECK(gold.size() == predicted.size() && gold.size() == probs.size());
  ShareErrors e;
  if (gold.empty()) return e;
  const double n = static_cast<double>(gold.size());
  for (size_t i = 0; i < gold.size(); ++i) {
    const int g = static_cast<int>(gold[i]);
    e.count[g] -= 1 / n;
    e.mean_probability[g] -= 1 / n;
    e.count[static_cast<int>(predicted[i])] += 1 / n;
    for (int c = 0; c < kNumClasses; ++c) e.mean_probability[c] += probs[i][c] / n;
  }
  return e;
}

double ExpectedCalibrationError(const std::vector<std::array<float, kNumClasses>>& probs,
                                const std::vector<Sentiment>& gold, int bins) {
  CONVSENT_CHECK(probs.size() == gold.size() && bins > 0);
  std::vector<double> conf(bins, 0), acc(bins, 0);
  std::vector<int> count(bins, 0);
  for (size_t i = 0; i < probs.size(); ++i) {
    const auto& p = probs[i];
    const int best = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
    const int b = std::min(bins - 1, static_cast<int>(p[best] * bins));
    conf[b] += p[best];
    acc[b] += best == static_cast<int>(gold[i]);
    ++count[b];
  }
  double ece = 0;
  for (int b = 0; b < bins; ++b) {
    if (count[b]) ece += std::fabs(acc[b] - conf[b]) / static_cast<double>(probs.size());
  }
  return ece;
}

}  // namespace convsent
