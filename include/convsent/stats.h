// The statistics behind the sentiment metric: the score, the band, intervals
// and tests. Pure functions, tested against hand-computed values
// (tests/stats_test.cc).
#ifndef CONVSENT_STATS_H_
#define CONVSENT_STATS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace convsent {

// Counts of conversation tones over a selection.
struct ToneCounts {
  int64_t negative = 0, neutral = 0, positive = 0;
  double score5_sum = 0;  // sum of the 1-5 scores, for the mean
  int64_t scored() const { return negative + neutral + positive; }
  // (positive - negative) / scored, in [-1, 1]; 0 when nothing is scored.
  double NetScore() const;
  double MeanScore5() const;
  double NegativeShare() const;
  double NeutralShare() const;
  double PositiveShare() const;
  ToneCounts& operator+=(const ToneCounts& o);
};

// The band on the share of negative conversations: strong < 10%, healthy
// 10-20%, strained 20-35%, at risk > 35% (PRODUCT.md).
enum class Band : uint8_t { kStrong, kHealthy, kStrained, kAtRisk };
Band BandOf(double negative_share);
std::string_view BandName(Band b);

struct Interval {
  double low = 0, high = 0;
};
// 95% Wilson score interval of a proportion (successes of n).
Interval WilsonInterval(int64_t successes, int64_t n, double z = 1.959963984540054);

// Two-proportion z-test (pooled) of a1/n1 against a2/n2: z and the
// two-sided p-value. p = 1 when either n is 0.
struct TestResult {
  double z = 0, p = 1;
};
TestResult TwoProportionTest(int64_t a1, int64_t n1, int64_t a2, int64_t n2);

// Standard normal upper tail, P(Z > z).
double NormalUpperTail(double z);

// Holm-Bonferroni: for p-values of m tests, which are significant at
// family-wise error `alpha`.
std::vector<bool> HolmSignificant(const std::vector<double>& p_values, double alpha = 0.05);

// Pearson correlation of two equally long series; 0 when undefined.
double Pearson(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace convsent

#endif  // CONVSENT_STATS_H_
