// Attribution: how often each driver occurs, how much more negative the
// conversations with it are, and what share of the negative conversations
// it accounts for, per period; and which nodes moved.
#include <algorithm>
#include <cmath>

#include "convsent/tree.h"

namespace convsent {

NodeCounts& NodeCounts::operator+=(const NodeCounts& o) {
  n += o.n, negative += o.negative, with += o.with, negative_with += o.negative_with, credited += o.credited;
  return *this;
}

NodeFigures FiguresOf(const NodeCounts& c) {
  NodeFigures f;
  f.counts = c;
  const auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const int64_t without = c.n - c.with, negative_without = c.negative - c.negative_with;
  f.prevalence = share(static_cast<double>(c.with), static_cast<double>(c.n));
  f.negative_with = share(static_cast<double>(c.negative_with), static_cast<double>(c.with));
  f.negative_without = share(static_cast<double>(negative_without), static_cast<double>(without));
  f.lift = f.negative_with - f.negative_without;
  // Newcombe's hybrid score interval for a difference of two proportions,
  // from the two Wilson intervals: sound at small counts, unlike Wald's.
  const Interval a = WilsonInterval(c.negative_with, c.with), b = WilsonInterval(negative_without, without);
  f.lift_interval = {f.lift - std::sqrt(std::pow(f.negative_with - a.low, 2) + std::pow(b.high - f.negative_without, 2)),
                     f.lift + std::sqrt(std::pow(a.high - f.negative_with, 2) + std::pow(f.negative_without - b.low, 2))};
  f.share_of_negative = share(c.credited, static_cast<double>(c.negative));
  f.excess_negative = static_cast<double>(c.negative_with) - static_cast<double>(c.with) * f.negative_without;
  return f;
}

namespace {

// Two-sided p-value of a change of lift between two independent samples.
double LiftChangeP(const NodeCounts& a, const NodeCounts& b) {
  auto var = [](const NodeCounts& c) {
    const double n1 = static_cast<double>(c.with), n0 = static_cast<double>(c.n - c.with);
    if (n1 < 1 || n0 < 1) return -1.0;
    const double p1 = static_cast<double>(c.negative_with) / n1;
    const double p0 = static_cast<double>(c.negative - c.negative_with) / n0;
    return p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0;
  };
  const double va = var(a), vb = var(b);
  if (va < 0 || vb < 0 || va + vb <= 0) return 1;
  return 2 * NormalUpperTail(std::fabs(FiguresOf(a).lift - FiguresOf(b).lift) / std::sqrt(va + vb));
}

}  // namespace

TreeBuilder::TreeBuilder(const TreeConfig& config) : config_(config) {}

std::vector<bool> TreeBuilder::Present(const ReportRow& row, uint32_t phrase_hits) const {
  std::vector<bool> present(config_.nodes.size(), false);
  present[0] = true;
  for (size_t i = 1; i < config_.nodes.size(); ++i) {
    const TreeNode& node = config_.nodes[i];
    if (!node.is_driver() || !DriverPresent(*node.when, row, phrase_hits)) continue;
    // A driver makes every node above it present.
    for (int k = static_cast<int>(i); k > 0; k = config_.nodes[static_cast<size_t>(k)].parent) {
      present[static_cast<size_t>(k)] = true;
    }
  }
  return present;
}

std::vector<int> DriversOf(const TreeConfig& config, const ScoredConversation& sc) {
  const std::vector<bool> present = TreeBuilder(config).Present(ReportRowOf(sc), PhraseDriverHits(config, sc.conversation));
  std::vector<int> out;
  for (size_t i = 1; i < present.size(); ++i) {
    if (present[i] && config.nodes[i].is_driver()) out.push_back(static_cast<int>(i));
  }
  return out;
}

void TreeBuilder::Add(const ReportRow& row, uint32_t phrase_hits) {
  if (!row.has_customer) return;  // no tone: nothing to attribute
  std::vector<NodeCounts>& counts = periods_[PeriodStart(row.created_at_ms, config_.period)];
  if (counts.empty()) counts.resize(config_.nodes.size());
  const bool negative = row.tone == Sentiment::kNegative;
  const std::vector<bool> present = Present(row, phrase_hits);
  int drivers = 0;
  for (size_t i = 1; i < present.size(); ++i) drivers += present[i] && config_.nodes[i].is_driver();
  for (size_t i = 0; i < present.size(); ++i) {
    NodeCounts& c = counts[i];
    ++c.n;
    c.negative += negative;
    if (!present[i]) continue;
    ++c.with;
    c.negative_with += negative;
  }
  if (!negative) return;
  if (drivers == 0) {
    ++unexplained_;
    return;
  }
  // Shapley credit: an equal share to each driver present, summed upward.
  const double credit = 1.0 / drivers;
  for (size_t i = 1; i < present.size(); ++i) {
    if (!present[i] || !config_.nodes[i].is_driver()) continue;
    for (int k = static_cast<int>(i); k >= 0; k = config_.nodes[static_cast<size_t>(k)].parent) {
      counts[static_cast<size_t>(k)].credited += credit;
    }
  }
}

TreeReport TreeBuilder::Finish() const {
  TreeReport rep;
  rep.unexplained_negative = unexplained_;
  std::vector<NodeCounts> overall(config_.nodes.size());
  for (const auto& [start, counts] : periods_) {
    TreePeriod p;
    p.start_ms = start;
    p.label = PeriodLabel(start, config_.period);
    for (size_t i = 0; i < counts.size(); ++i) {
      p.nodes.push_back(FiguresOf(counts[i]));
      overall[i] += counts[i];
    }
    rep.periods.push_back(std::move(p));
  }
  for (const auto& c : overall) rep.overall.push_back(FiguresOf(c));
  if (rep.periods.size() >= 2) {
    const auto& last = rep.periods.back().nodes;
    const auto& before = rep.periods[rep.periods.size() - 2].nodes;
    for (size_t i = 0; i < last.size(); ++i) {
      NodeMovement m;
      const NodeCounts &a = last[i].counts, &b = before[i].counts;
      m.prevalence_change = last[i].prevalence - before[i].prevalence;
      m.prevalence_p = TwoProportionTest(a.with, a.n, b.with, b.n).p;
      m.lift_change = last[i].lift - before[i].lift;
      m.lift_p = LiftChangeP(a, b);
      rep.movement.push_back(m);
    }
  }
  // The top drivers of the last period, by the negative conversations they
  // add: those with the driver this period, against conversations without
  // it over the whole range. The range-wide baseline matters: a cause that
  // hits every conversation of a period (a slow week) leaves nothing
  // without it to compare against within that period.
  if (!rep.periods.empty()) {
    auto& last = rep.periods.back().nodes;
    for (size_t i = 1; i < last.size(); ++i) {
      NodeFigures& f = last[i];
      const NodeFigures& all = rep.overall[i];
      f.excess_negative = static_cast<double>(f.counts.negative_with) -
                          static_cast<double>(f.counts.with) * all.negative_without;
      const NodeCounts& a = all.counts;
      const TestResult t = TwoProportionTest(f.counts.negative_with, f.counts.with, a.negative - a.negative_with, a.n - a.with);
      if (config_.nodes[i].is_driver() && f.counts.with > 0 && t.z > 0 && t.p < 0.05) rep.top_drivers.push_back(static_cast<int>(i));
    }
    std::sort(rep.top_drivers.begin(), rep.top_drivers.end(),
              [&](int a, int b) { return last[static_cast<size_t>(a)].excess_negative > last[static_cast<size_t>(b)].excess_negative; });
  }
  return rep;
}

Result<TreeReport> BuildTree(Store& store, const TreeConfig& config, int64_t from_ms, int64_t to_ms,
                             const std::vector<std::pair<std::string, std::string>>& where) {
  ASSIGN_OR_RETURN(const ReportDictionary dictionary, store.conversations().LoadReportDictionary());
  std::vector<uint32_t> ids;
  for (const auto& [k, v] : where) {
    const auto id = dictionary.FindSegment(k, v);
    if (!id) return TreeBuilder(config).Finish();  // nothing has that value
    ids.push_back(*id);
  }
  TreeBuilder builder(config);
  RETURN_IF_ERROR(ScanTreeRows(store, config, from_ms, to_ms, [&](const ReportRow& r, uint32_t hits) {
    for (uint32_t id : ids) {
      if (std::find(r.segments.begin(), r.segments.end(), id) == r.segments.end()) return;
    }
    builder.Add(r, hits);
  }));
  return builder.Finish();
}

Status ScanTreeRows(Store& store, const TreeConfig& config, int64_t from_ms, int64_t to_ms,
                    const std::function<void(const ReportRow&, uint32_t)>& fn) {
  if (!HasPhraseDrivers(config)) {
    return store.conversations().ScanForReport(from_ms, to_ms, [&](const ReportRow& r) { fn(r, 0); });
  }
  return store.conversations().ScanMessages(from_ms, to_ms, std::nullopt,
                                            [&](const Conversation& c, const ReportRow& r) -> Status {
                                              fn(r, PhraseDriverHits(config, c));
                                              return Status::Ok();
                                            });
}

std::vector<Move> FindMoves(const TreeConfig& config, const TreeReport& report) {
  std::vector<Move> candidates;
  if (report.periods.size() < 2) return candidates;
  const auto& last = report.periods.back();
  const AlertRules& rules = config.alerts;
  // The baseline: up to baseline_periods periods before the last, pooled,
  // so that one odd period does not set off alerts in the next.
  const size_t k = std::min<size_t>(static_cast<size_t>(rules.baseline_periods), report.periods.size() - 1);
  std::vector<NodeCounts> pooled(config.nodes.size());
  for (size_t p = report.periods.size() - 1 - k; p + 1 < report.periods.size(); ++p) {
    for (size_t i = 0; i < pooled.size(); ++i) pooled[i] += report.periods[p].nodes[i].counts;
  }
  std::vector<double> p_values;
  for (size_t i = 1; i < config.nodes.size(); ++i) {
    const NodeFigures& a = last.nodes[i];
    const NodeFigures b = FiguresOf(pooled[i]);
    if (a.counts.n < rules.min_conversations || b.counts.n < rules.min_conversations) continue;
    // Each node is tested twice, prevalence and lift; every test counts
    // toward the correction, whether or not it passes the threshold.
    const double p_prev = TwoProportionTest(a.counts.with, a.counts.n, b.counts.with, b.counts.n).p;
    p_values.push_back(p_prev);
    if (a.prevalence - b.prevalence >= rules.prevalence_change) {
      candidates.push_back({static_cast<int>(i), "prevalence", last.label, b.prevalence, a.prevalence, p_prev});
    }
    if (a.counts.with < rules.min_conversations || b.counts.with < rules.min_conversations) continue;
    const double p_lift = LiftChangeP(a.counts, b.counts);
    p_values.push_back(p_lift);
    // A lift alert needs the driver to make conversations more negative now.
    if (a.lift - b.lift >= rules.lift_change && a.lift_interval.low > 0) {
      candidates.push_back({static_cast<int>(i), "lift", last.label, b.lift, a.lift, p_lift});
    }
  }
  // Holm's step-down over all the tests: the k-th smallest p-value passes
  // at alpha / (m - k) while every smaller one passed.
  std::sort(p_values.begin(), p_values.end());
  double threshold = -1;  // the largest p-value Holm accepts
  for (size_t j = 0; j < p_values.size(); ++j) {
    if (p_values[j] > rules.alpha / static_cast<double>(p_values.size() - j)) break;
    threshold = p_values[j];
  }
  std::vector<Move> significant;
  for (const Move& m : candidates) {
    if (m.p <= threshold) significant.push_back(m);
  }
  // The most specific node speaks: a branch is alerted only when none of
  // the drivers below it is.
  auto below = [&](int branch, int node) {
    for (int x = node; x >= 0; x = config.nodes[static_cast<size_t>(x)].parent) {
      if (x == branch && x != node) return true;
    }
    return false;
  };
  std::vector<Move> moves;
  for (const Move& m : significant) {
    bool covered = false;
    for (const Move& o : significant) covered = covered || below(m.node, o.node);
    if (!covered) moves.push_back(m);
  }
  return moves;
}

bool Recovered(const TreeConfig& config, const TreeReport& report, int node, const std::string& kind, double before) {
  if (report.periods.empty() || node <= 0 || static_cast<size_t>(node) >= config.nodes.size()) return false;
  const NodeFigures& now = report.periods.back().nodes[static_cast<size_t>(node)];
  if (kind == "lift") return now.lift <= before + config.alerts.lift_change / 2;
  return now.prevalence <= before + config.alerts.prevalence_change / 2;
}

}  // namespace convsent
