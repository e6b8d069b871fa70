#include "convsent/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "util/append_format.h"

namespace convsent {
namespace {

constexpr int64_t kDayMs = 86400000LL;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Accumulates the related metrics.
struct RelatedAcc {
  int64_t n = 0, csat_n = 0, csat_ok = 0, nps_n = 0, promoters = 0, detractors = 0, escalated = 0, reopened = 0;
  std::vector<float> frt_min;  // floats: a million of them per segment stay small
  void Add(const ReportRow& r) {
    ++n;
    if (r.csat) ++csat_n, csat_ok += *r.csat >= 4;
    if (r.nps) ++nps_n, promoters += *r.nps >= 9, detractors += *r.nps <= 6;
    if (r.first_response_ms) frt_min.push_back(static_cast<float>(static_cast<double>(*r.first_response_ms) / 60000.0));
    escalated += r.escalated > 0;
    reopened += r.reopened > 0;
  }
  RelatedMetrics Finish() {
    RelatedMetrics m;
    m.conversations = n;
    m.csat_responses = csat_n;
    if (csat_n) m.csat = 100.0 * static_cast<double>(csat_ok) / static_cast<double>(csat_n);
    m.nps_responses = nps_n;
    if (nps_n) m.nps = 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(nps_n);
    m.frt_count = static_cast<int64_t>(frt_min.size());
    if (!frt_min.empty()) {
      double sum = 0;
      for (float v : frt_min) sum += v;
      m.frt_mean_min = sum / static_cast<double>(frt_min.size());
      auto quantile = [&](double q) {  // nearest rank; linear time, no full sort
        const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(frt_min.size())));
        const auto nth = frt_min.begin() + static_cast<std::ptrdiff_t>(std::min(frt_min.size() - 1, k == 0 ? 0 : k - 1));
        std::nth_element(frt_min.begin(), nth, frt_min.end());
        return static_cast<double>(*nth);
      };
      m.frt_median_min = quantile(0.5);
      m.frt_p90_min = quantile(0.9);
    }
    if (n) {
      m.escalation_rate = 100.0 * static_cast<double>(escalated) / static_cast<double>(n);
      m.reopen_rate = 100.0 * static_cast<double>(reopened) / static_cast<double>(n);
    }
    return m;
  }
};

void Count(ToneCounts* c, const ReportRow& r) {
  if (!r.has_customer) return;  // no customer message, no tone
  (r.tone == Sentiment::kNegative ? c->negative : r.tone == Sentiment::kPositive ? c->positive : c->neutral) += 1;
  c->score5_sum += r.score5;
}

std::string Percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.0f%%", 100 * share);
  return buf;
}

}  // namespace

int64_t PeriodStart(int64_t ms, Period p) {
  const int64_t day = FloorDiv(ms, kDayMs);
  if (p == Period::kDay) return day * kDayMs;
  // ISO weeks start on Monday; 1970-01-01 was a Thursday.
  return (day - ((day + 3) % 7 + 7) % 7) * kDayMs;
}

std::string PeriodLabel(int64_t start_ms, Period p) {
  if (p == Period::kDay) return FormatTime(start_ms).substr(0, 10);
  // The week belongs to the year of its Thursday.
  const int64_t thursday = FloorDiv(start_ms, kDayMs) + 3;
  const std::string thu = FormatTime(thursday * kDayMs);
  int64_t jan1 = 0;
  ParseTime(thu.substr(0, 4) + "-01-01", &jan1);
  const int64_t week = (thursday - FloorDiv(jan1, kDayMs)) / 7 + 1;
  char label[16];
  std::snprintf(label, sizeof(label), "%s-W%02lld", thu.substr(0, 4).c_str(), static_cast<long long>(week));
  return label;
}

