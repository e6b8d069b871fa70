// The figures of `convsent eval` for one labelled set, and how they read
// as text and JSON.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "convsent/eval.h"
#include "util/append_format.h"

namespace convsent {
namespace {

using json = nlohmann::json;

std::string ClassName(int c) { return std::string(SentimentName(static_cast<Sentiment>(c))); }

// Share errors by class name, as fractions (0.05 = 5 points).
json SharesJson(const std::array<double, kNumClasses>& e) {
  json out = json::object();
  for (int c = 0; c < kNumClasses; ++c) out[ClassName(c)] = e[c];
  return out;
}

json ReportJson(const EvalReport& report) {
  const EvalResult& r = report.result;
  json per_class = json::object(), confusion = json::object();
  for (int c = 0; c < kNumClasses; ++c) {
    const auto& m = r.per_class[c];
    per_class[ClassName(c)] = {{"precision", m.precision}, {"recall", m.recall}, {"f1", m.f1}, {"support", m.support}};
    json row = json::object();
    for (int k = 0; k < kNumClasses; ++k) row[ClassName(k)] = r.confusion[c][k];
    confusion[ClassName(c)] = row;
  }
  return {{"file", report.file},
          {"model", report.model},
          {"n", r.n},
          {"accuracy", r.accuracy},
          {"macro_f1", r.macro_f1},
          {"macro_recall", r.macro_recall},
          {"ece", report.ece},
          {"share_error",
           {{"count", SharesJson(report.shares.count)}, {"mean_probability", SharesJson(report.shares.mean_probability)}}},
          {"per_class", per_class},
          {"confusion", confusion},
          {"skipped_lines", report.skipped_lines},
          {"languages", report.languages}};
}

}  // namespace

EvalReport EvaluateScored(const std::vector<ScoredLabel>& rows) {
  std::vector<Sentiment> gold, predicted;
  std::vector<std::array<float, kNumClasses>> probs;
  EvalReport report;
  for (const ScoredLabel& row : rows) {
    gold.push_back(row.gold);
    predicted.push_back(row.score.label);
    probs.push_back(row.score.p);
    ++report.languages[std::string(LanguageCode(row.score.language))];
  }
  report.result = Evaluate(gold, predicted);
  report.ece = ExpectedCalibrationError(probs, gold);
  report.shares = ShareError(gold, predicted, probs);
  return report;
}

std::string EvalReportToText(const EvalReport& report) {
  const EvalResult& r = report.result;
  std::string out;
  AppendFormat(&out, "%s  (n=%d%s)\n", report.file.c_str(), r.n,
         report.skipped_lines ? (", skipped " + std::to_string(report.skipped_lines)).c_str() : "");
  AppendFormat(&out, "  accuracy %.4f   macro-F1 %.4f   macro-recall %.4f   ECE %.4f\n", r.accuracy, r.macro_f1,
         r.macro_recall, report.ece);
  AppendFormat(&out, "  %-9s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
  for (int c = 0; c < kNumClasses; ++c) {
    const auto& m = r.per_class[c];
    AppendFormat(&out, "  %-9s %9.4f %9.4f %9.4f %8d\n", ClassName(c).c_str(), m.precision, m.recall, m.f1, m.support);
  }
  const ShareErrors& s = report.shares;
  AppendFormat(&out,
         "  share error, predicted - people's, points: classify-and-count neg %+.1f neu %+.1f pos %+.1f;"
         " mean probability neg %+.1f neu %+.1f pos %+.1f\n",
         100 * s.count[0], 100 * s.count[1], 100 * s.count[2], 100 * s.mean_probability[0],
         100 * s.mean_probability[1], 100 * s.mean_probability[2]);
  AppendFormat(&out, "  confusion (rows gold, columns predicted: neg neu pos)\n");
  for (int c = 0; c < kNumClasses; ++c) {
    AppendFormat(&out, "  %-9s %7d %7d %7d\n", ClassName(c).c_str(), r.confusion[c][0], r.confusion[c][1], r.confusion[c][2]);
  }
  std::string told;
  for (const auto& [code, n] : report.languages) told += " " + code + " " + std::to_string(n);
  out += "  languages (messages per language, as scored):" + told + "\n";
  if (report.in_context) out += "  scored by " + report.model + ", each turn with the turns before it\n";
  return out;
}

std::string EvalReportsToJson(const std::string& model, const std::vector<EvalReport>& reports) {
  json results = json::array();
  for (const EvalReport& r : reports) results.push_back(ReportJson(r));
  return json({{"model", model}, {"results", results}}).dump(2);
}

}  // namespace convsent
