// The corrected estimate (convsent/estimate.h): hand-computed values, and
// its coverage by simulation: on made-up populations, and on shared sets
// the shipped model was not trained on, 300 random audit labels estimate
// the true negative share without bias and their 95% interval covers it
// in at least 90% of 200 draws.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "convsent/estimate.h"
#include "convsent/eval.h"
#include "convsent/model.h"
#include "convsent/scorer.h"
#include "test_util.h"

namespace convsent {
namespace {

constexpr int N = 0, U = 1, P = 2;

TEST(Estimate, NoneWithoutAuditLabels) {
  AuditCounts c;
  c.model[N] = 10, c.model[U] = 80, c.model[P] = 10;
  EXPECT_FALSE(EstimateShares(c).has_value());
  EXPECT_EQ(AuditLabelsFor(c), 100) << "never more than there are";
  // The classic sample size for the model's 10%, 1.96^2 * 0.09 / 0.03^2 =
  // 384, and a little more for the model share's own uncertainty.
  c.model[N] = 10000, c.model[U] = 80000, c.model[P] = 10000;
  const double room = (0.03 / 1.959963984540054) * (0.03 / 1.959963984540054) - 0.09 / 100000;
  EXPECT_EQ(AuditLabelsFor(c), static_cast<int64_t>(std::ceil(0.09 / room)));  // 386
}

TEST(Estimate, HandComputed) {
  // 1,000 conversations, the model says 200 negative, 700 neutral, 100
  // positive. 10 audited: the model called 4 of them negative, of which
  // people say 2 negative and 2 neutral; of the 6 it called neutral people
  // say 5 neutral and 1 negative.
  AuditCounts c;
  c.model[N] = 200, c.model[U] = 700, c.model[P] = 100;
  c.matrix[N][N] = 2, c.matrix[N][U] = 2, c.matrix[U][U] = 5, c.matrix[U][N] = 1;
  const auto e = EstimateShares(c);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->labels, 10);
  // Negative: 0.2 + (1 - 2) / 10 = 0.1. Its correction's rates, each with
  // half a count: up (1 + 0.5) / 11, down (2 + 0.5) / 11.
  EXPECT_NEAR(e->share[N], 0.1, 1e-12);
  const double up = 1.5 / 11, down = 2.5 / 11;
  const double se = std::sqrt(0.2 * 0.8 / 1000 + (up + down - (up - down) * (up - down)) / 10);
  EXPECT_NEAR(e->interval[N].low, std::max(0.0, 0.1 - 1.959963984540054 * se), 1e-9);
  EXPECT_NEAR(e->interval[N].high, 0.1 + 1.959963984540054 * se, 1e-9);
  // Neutral: 0.7 + (2 - 1) / 10; positive: 0.1 + 0.
  EXPECT_NEAR(e->share[U], 0.8, 1e-12);
  EXPECT_NEAR(e->share[P], 0.1, 1e-12);
  EXPECT_EQ(e->band, Band::kHealthy);  // 10.0% is the healthy band's floor
  EXPECT_FALSE(e->band_certain) << "ten labels cannot tell the band";
  EXPECT_NEAR(e->agreement, 0.7, 1e-12);
  // Kappa: chance = (4*3 + 6*7) / 100 = 0.54; (0.7 - 0.54) / 0.46.
  ASSERT_TRUE(e->kappa.has_value());
  EXPECT_NEAR(*e->kappa, 0.16 / 0.46, 1e-12);
}

TEST(Estimate, AnAuditWithoutDisagreementIsNotCertainty) {
  AuditCounts c;
  c.model[N] = 300, c.model[U] = 700;
  c.matrix[N][N] = 3, c.matrix[U][U] = 7;
  const auto e = EstimateShares(c);
  ASSERT_TRUE(e.has_value());
  EXPECT_NEAR(e->share[N], 0.3, 1e-12);
  EXPECT_GT(e->interval[N].high - e->interval[N].low, 0.15) << "ten agreeing labels still leave room";
}

// Draws `n` of the population's indices without replacement.
std::vector<size_t> Draw(size_t population, size_t n, std::mt19937_64& rng) {
  std::vector<size_t> all(population);
  std::iota(all.begin(), all.end(), 0);
  for (size_t i = 0; i < n; ++i) std::swap(all[i], all[i + rng() % (population - i)]);
  all.resize(n);
  return all;
}

struct Coverage {
  double truth = 0, mean_estimate = 0, covered = 0, within_2_points = 0, mean_half_width = 0;
};

// 200 audits of `labels` conversations each, drawn from a population whose
// model and true labels are given.
Coverage Simulate(const std::vector<int>& model, const std::vector<int>& truth, size_t labels, uint64_t seed) {
  AuditCounts base;
  for (int m : model) ++base.model[m];
  Coverage out;
  out.truth = static_cast<double>(std::count(truth.begin(), truth.end(), N)) / static_cast<double>(truth.size());
  std::mt19937_64 rng(seed);
  constexpr int kDraws = 200;
  for (int d = 0; d < kDraws; ++d) {
    AuditCounts c = base;
    for (size_t i : Draw(model.size(), labels, rng)) ++c.matrix[model[i]][truth[i]];
    const auto e = EstimateShares(c);
    out.mean_estimate += e->share[N] / kDraws;
    out.covered += (e->interval[N].low <= out.truth && out.truth <= e->interval[N].high) ? 1.0 / kDraws : 0;
    out.within_2_points += std::abs(e->share[N] - out.truth) <= 0.02 ? 1.0 / kDraws : 0;
    out.mean_half_width += (e->interval[N].high - e->interval[N].low) / 2 / kDraws;
  }
  return out;
}

// A made-up team: 20,000 conversations, 4% truly negative, and a model
// that calls 12% of the neutral ones negative (the drift issue #20 names:
// the model says twice the truth).
TEST(Estimate, CoversTheTruthOnAMadeUpTeam) {
  std::mt19937_64 rng(11);
  std::vector<int> model, truth;
  for (int i = 0; i < 20000; ++i) {
    const int t = rng() % 100 < 4 ? N : rng() % 100 < 80 ? U : P;
    int m = t;
    if (t == U && rng() % 100 < 12) m = N;
    if (t == N && rng() % 100 < 30) m = U;
    model.push_back(m), truth.push_back(t);
  }
  const Coverage c = Simulate(model, truth, 300, 5);
  std::printf("[ estimate ] made-up team: truth %.3f, model %.3f, mean estimate %.3f, coverage %.2f, within 2 points %.2f\n",
              c.truth, static_cast<double>(std::count(model.begin(), model.end(), N)) / 20000.0, c.mean_estimate,
              c.covered, c.within_2_points);
  EXPECT_NEAR(c.mean_estimate, c.truth, 0.02);
  EXPECT_GE(c.covered, 0.90);
}

// The shipped model on shared test sets, each message a conversation of
// one: four whose domains its training never saw (they have no train
// split), and uss_multiwoz's task dialogue, where the model calls twice the
// true share negative (issue #20).
TEST(Estimate, CoversTheTruthOnSharedTestSets) {
  SKIP_WITHOUT_SHARED_DATA();
  auto loaded = Model::Embedded();
  ASSERT_TRUE(loaded.ok());
  Scorer scorer(*loaded);
  ScoreOptions o;
  o.explain = 0;
  uint64_t seed = 1;
  for (const char* set : {"semeval2013_sms", "semeval2014_livejournal", "vader_amazon_reviews", "vader_nyt_editorials",
                          "uss_multiwoz"}) {
    std::vector<Status> errors;
    auto rows = ReadLabeledTsv(testing::SharedDir() + "/data/" + set + "/test.tsv", &errors);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<int> model, truth;
    for (const auto& r : *rows) {
      model.push_back(static_cast<int>(scorer.Score(r.text, o).label));
      truth.push_back(static_cast<int>(r.label));
    }
    const Coverage c = Simulate(model, truth, 300, seed++);
    const double model_share = static_cast<double>(std::count(model.begin(), model.end(), N)) /
                               static_cast<double>(model.size());
    std::printf("[ estimate ] %-24s truth %.3f  model %.3f  mean estimate %.3f  coverage %.2f  within 2 points %.2f  "
                "half-width %.3f\n",
                set, c.truth, model_share, c.mean_estimate, c.covered, c.within_2_points, c.mean_half_width);
    EXPECT_NEAR(c.mean_estimate, c.truth, 0.02) << set;
    EXPECT_GE(c.covered, 0.90) << set;
  }
}

}  // namespace
}  // namespace convsent
