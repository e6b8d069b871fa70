#include <gtest/gtest.h>

#include "convsent/eval.h"
#include "test_util.h"

namespace convsent {
namespace {

constexpr auto N = Sentiment::kNegative;
constexpr auto U = Sentiment::kNeutral;
constexpr auto P = Sentiment::kPositive;

TEST(Evaluate, HandComputedFixture) {
  // gold: N N N U U P P P P ; predicted: N N U U P P P N P
  const std::vector<Sentiment> gold{N, N, N, U, U, P, P, P, P};
  const std::vector<Sentiment> pred{N, N, U, U, P, P, P, N, P};
  const EvalResult r = Evaluate(gold, pred);
  EXPECT_EQ(r.n, 9);
  EXPECT_NEAR(r.accuracy, 6.0 / 9, 1e-12);
  // negative: tp 2, predicted 3, support 3 -> P 2/3 R 2/3 F1 2/3
  EXPECT_NEAR(r.per_class[0].precision, 2.0 / 3, 1e-12);
  EXPECT_NEAR(r.per_class[0].recall, 2.0 / 3, 1e-12);
  // neutral: tp 1, predicted 2, support 2 -> P 1/2 R 1/2
  EXPECT_NEAR(r.per_class[1].f1, 0.5, 1e-12);
  // positive: tp 3, predicted 4, support 4 -> P 3/4 R 3/4
  EXPECT_NEAR(r.per_class[2].f1, 0.75, 1e-12);
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 0.5 + 0.75) / 3, 1e-12);
  EXPECT_NEAR(r.macro_recall, (2.0 / 3 + 0.5 + 0.75) / 3, 1e-12);
  EXPECT_EQ(r.confusion[2][0], 1);
  EXPECT_EQ(r.confusion[0][1], 1);
}

TEST(Evaluate, BinaryGoldAveragesOverPresentClassesOnly) {
  // No neutral gold: a predicted neutral is wrong, neutral is not averaged.
  const std::vector<Sentiment> gold{N, N, P, P};
  const std::vector<Sentiment> pred{N, U, P, P};
  const EvalResult r = Evaluate(gold, pred);
  // negative: P 1 R 0.5 F1 2/3; positive: P 1 R 1 F1 1
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 1.0) / 2, 1e-12);
  EXPECT_NEAR(r.macro_recall, 0.75, 1e-12);
}

TEST(Evaluate, EmptyInput) {
  const EvalResult r = Evaluate({}, {});
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.macro_f1, 0);
}

TEST(Calibration, ExpectedCalibrationError) {
  // Two in the 0.9 bin, one right: |0.5 - 0.9| * 2/4; two in the 0.6 bin,
  // both right: |1 - 0.6| * 2/4.
  const std::vector<std::array<float, 3>> probs{{0.9f, 0.05f, 0.05f}, {0.9f, 0.05f, 0.05f},
                                                {0.2f, 0.6f, 0.2f}, {0.2f, 0.6f, 0.2f}};
  const std::vector<Sentiment> gold{N, P, U, U};
  EXPECT_NEAR(ExpectedCalibrationError(probs, gold, 10), 0.4 * 0.5 + 0.4 * 0.5, 1e-6);
}

TEST(ShareError, CountsLabelsAndAveragesProbabilities) {
  // People: 2 negative, 1 neutral, 1 positive. Labels: 1, 1, 2. Mean
  // probabilities: negative 0.4, neutral 0.35, positive 0.25.
  const std::vector<Sentiment> gold{N, N, U, P};
  const std::vector<Sentiment> pred{N, U, P, P};
  const std::vector<std::array<float, 3>> probs{{0.7f, 0.2f, 0.1f}, {0.3f, 0.6f, 0.1f},
                                                {0.3f, 0.3f, 0.4f}, {0.3f, 0.3f, 0.4f}};
  const ShareErrors e = ShareError(gold, pred, probs);
  EXPECT_NEAR(e.count[0], 0.25 - 0.5, 1e-9);
  EXPECT_NEAR(e.count[1], 0.25 - 0.25, 1e-9);
  EXPECT_NEAR(e.count[2], 0.5 - 0.25, 1e-9);
  EXPECT_NEAR(e.mean_probability[0], 0.4 - 0.5, 1e-6);
  EXPECT_NEAR(e.mean_probability[1], 0.35 - 0.25, 1e-6);
  EXPECT_NEAR(e.mean_probability[2], 0.25 - 0.25, 1e-6);
  const ShareErrors none = ShareError({}, {}, {});
  EXPECT_EQ(none.count[0], 0);
}

TEST(ToneChoice, ThresholdsAreChosenOnTheirSplitOnly) {
  // On dev, pooled compounds -0.5 (negative), 0 (neutral), 0.4 (positive):
  // the thresholds nearest 0 that separate them are -0.05 and 0.05. A test
  // dialogue that would move them is not read.
  std::vector<LabeledDialogue> ds = {{"dev", N, {-0.5f}}, {"dev", U, {0.0f}}, {"dev", P, {0.4f}},
                                     {"dev", P, {0.1f, 0.6f}}, {"test", N, {0.3f}}};
  const ToneChoice c = ChooseToneThresholds(ds, "dev", ToneRule::kMean);
  EXPECT_NEAR(c.negative_below, -0.05f, 1e-6);
  EXPECT_NEAR(c.positive_above, 0.05f, 1e-6);
  EXPECT_EQ(c.result.n, 4);
  EXPECT_NEAR(c.result.macro_f1, 1.0, 1e-12);
  // The last message alone calls the second positive dialogue positive too,
  // and the worst message calls it neutral only above 0.10.
  EXPECT_NEAR(EvaluateTone(ds, "dev", ToneRule::kLast, -0.05f, 0.05f).macro_f1, 1.0, 1e-12);
  const EvalResult worst = EvaluateTone(ds, "dev", ToneRule::kWorst, -0.05f, 0.15f);
  EXPECT_EQ(worst.confusion[2][1], 1);
  EXPECT_EQ(EvaluateTone(ds, "test", ToneRule::kMean, c.negative_below, c.positive_above).confusion[0][2], 1);
}

TEST(LabeledTsv, ReportsBadLinesByFileAndLineAndKeepsTheRest) {
  testing::TempDir dir;
  const std::string path = dir.Write("x.tsv", "label\ttext\npositive\tgreat\nhappy\tbad label\nno tab here\nnegative\tawful\r\n");
  std::vector<Status> errors;
  auto rows = ReadLabeledTsv(path, &errors);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].text, "awful");
  EXPECT_EQ((*rows)[1].line, 5);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].message().find(path + ":3: field label"), std::string::npos) << errors[0].message();
  EXPECT_NE(errors[1].message().find(path + ":4"), std::string::npos);
  EXPECT_FALSE(ReadLabeledTsv(dir.path() + "/missing.tsv", &errors).ok());
}

}  // namespace
}  // namespace convsent