struct ReportBuilder::State {
  const ReportDictionary& dict;
  ReportOptions o;
  std::vector<uint32_t> where_ids;  // every one must be among a row's segments
  bool where_impossible = false;    // a filter names a value no conversation has
  std::vector<int32_t> slot;        // per segment id: its accumulator, or -1 when its dimension is not reported
  ToneCounts overall;
  RelatedAcc related;
  std::map<uint32_t, int64_t> models;
  struct PeriodAcc {
    ToneCounts counts;
    std::map<uint32_t, int64_t> models;
    RelatedAcc related;
    AuditCounts audit;
  };
  std::map<int64_t, PeriodAcc> periods;
  int64_t last_start = INT64_MIN;
  PeriodAcc* last = nullptr;
  HumanAgreement human;
  std::vector<uint32_t> slot_ids;  // slot -> segment id
  std::vector<ToneCounts> segment_counts;
  std::vector<RelatedAcc> segment_related;
  AuditCounts audit;  // the model's tones (never blended) and the audit's labels
  std::vector<AuditCounts> segment_audit;

  State(const ReportDictionary& d, const ReportOptions& options) : dict(d), o(options) {
    for (const auto& [k, v] : o.where) {
      const auto id = dict.FindSegment(k, v);
      if (id) where_ids.push_back(*id);
      else where_impossible = true;
    }
    // Attributes such as a customer id can have a value per conversation:
    // only the reported dimensions get accumulators.
    slot.assign(dict.segments.size(), -1);
    // The language is a dimension once there are two: an English-only
    // team's would be one segment equal to the whole.
    int languages = 0;
    for (size_t i = 1; i < dict.segments.size(); ++i) languages += dict.segments[i].dimension == "language";
    for (size_t i = 1; i < dict.segments.size(); ++i) {
      const std::string& dim = dict.segments[i].dimension;
      if (dim == "channel" || dim == "topic" || dim == "team" || dim == "tag" || dim == "agent" ||
          (dim == "language" && languages >= 2) ||
          std::find(o.segment_by.begin(), o.segment_by.end(), dim) != o.segment_by.end()) {
        slot[i] = static_cast<int32_t>(slot_ids.size());
        slot_ids.push_back(static_cast<uint32_t>(i));
      }
    }
    segment_counts.resize(slot_ids.size());
    segment_related.resize(slot_ids.size());
    segment_audit.resize(slot_ids.size());
  }
};

ReportBuilder::ReportBuilder(const ReportDictionary& dictionary, const ReportOptions& options)
    : state_(std::make_unique<State>(dictionary, options)) {}
ReportBuilder::~ReportBuilder() = default;

void ReportBuilder::Add(const ReportRow& row) {
  State& st = *state_;
  if (st.where_impossible) return;
  for (uint32_t id : st.where_ids) {
    if (std::find(row.segments.begin(), row.segments.end(), id) == row.segments.end()) return;
  }
  const ReportRow* use = &row;
  ReportRow blended;
  if (row.has_customer && row.human) {
    HumanAgreement& h = st.human;
    ++h.labelled;
    h.agree += row.tone == *row.human;
    ++h.matrix[static_cast<int>(row.tone)][static_cast<int>(*row.human)];
    if (st.o.blend_human_labels) {
      blended = row;
      blended.tone = *row.human;
      use = &blended;
    }
  }
  const ReportRow& r = *use;
  Count(&st.overall, r);
  st.related.Add(r);
  if (r.has_customer) ++st.models[r.model];
  const int64_t start = PeriodStart(r.created_at_ms, st.o.period);
  if (start != st.last_start) {
    st.last = &st.periods[start];
    st.last_start = start;
  }
  Count(&st.last->counts, r);
  if (r.has_customer) ++st.last->models[r.model];
  st.last->related.Add(r);
  // The estimate counts the model's tone, whatever is blended.
  auto audit = [&row](AuditCounts* a) {
    if (!row.has_customer) return;
    ++a->model[static_cast<int>(row.tone)];
    if (row.audit) ++a->matrix[static_cast<int>(row.tone)][static_cast<int>(*row.audit)];
  };
  audit(&st.audit);
  audit(&st.last->audit);
  for (uint32_t id : r.segments) {
    if (id >= st.slot.size() || st.slot[id] < 0) continue;  // unknown to the dictionary, or not reported
    Count(&st.segment_counts[static_cast<size_t>(st.slot[id])], r);
    st.segment_related[static_cast<size_t>(st.slot[id])].Add(r);
    audit(&st.segment_audit[static_cast<size_t>(st.slot[id])]);
  }
}

