#include "convsent/estimate.h"

#include <algorithm>
#include <cmath>

namespace convsent {
namespace {

constexpr double kZ = 1.959963984540054;

// The variance of one audited conversation's correction for class k,
// (person is k) - (model is k), with half a count added to each way of
// disagreeing.
double CorrectionVariance(const AuditCounts& c, int k) {
  const double n = static_cast<double>(c.labels());
  double up = 0, down = 0;  // the person says k and the model does not; the reverse
  for (int other = 0; other < 3; ++other) {
    if (other == k) continue;
    up += static_cast<double>(c.matrix[other][k]);
    down += static_cast<double>(c.matrix[k][other]);
  }
  const double a = (up + 0.5) / (n + 1), b = (down + 0.5) / (n + 1);
  return a + b - (a - b) * (a - b);
}

}  // namespace

int64_t AuditCounts::labels() const {
  int64_t n = 0;
  for (const auto& row : matrix) n += row[0] + row[1] + row[2];
  return n;
}

AuditCounts& AuditCounts::operator+=(const AuditCounts& o) {
  for (int i = 0; i < 3; ++i) {
    model[i] += o.model[i];
    for (int j = 0; j < 3; ++j) matrix[i][j] += o.matrix[i][j];
  }
  return *this;
}

std::optional<ShareEstimate> EstimateShares(const AuditCounts& c) {
  const int64_t n = c.labels(), population = c.model[0] + c.model[1] + c.model[2];
  if (n == 0 || population == 0) return std::nullopt;
  ShareEstimate e;
  e.labels = n, e.population = population;
  const double nn = static_cast<double>(n), big_n = static_cast<double>(population);
  for (int k = 0; k < 3; ++k) {
    const double p = static_cast<double>(c.model[k]) / big_n;
    double correction = 0;
    for (int j = 0; j < 3; ++j) correction += static_cast<double>(c.matrix[j][k] - c.matrix[k][j]);
    correction /= nn;
    const double se = std::sqrt(p * (1 - p) / big_n + CorrectionVariance(c, k) / nn);
    e.share[k] = std::clamp(p + correction, 0.0, 1.0);
    e.interval[k] = {std::clamp(p + correction - kZ * se, 0.0, 1.0), std::clamp(p + correction + kZ * se, 0.0, 1.0)};
  }
  // The estimated shares may not sum to one once clamped; they are shown as
  // estimated, each with its interval.
  e.band = BandOf(e.share[0]);
  e.band_certain = BandOf(e.interval[0].low) == BandOf(e.interval[0].high);
  // Agreement and Cohen's kappa on the audit alone.
  double agree = 0, chance = 0;
  for (int k = 0; k < 3; ++k) {
    agree += static_cast<double>(c.matrix[k][k]);
    double model = 0, person = 0;
    for (int j = 0; j < 3; ++j)
      model += static_cast<double>(c.matrix[k][j]), person += static_cast<double>(c.matrix[j][k]);
    chance += model * person / (nn * nn);
  }
  e.agreement = agree / nn;
  if (n >= 2 && chance < 1) e.kappa = (e.agreement - chance) / (1 - chance);
  return e;
}

int64_t AuditLabelsFor(const AuditCounts& c, double margin) {
  const int64_t population = c.model[0] + c.model[1] + c.model[2];
  if (population == 0) return 0;
  const double p = static_cast<double>(c.model[0]) / static_cast<double>(population);
  const double room = (margin / kZ) * (margin / kZ) - p * (1 - p) / static_cast<double>(population);
  const double variance = c.labels() > 0 ? CorrectionVariance(c, 0) : std::max(p * (1 - p), 0.01);
  if (room <= 0) return population;  // the model's share alone is this uncertain: label them all
  return std::min<int64_t>(population, static_cast<int64_t>(std::ceil(variance / room)));
}

}  // namespace convsent
