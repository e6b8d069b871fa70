// The corrected estimate: the true shares of negative, neutral and
// positive conversations, from the model's tone of every conversation and
// people's labels of a uniformly random audit sample of them.
//
// Prediction-powered inference (Angelopoulos et al., Science 382, 2023)
// for a mean, with the model's hard labels as predictions: the model's
// share over all N conversations, plus the mean of (person - model) over
// the n audited ones, which removes the model's bias on this team's
// conversations. Its variance is the model share's, p(1-p)/N, plus the
// correction's, s^2/n; the 95% interval is the normal one. The correction's
// disagreement rates get half a count each way (as Jeffreys' interval does
// for a proportion), so an audit that has seen no disagreement yet does not
// claim certainty. docs/report.md says why this estimator and what it
// assumes: the audit is a uniform random sample of the conversations
// reported.
//
// Pure functions, tested on hand-computed values and by simulation
// (tests/estimate_test.cc).
#ifndef CONVSENT_ESTIMATE_H_
#define CONVSENT_ESTIMATE_H_

#include <cstdint>
#include <optional>

#include "convsent/stats.h"

namespace convsent {

// Below this many audit labels a period or a segment gets no estimate of
// its own (the overall estimate is given from one label on).
inline constexpr int64_t kMinAuditLabelsPerGroup = 30;

// What the estimate is made from: the model's tone counts over all the
// conversations (negative, neutral, positive), and for the audited ones
// the model's tone against the person's, [model][person].
struct AuditCounts {
  int64_t model[3] = {};
  int64_t matrix[3][3] = {};
  int64_t labels() const;
  AuditCounts& operator+=(const AuditCounts& o);
};

struct ShareEstimate {
  int64_t labels = 0, population = 0;
  double share[3] = {};  // negative, neutral, positive: estimated true shares
  Interval interval[3];  // 95%
  Band band = Band::kStrong;
  bool band_certain = false;    // the negative share's interval lies within one band
  std::optional<double> kappa;  // Cohen's, model against people, on the audit
  double agreement = 0;         // share of audited conversations where they agree
};

// nullopt without audit labels or conversations.
std::optional<ShareEstimate> EstimateShares(const AuditCounts& counts);

// How many audit labels would give a 95% interval of +-`margin` on the
// negative share: from the audit's disagreement when there is one, else the
// classic sample size for the model's share, 1.96^2 p(1-p) / margin^2 (a
// model that agrees with people needs fewer, as the audit then shows).
int64_t AuditLabelsFor(const AuditCounts& counts, double margin = 0.03);

}  // namespace convsent

#endif  // CONVSENT_ESTIMATE_H_