Report ReportBuilder::Finish() {
  State& st = *state_;
  const ReportOptions& o = st.o;
  Report rep;
  rep.period = o.period;
  rep.where = o.where;
  rep.scope = o.scope;
  rep.overall = st.overall;
  rep.human = st.human;
  rep.human.blended = o.blend_human_labels && st.human.labelled > 0;
  if (st.human.labelled >= 2) {
    // Cohen's kappa: observed agreement against agreement by chance.
    const double n = static_cast<double>(st.human.labelled);
    double expected = 0;
    for (int k = 0; k < 3; ++k) {
      double model = 0, human = 0;
      for (int j = 0; j < 3; ++j) model += static_cast<double>(st.human.matrix[k][j]), human += static_cast<double>(st.human.matrix[j][k]);
      expected += model * human / (n * n);
    }
    const double observed = static_cast<double>(st.human.agree) / n;
    if (expected < 1) rep.human.kappa = (observed - expected) / (1 - expected);
  }
  auto names = [&](const std::map<uint32_t, int64_t>& ids) {
    std::map<std::string, int64_t> out;
    for (const auto& [id, n] : ids) out[id < st.dict.models.size() ? st.dict.models[id] : "model " + std::to_string(id)] += n;
    return out;
  };
  rep.models = names(st.models);
  std::map<int64_t, PeriodStats> periods;
  for (auto& [start, acc] : st.periods) {
    PeriodStats& p = periods[start];
    p.start_ms = start;
    p.label = PeriodLabel(start, o.period);
    p.counts = acc.counts;
    p.models = names(acc.models);
    p.related = acc.related.Finish();
    p.audit = acc.audit;
    if (p.audit.labels() >= kMinAuditLabelsPerGroup) p.estimate = EstimateShares(p.audit);
  }
  struct SegmentFigures {
    ToneCounts counts;
    RelatedMetrics related;
    AuditCounts audit;
  };
  std::map<std::pair<std::string, std::string>, SegmentFigures> segments;
  for (size_t k = 0; k < st.slot_ids.size(); ++k) {
    if (st.segment_related[k].n == 0) continue;
    const SegmentValue& v = st.dict.segments[st.slot_ids[k]];
    segments[{v.dimension, v.value}] = {st.segment_counts[k], st.segment_related[k].Finish(), st.segment_audit[k]};
  }
  rep.audit = st.audit;
  rep.estimate = EstimateShares(st.audit);
  rep.audit_labels_for_3_points = AuditLabelsFor(st.audit);
  rep.related = st.related.Finish();
  auto methods = [](const std::map<std::string, int64_t>& models) {
    std::vector<std::string> keys;
    for (const auto& [m, n] : models) keys.push_back(m);
    return keys;
  };
  for (auto& [start, p] : periods) {
    // A period scored by two methods, or by another method than the period
    // before, is marked: a change of model must not pass for a change in
    // experience.
    p.method_change = p.models.size() > 1 || (!rep.trend.empty() && !rep.trend.back().models.empty() &&
                                               !p.models.empty() && methods(rep.trend.back().models) != methods(p.models));
    rep.trend.push_back(std::move(p));
  }
  // Direction: the last period against the one before.
  if (rep.trend.size() >= 2) {
    const ToneCounts& last = rep.trend.back().counts;
    const ToneCounts& before = rep.trend[rep.trend.size() - 2].counts;
    const TestResult t = TwoProportionTest(last.negative, last.scored(), before.negative, before.scored());
    rep.direction_p = t.p;
    const char* way = t.p < 0.05 ? (t.z > 0 ? "climbing" : "falling") : "steady";
    char buf[200];
    std::snprintf(buf, sizeof(buf), "%s negative and %s (%s in %s, %s in %s; p=%.3g)",
                  Percent(last.NegativeShare()).c_str(), way, Percent(last.NegativeShare()).c_str(),
                  rep.trend.back().label.c_str(), Percent(before.NegativeShare()).c_str(),
                  rep.trend[rep.trend.size() - 2].label.c_str(), t.p);
    rep.direction = buf;
  } else {
    rep.direction = Percent(rep.overall.NegativeShare()) + " negative; one period only, no direction yet";
  }
  // Drift toward neutral: the last N periods against those before.
  if (static_cast<int>(rep.trend.size()) > o.drift_periods) {
    ToneCounts recent, earlier;
    for (size_t i = 0; i < rep.trend.size(); ++i) {
      (static_cast<int>(i) >= static_cast<int>(rep.trend.size()) - o.drift_periods ? recent : earlier) += rep.trend[i].counts;
    }
    const TestResult t = TwoProportionTest(recent.neutral, recent.scored(), earlier.neutral, earlier.scored());
    rep.drift_recent = recent.NeutralShare();
    rep.drift_earlier = earlier.NeutralShare();
    rep.drift_p = t.z > 0 ? t.p / 2 : 1 - t.p / 2;  // one-sided: rising
    rep.drift_flagged = rep.drift_p < o.alpha;
  }
  // Speed beside mood.
  std::vector<double> frt, neg;
  for (const auto& p : rep.trend) {
    if (p.related.frt_median_min && p.counts.scored() > 0) {
      frt.push_back(*p.related.frt_median_min);
      neg.push_back(p.counts.NegativeShare());
    }
  }
  rep.frt_negative_correlation = Pearson(frt, neg);
  // Segments: each against the rest, Holm-corrected over those compared.
  std::vector<double> p_values;
  std::vector<size_t> compared;
  for (const auto& [key, figures] : segments) {
    const ToneCounts& counts = figures.counts;
    SegmentStats s;
    s.dimension = key.first;
    s.value = key.second;
    s.counts = counts;
    s.related = figures.related;
    s.audit = figures.audit;
    if (s.audit.labels() >= kMinAuditLabelsPerGroup) s.estimate = EstimateShares(s.audit);
    s.negative_interval = WilsonInterval(counts.negative, counts.scored());
    if (counts.scored() >= o.min_segment_size && rep.overall.scored() - counts.scored() >= o.min_segment_size) {
      const int64_t rest_neg = rep.overall.negative - counts.negative;
      const int64_t rest_n = rep.overall.scored() - counts.scored();
      const TestResult t = TwoProportionTest(counts.negative, counts.scored(), rest_neg, rest_n);
      s.p_worse = t.z > 0 ? t.p / 2 : 1 - t.p / 2;
      s.compared = true;
      p_values.push_back(s.p_worse);
      compared.push_back(rep.segments.size());
    }
    rep.segments.push_back(std::move(s));
  }
  const std::vector<bool> significant = HolmSignificant(p_values, o.alpha);
  for (size_t i = 0; i < compared.size(); ++i) rep.segments[compared[i]].pocket = significant[i];
  return rep;
}

