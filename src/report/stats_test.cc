// The metric's formulas against values computed by hand (and checked with a
// calculator): these numbers are what a support team will act on.
#include <gtest/gtest.h>

#include "convsent/stats.h"

namespace convsent {
namespace {

TEST(Stats, ScoreSharesAndMean) {
  ToneCounts c;
  c.negative = 20, c.neutral = 30, c.positive = 50;
  c.score5_sum = 20 * 1.5 + 30 * 3.0 + 50 * 4.5;
  EXPECT_EQ(c.scored(), 100);
  EXPECT_DOUBLE_EQ(c.NetScore(), 0.30);  // (50 - 20) / 100
  EXPECT_DOUBLE_EQ(c.NegativeShare(), 0.20);
  EXPECT_DOUBLE_EQ(c.NeutralShare(), 0.30);
  EXPECT_DOUBLE_EQ(c.PositiveShare(), 0.50);
  EXPECT_DOUBLE_EQ(c.MeanScore5(), 3.45);  // (30 + 90 + 225) / 100
  EXPECT_EQ(ToneCounts().NetScore(), 0);
  ToneCounts d;
  d.negative = 5;
  d += c;
  EXPECT_EQ(d.negative, 25);
}

TEST(Stats, Bands) {
  EXPECT_EQ(BandOf(0.0), Band::kStrong);
  EXPECT_EQ(BandOf(0.0999), Band::kStrong);
  EXPECT_EQ(BandOf(0.10), Band::kHealthy);
  EXPECT_EQ(BandOf(0.20), Band::kHealthy);
  EXPECT_EQ(BandOf(0.2001), Band::kStrained);
  EXPECT_EQ(BandOf(0.35), Band::kStrained);
  EXPECT_EQ(BandOf(0.3501), Band::kAtRisk);
  EXPECT_EQ(BandName(Band::kAtRisk), "at risk");
}

TEST(Stats, WilsonInterval) {
  // 20 of 100: centre (0.2 + 3.8415/200) / (1 + 3.8415/100) = 0.21110,
  // half-width 1.96 * sqrt(0.0016 + 0.000096) / 1.038415 = 0.07773.
  const Interval i = WilsonInterval(20, 100);
  EXPECT_NEAR(i.low, 0.1334, 1e-4);
  EXPECT_NEAR(i.high, 0.2888, 1e-4);
  const Interval zero = WilsonInterval(0, 10);
  EXPECT_EQ(zero.low, 0);
  EXPECT_NEAR(zero.high, 0.2775, 1e-4);
  const Interval empty = WilsonInterval(0, 0);
  EXPECT_EQ(empty.low, 0);
  EXPECT_EQ(empty.high, 1);
}

TEST(Stats, TwoProportionTest) {
  // 30/100 against 20/100: pooled 0.25, se = sqrt(0.25*0.75*0.02) = 0.061237,
  // z = 0.1 / 0.061237 = 1.63299, p = 0.10247.
  const TestResult t = TwoProportionTest(30, 100, 20, 100);
  EXPECT_NEAR(t.z, 1.63299, 1e-4);
  EXPECT_NEAR(t.p, 0.10247, 1e-4);
  EXPECT_NEAR(TwoProportionTest(20, 100, 30, 100).z, -1.63299, 1e-4);
  EXPECT_EQ(TwoProportionTest(1, 0, 1, 10).p, 1);
  EXPECT_NEAR(NormalUpperTail(1.959963984540054), 0.025, 1e-9);
}

TEST(Stats, HolmStepDown) {
  // m = 4, alpha 0.05: thresholds 0.0125, 0.01667, 0.025, 0.05 in p order.
  // 0.01 < 0.0125 yes; 0.015 < 0.01667 yes; 0.03 > 0.025 stop.
  const auto s = HolmSignificant({0.03, 0.01, 0.04, 0.015});
  EXPECT_EQ(s, (std::vector<bool>{false, true, false, true}));
  EXPECT_TRUE(HolmSignificant({}).empty());
}

TEST(Stats, Pearson) {
  EXPECT_NEAR(Pearson({1, 2, 3, 4}, {2, 4, 6, 8}), 1.0, 1e-12);
  EXPECT_NEAR(Pearson({1, 2, 3, 4}, {8, 6, 4, 2}), -1.0, 1e-12);
  // x = 1..5, y = 2,4,5,4,5: sxy = 6, sxx = 10, syy = 6 -> 6 / sqrt(60) = 0.774597
  EXPECT_NEAR(Pearson({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5}), 0.774597, 1e-6);
  EXPECT_EQ(Pearson({1, 1, 1}, {1, 2, 3}), 0);
}

}  // namespace
}  // namespace convsent
