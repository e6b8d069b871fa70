// The sentiment report: the score and its band, the trend and its
// direction, method changes, segments with intervals and flagged pockets,
// drift toward neutral, speed beside mood, and the related metrics.
//
// ReportBuilder takes the rows the store returns one at a time (memory does
// not grow with the number of conversations, beyond first response times
// for the quantiles), so every figure can be tested on hand-made rows and
// a million stored conversations make a report in about a second. The JSON
// layout is versioned (kReportSchemaVersion) and documented in
// docs/report.md.
#ifndef CONVSENT_REPORT_H_
#define CONVSENT_REPORT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convsent/estimate.h"
#include "convsent/stats.h"
#include "convsent/store.h"

namespace convsent {

inline constexpr int kReportSchemaVersion = 1;

enum class Period { kDay, kWeek };

struct ReportOptions {
  Period period = Period::kWeek;
  int min_segment_size = 30;      // smaller segments are listed but never flagged
  double alpha = 0.05;            // family-wise, Holm-corrected over the segments compared
  int drift_periods = 2;          // the last N periods against the ones before
  std::vector<std::pair<std::string, std::string>> where;  // KEY=VALUE filters, all must hold
  // Segment dimensions besides channel, topic, team, tag, agent and
  // language (once a store holds two): any attribute key.
  std::vector<std::string> segment_by;
  std::string scope = "all stored conversations matching the filters";
  // Where a reviewer labelled a conversation, count their label instead of
  // the model's tone (the mean on 1-5 stays the model's).
  bool blend_human_labels = false;
};

// How the model's tones agree with reviewers' labels.
struct HumanAgreement {
  int64_t labelled = 0;            // scored conversations with a human label
  int64_t agree = 0;
  int64_t matrix[3][3] = {};       // [model][human], negative, neutral, positive
  std::optional<double> kappa;     // Cohen's kappa; unset below 2 labels or when undefined
  bool blended = false;            // the counts use the human labels
};

// CSAT, NPS, first response time, escalation and reopen rates.
struct RelatedMetrics {
  int64_t conversations = 0;
  int64_t csat_responses = 0;
  std::optional<double> csat;        // satisfied (4-5) / responses x 100
  int64_t nps_responses = 0;
  std::optional<double> nps;         // % promoters (9-10) - % detractors (0-6)
  int64_t frt_count = 0;
  std::optional<double> frt_mean_min, frt_median_min, frt_p90_min;
  double escalation_rate = 0;        // escalated / handled x 100
  double reopen_rate = 0;            // reopened / handled x 100
};

struct PeriodStats {
  std::string label;                 // 2026-11-02 or 2026-W45
  int64_t start_ms = 0;
  ToneCounts counts;
  std::map<std::string, int64_t> models;  // method version -> conversations
  bool method_change = false;        // its methods differ from the period before, or it has several
  RelatedMetrics related;
  AuditCounts audit;
  std::optional<ShareEstimate> estimate;  // with kMinAuditLabelsPerGroup audit labels or more
};

struct SegmentStats {
  std::string dimension, value;
  ToneCounts counts;
  Interval negative_interval;        // 95% Wilson
  double p_worse = 1;                // one-sided, negative share above the rest
  bool compared = false;             // large enough to be tested
  bool pocket = false;               // significantly worse, after Holm correction
  RelatedMetrics related;
  AuditCounts audit;
  std::optional<ShareEstimate> estimate;  // with kMinAuditLabelsPerGroup audit labels or more
};

struct Report {
  ToneCounts overall;
  std::map<std::string, int64_t> models;
  Period period = Period::kWeek;
  std::vector<PeriodStats> trend;
  std::string direction;             // "21% and falling (p=0.003) ..." in words
  double direction_p = 1;
  std::vector<SegmentStats> segments;
  bool drift_flagged = false;
  double drift_recent = 0, drift_earlier = 0, drift_p = 1;
  double frt_negative_correlation = 0;  // across periods: median first response vs negative share
  RelatedMetrics related;
  std::vector<std::pair<std::string, std::string>> where;
  std::string scope;
  HumanAgreement human;
  // The true shares estimated from a random audit (convsent/estimate.h);
  // unset without audit labels.
  AuditCounts audit;
  std::optional<ShareEstimate> estimate;
  int64_t audit_labels_for_3_points = 0;
};

class ReportBuilder {
 public:
  // `dictionary` names the ids in the rows; it must outlive the builder.
  ReportBuilder(const ReportDictionary& dictionary, const ReportOptions& options);
  ~ReportBuilder();
  ReportBuilder(const ReportBuilder&) = delete;
  ReportBuilder& operator=(const ReportBuilder&) = delete;

  void Add(const ReportRow& row);  // rows that fail the filters are ignored
  Report Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A KEY=VALUE segment filter (--where, ?where=): false when it has no "="
// or no key.
bool ParseSegmentFilter(const std::string& text, std::pair<std::string, std::string>* out);

// The report over the conversations of `store` created in [from_ms, to_ms).
Result<Report> BuildReport(Store& store, int64_t from_ms, int64_t to_ms, const ReportOptions& options);

// The period a time falls in: its start (midnight UTC, or the Monday of its
// ISO week) and its label ("2026-11-02", "2026-W45").
int64_t PeriodStart(int64_t ms, Period period);
std::string PeriodLabel(int64_t start_ms, Period period);

std::string ReportToJson(const Report& r);
std::string ReportToText(const Report& r);
// One self-contained HTML page (inline SVG charts, no scripts, no network).
// `sections` (HTML, such as TreeToHtml's) goes before the method notes.
std::string ReportToHtml(const Report& r, const std::string& sections = "");

}  // namespace convsent

#endif  // CONVSENT_REPORT_H_