bool ParseSegmentFilter(const std::string& text, std::pair<std::string, std::string>* out) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *out = {text.substr(0, eq), text.substr(eq + 1)};
  return true;
}

Result<Report> BuildReport(Store& store, int64_t from_ms, int64_t to_ms, const ReportOptions& options) {
  ASSIGN_OR_RETURN(const ReportDictionary dictionary, store.conversations().LoadReportDictionary());
  for (const auto& [key, value] : options.where) {
    const auto& capped = dictionary.capped_dimensions;
    if (std::find(capped.begin(), capped.end(), key) != capped.end() && !dictionary.FindSegment(key, value)) {
      return Status::InvalidArgument("--where " + key + "=" + value + ": " + key + " has more than " +
                                     std::to_string(kMaxSegmentValues) +
                                     " values, and only the first ones are kept as segments");
    }
  }
  ReportBuilder builder(dictionary, options);
  RETURN_IF_ERROR(store.conversations().ScanForReport(from_ms, to_ms, [&](const ReportRow& r) { builder.Add(r); }));
  return builder.Finish();
}

namespace {

nlohmann::json CountsJson(const ToneCounts& c) {
  return {{"scored", c.scored()},
          {"net_score", c.NetScore()},
          {"mean_score5", c.MeanScore5()},
          {"share", {{"negative", c.NegativeShare()}, {"neutral", c.NeutralShare()}, {"positive", c.PositiveShare()}}},
          {"band", BandName(BandOf(c.NegativeShare()))}};
}

// The estimate of a group with enough audit labels, else null.
nlohmann::json EstimateJson(const std::optional<ShareEstimate>& e) {
  if (!e) return nullptr;
  auto interval = [](const Interval& i) { return nlohmann::json::array({i.low, i.high}); };
  return {{"labels", e->labels},
          {"share", {{"negative", e->share[0]}, {"neutral", e->share[1]}, {"positive", e->share[2]}}},
          {"interval",
           {{"negative", interval(e->interval[0])}, {"neutral", interval(e->interval[1])},
            {"positive", interval(e->interval[2])}}},
          {"band", BandName(e->band)},
          {"band_certain", e->band_certain},
          {"agreement", e->agreement},
          {"kappa", e->kappa ? nlohmann::json(*e->kappa) : nlohmann::json()},
          {"method", "prediction-powered inference on a random audit, 95% normal interval (docs/report.md)"}};
}

nlohmann::json ConfusionJson(const AuditCounts& a) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : a.matrix) rows.push_back({row[0], row[1], row[2]});
  return rows;
}

