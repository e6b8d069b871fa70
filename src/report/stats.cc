#include "convsent/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace convsent {

double ToneCounts::NetScore() const {
  const int64_t n = scored();
  return n ? static_cast<double>(positive - negative) / static_cast<double>(n) : 0;
}
double ToneCounts::MeanScore5() const {
  const int64_t n = scored();
  return n ? score5_sum / static_cast<double>(n) : 0;
}
double ToneCounts::NegativeShare() const {
  const int64_t n = scored();
  return n ? static_cast<double>(negative) / static_cast<double>(n) : 0;
}
double ToneCounts::NeutralShare() const {
  const int64_t n = scored();
  return n ? static_cast<double>(neutral) / static_cast<double>(n) : 0;
}
double ToneCounts::PositiveShare() const {
  const int64_t n = scored();
  return n ? static_cast<double>(positive) / static_cast<double>(n) : 0;
}
ToneCounts& ToneCounts::operator+=(const ToneCounts& o) {
  negative += o.negative;
  neutral += o.neutral;
  positive += o.positive;
  score5_sum += o.score5_sum;
  return *this;
}

Band BandOf(double s) {
  if (s < 0.10) return Band::kStrong;
  if (s <= 0.20) return Band::kHealthy;
  if (s <= 0.35) return Band::kStrained;
  return Band::kAtRisk;
}

std::string_view BandName(Band b) {
  switch (b) {
    case Band::kStrong: return "strong";
    case Band::kHealthy: return "healthy";
    case Band::kStrained: return "strained";
    case Band::kAtRisk: return "at risk";
  }
  return "?";
}

Interval WilsonInterval(int64_t k, int64_t n, double z) {
  if (n <= 0) return {0, 1};
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double NormalUpperTail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

TestResult TwoProportionTest(int64_t a1, int64_t n1, int64_t a2, int64_t n2) {
  if (n1 <= 0 || n2 <= 0) return {};
  const double p1 = static_cast<double>(a1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(a2) / static_cast<double>(n2);
  const double pooled = static_cast<double>(a1 + a2) / static_cast<double>(n1 + n2);
  const double se = std::sqrt(pooled * (1 - pooled) * (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
  if (se == 0) return {0, 1};
  const double z = (p1 - p2) / se;
  return {z, std::min(1.0, 2 * NormalUpperTail(std::fabs(z)))};
}

std::vector<bool> HolmSignificant(const std::vector<double>& p, double alpha) {
  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<bool> significant(p.size(), false);
  const size_t m = p.size();
  for (size_t rank = 0; rank < m; ++rank) {
    if (p[order[rank]] > alpha / static_cast<double>(m - rank)) break;  // step-down: stop at the first failure
    significant[order[rank]] = true;
  }
  return significant;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

}  // namespace convsent