nlohmann::json FiltersJson(const std::vector<std::pair<std::string, std::string>>& where) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [k, v] : where) out.push_back({{"key", k}, {"value", v}});
  return out;
}

nlohmann::json RelatedJson(const RelatedMetrics& m) {
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  return {{"conversations", m.conversations},
          {"csat", opt(m.csat)},
          {"csat_responses", m.csat_responses},
          {"nps", opt(m.nps)},
          {"nps_responses", m.nps_responses},
          {"first_response_minutes", {{"mean", opt(m.frt_mean_min)}, {"median", opt(m.frt_median_min)},
                                      {"p90", opt(m.frt_p90_min)}, {"n", m.frt_count}}},
          {"escalation_rate", m.escalation_rate},
          {"reopen_rate", m.reopen_rate}};
}

}  // namespace

std::string ReportToJson(const Report& r) {
  nlohmann::json j = CountsJson(r.overall);
  j["schema_version"] = kReportSchemaVersion;
  j["method"] = {{"models", r.models},
                 {"scope", r.scope},
                 {"filters", FiltersJson(r.where)},
                 {"human_labels", r.human.blended},
                 {"human_agreement",
                  {{"labelled", r.human.labelled},
                   {"agreement", r.human.labelled ? nlohmann::json(static_cast<double>(r.human.agree) /
                                                                   static_cast<double>(r.human.labelled))
                                                  : nlohmann::json()},
                   {"kappa", r.human.kappa ? nlohmann::json(*r.human.kappa) : nlohmann::json()},
                   {"blend", r.human.blended ? "a reviewer's label replaces the model's tone where there is one"
                                             : "none: the model's tones are counted"}}},
                 {"tone_rule", "end-weighted customer tone (docs/conversation-tone.md)"},
                 {"audit_labels", r.audit.labels()},
                 {"audit_labels_for_3_points", r.audit_labels_for_3_points},
                 {"audit_confusion", ConfusionJson(r.audit)}};
  j["estimate"] = EstimateJson(r.estimate);
  nlohmann::json series = nlohmann::json::array();
  for (const auto& p : r.trend) {
    nlohmann::json e = CountsJson(p.counts);
    e["period"] = p.label;
    e["start"] = FormatTime(p.start_ms);
    e["models"] = p.models;
    e["method_change"] = p.method_change;
    e["related"] = RelatedJson(p.related);
    e["audit_labels"] = p.audit.labels();
    e["estimate"] = EstimateJson(p.estimate);
    series.push_back(std::move(e));
  }
  j["trend"] = {{"period", r.period == Period::kDay ? "day" : "week"},
                {"series", series},
                {"direction", r.direction},
                {"direction_p", r.direction_p}};
  nlohmann::json segs = nlohmann::json::array();
  for (const auto& s : r.segments) {
    nlohmann::json e = CountsJson(s.counts);
    e["dimension"] = s.dimension;
    e["value"] = s.value;
    e["negative_interval"] = {s.negative_interval.low, s.negative_interval.high};
    e["p_worse"] = s.compared ? nlohmann::json(s.p_worse) : nlohmann::json();
    e["pocket"] = s.pocket;
    e["related"] = RelatedJson(s.related);
    e["audit_labels"] = s.audit.labels();
    e["estimate"] = EstimateJson(s.estimate);
    segs.push_back(std::move(e));
  }
  j["segments"] = segs;
  j["drift"] = {{"toward_neutral", r.drift_flagged}, {"recent_neutral_share", r.drift_recent},
                {"earlier_neutral_share", r.drift_earlier}, {"p", r.drift_p}};
  j["speed"] = {{"frt_median_vs_negative_share_correlation", r.frt_negative_correlation}};
  j["related"] = RelatedJson(r.related);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ReportToText(const Report& r) {
  std::string out;
  const ToneCounts& c = r.overall;
  AppendLine(&out, "Sentiment: %s band, %.1f%% negative of %lld scored conversations", std::string(BandName(BandOf(c.NegativeShare()))).c_str(),
       100 * c.NegativeShare(), static_cast<long long>(c.scored()));
  AppendLine(&out, "  net score %+.3f   mean %.2f / 5   negative %.1f%%  neutral %.1f%%  positive %.1f%%", c.NetScore(),
       c.MeanScore5(), 100 * c.NegativeShare(), 100 * c.NeutralShare(), 100 * c.PositiveShare());
  if (r.estimate) {
    const ShareEstimate& e = *r.estimate;
    AppendLine(&out, "  corrected by %lld audit labels: %.1f%% negative [%.1f%%, %.1f%%], neutral %.1f%%, positive %.1f%% "
         "(95%%): %s%s",
         static_cast<long long>(e.labels), 100 * e.share[0], 100 * e.interval[0].low, 100 * e.interval[0].high,
         100 * e.share[1], 100 * e.share[2], std::string(BandName(e.band)).c_str(),
         e.band_certain ? ""
                        : ("; could be " + std::string(BandName(BandOf(e.interval[0].low) == e.band
                                                                     ? BandOf(e.interval[0].high)
                                                                     : BandOf(e.interval[0].low))))
                              .c_str());
    AppendLine(&out, "  audit: model and people agree on %.0f%%, kappa %s; %lld labels would give +-3 points",
         100 * e.agreement, e.kappa ? std::to_string(*e.kappa).substr(0, 5).c_str() : "-",
         static_cast<long long>(r.audit_labels_for_3_points));
  } else {
    AppendLine(&out, "  not checked against people: about %lld random audit labels would give the true share +-3 points "
         "(convsent audit sample, labels import --audit)",
         static_cast<long long>(r.audit_labels_for_3_points));
  }
  AppendLine(&out, "  trend: %s", r.direction.c_str());
  std::string models;
  for (const auto& [m, n] : r.models) models += (models.empty() ? "" : ", ") + m + " (" + std::to_string(n) + ")";
  if (r.human.labelled > 0) {
    AppendLine(&out, "  method: %s; all stored conversations; %lld human labels (%s), agreement with the model %.0f%%, kappa %s",
         models.c_str(), static_cast<long long>(r.human.labelled), r.human.blended ? "blended: they win" : "not blended",
         100.0 * static_cast<double>(r.human.agree) / static_cast<double>(r.human.labelled),
         r.human.kappa ? std::to_string(*r.human.kappa).substr(0, 5).c_str() : "-");
  } else {
    AppendLine(&out, "  method: %s; all stored conversations; no human labels", models.c_str());
  }
  AppendLine(&out, "  (sentiment measures tone, not satisfaction: read it beside CSAT)");
  AppendLine(&out, "%s", "");
  AppendLine(&out, "%-10s %7s %6s %6s %6s %5s  %-8s %8s  %s", r.period == Period::kDay ? "day" : "week", "scored", "neg", "neu",
       "net", "mean", "band", "FRT med", "method");
  static const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string spark;
  for (const auto& p : r.trend) {
    std::string method;
    for (const auto& [m, n] : p.models) method += (method.empty() ? "" : "+") + m.substr(m.size() > 8 ? m.size() - 8 : 0);
    AppendLine(&out, "%-10s %7lld %5.1f%% %5.1f%% %+6.2f %5.2f  %-8s %8s  %s%s", p.label.c_str(),
         static_cast<long long>(p.counts.scored()), 100 * p.counts.NegativeShare(), 100 * p.counts.NeutralShare(),
         p.counts.NetScore(), p.counts.MeanScore5(), std::string(BandName(BandOf(p.counts.NegativeShare()))).c_str(),
         p.related.frt_median_min ? (std::to_string(static_cast<int>(*p.related.frt_median_min)) + " min").c_str() : "-",
         method.c_str(), p.method_change ? "  ◀ method change" : "");
    spark += kBars[std::min(7, static_cast<int>(p.counts.NegativeShare() * 16))];
  }
  AppendLine(&out, "negative share over time: %s", spark.c_str());
  AppendLine(&out, "drift toward neutral: %s (neutral %.1f%% in the last periods against %.1f%% before, p=%.3g)",
       r.drift_flagged ? "YES" : "no", 100 * r.drift_recent, 100 * r.drift_earlier, r.drift_p);
  AppendLine(&out, "first response time against negative share, across periods: r = %+.2f", r.frt_negative_correlation);
  AppendLine(&out, "%s", "");
  AppendLine(&out, "%-8s %-16s %7s %6s %-17s %-8s %s", "segment", "value", "scored", "neg", "95% interval", "band", "");
  for (const auto& s : r.segments) {
    AppendLine(&out, "%-8s %-16s %7lld %5.1f%% [%5.1f%%, %5.1f%%]  %-8s %s", s.dimension.c_str(), s.value.substr(0, 16).c_str(),
         static_cast<long long>(s.counts.scored()), 100 * s.counts.NegativeShare(), 100 * s.negative_interval.low,
         100 * s.negative_interval.high, std::string(BandName(BandOf(s.counts.NegativeShare()))).c_str(),
         s.pocket ? "◀ pocket: significantly worse than the rest" : "");
    if (s.estimate) {
      AppendLine(&out, "%-25s checked by %lld audit labels: %.1f%% negative [%.1f%%, %.1f%%]", "",
           static_cast<long long>(s.estimate->labels), 100 * s.estimate->share[0], 100 * s.estimate->interval[0].low,
           100 * s.estimate->interval[0].high);
    }
  }
  if (r.audit.labels() > 0) {
    AppendLine(&out, "(a period or segment is checked against people once it holds %lld audit labels)",
         static_cast<long long>(kMinAuditLabelsPerGroup));
  }
  const RelatedMetrics& m = r.related;
  AppendLine(&out, "%s", "");
  AppendLine(&out, "related: CSAT %s (%lld responses)   NPS %s (%lld)   first response mean %s / median %s / p90 %s min",
       m.csat ? std::to_string(static_cast<int>(std::lround(*m.csat))).c_str() : "-",
       static_cast<long long>(m.csat_responses),
       m.nps ? std::to_string(static_cast<int>(std::lround(*m.nps))).c_str() : "-", static_cast<long long>(m.nps_responses),
       m.frt_mean_min ? std::to_string(static_cast<int>(*m.frt_mean_min)).c_str() : "-",
       m.frt_median_min ? std::to_string(static_cast<int>(*m.frt_median_min)).c_str() : "-",
       m.frt_p90_min ? std::to_string(static_cast<int>(*m.frt_p90_min)).c_str() : "-");
  AppendLine(&out, "         escalation rate %.1f%%   reopen rate %.1f%%", m.escalation_rate, m.reopen_rate);
  return out;
}

}  // namespace convsent
