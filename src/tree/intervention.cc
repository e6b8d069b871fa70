// Did an intervention work? Equal windows before and after, tests on the
// node and the root sentiment, and, when the change touched one segment, a
// difference in differences against the segments it did not touch. An
// intervention is called a success only on the numbers.
#include <algorithm>
#include <climits>
#include <cmath>

#include "convsent/tree.h"

namespace convsent {
namespace {

constexpr int64_t kDayMs = 86400000LL;

double Share(int64_t a, int64_t n) { return n > 0 ? static_cast<double>(a) / static_cast<double>(n) : 0.0; }

std::string Pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * v);
  return buf;
}

std::string Points(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%+.1f points", 100 * v);
  return buf;
}

std::string P(double p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "p=%.2g", p);
  return buf;
}

}  // namespace

Result<InterventionCheck> CheckIntervention(Store& store, const TreeConfig& config, const InterventionRecord& rec,
                                            int max_window_days) {
  const auto node = config.Find(rec.node);
  if (!node) return Status::NotFound("intervention " + std::to_string(rec.id) + ": no node '" + rec.node + "' in the tree");
  ASSIGN_OR_RETURN(const ReportDictionary dictionary, store.conversations().LoadReportDictionary());
  std::vector<uint32_t> touched;
  for (const auto& [k, v] : rec.segment) {
    const auto id = dictionary.FindSegment(k, v);
    if (!id) return Status::NotFound("intervention " + std::to_string(rec.id) + ": no conversation has " + k + "=" + v);
    touched.push_back(*id);
  }
  // Per day: counts in the touched segment and outside it.
  struct Day {
    NodeCounts in, out;
  };
  std::map<int64_t, Day> days;
  TreeBuilder presence(config);
  const size_t index = static_cast<size_t>(*node);
  RETURN_IF_ERROR(ScanTreeRows(store, config, INT64_MIN, INT64_MAX, [&](const ReportRow& r, uint32_t hits) {
    if (!r.has_customer) return;
    bool in = true;
    for (uint32_t id : touched) in = in && std::find(r.segments.begin(), r.segments.end(), id) != r.segments.end();
    NodeCounts& c = in ? days[r.created_at_ms / kDayMs * kDayMs].in : days[r.created_at_ms / kDayMs * kDayMs].out;
    const bool negative = r.tone == Sentiment::kNegative;
    const bool present = presence.Present(r, hits)[index];
    ++c.n;
    c.negative += negative;
    c.with += present;
    c.negative_with += negative && present;
  }));
  InterventionCheck check;
  check.at_ms = rec.at_ms / kDayMs * kDayMs;
  if (days.empty()) {
    check.verdict = "not enough data";
    check.reasoning = "no scored conversations are stored";
    return check;
  }
  // Equal windows: as long as the data allows on both sides, at most the maximum.
  const int64_t first = days.begin()->first, last = days.rbegin()->first + kDayMs;
  const int64_t before_days = (check.at_ms - first) / kDayMs, after_days = (last - check.at_ms) / kDayMs;
  check.window_days = static_cast<int>(std::min<int64_t>({before_days, after_days, max_window_days}));
  check.before_from_ms = check.at_ms - check.window_days * kDayMs;
  check.after_to_ms = check.at_ms + check.window_days * kDayMs;
  if (check.window_days < 1) {
    check.verdict = "not enough data";
    check.reasoning = "there are no stored conversations on one side of " + FormatTime(check.at_ms).substr(0, 10);
    return check;
  }
  for (const auto& [day, d] : days) {
    if (day >= check.before_from_ms && day < check.at_ms) check.before += d.in, check.control_before += d.out;
    if (day >= check.at_ms && day < check.after_to_ms) check.after += d.in, check.control_after += d.out;
  }
  const NodeCounts &b = check.before, &a = check.after;
  check.driver_test = TwoProportionTest(a.with, a.n, b.with, b.n);
  check.negative_test = TwoProportionTest(a.negative, a.n, b.negative, b.n);
  const int min_n = config.alerts.min_conversations;
  check.has_control = !touched.empty() && check.control_before.n >= min_n && check.control_after.n >= min_n;
  const double change = Share(a.negative, a.n) - Share(b.negative, b.n);
  if (check.has_control) {
    const NodeCounts &cb = check.control_before, &ca = check.control_after;
    const double control_change = Share(ca.negative, ca.n) - Share(cb.negative, cb.n);
    check.did = change - control_change;
    double var = 0;
    for (const NodeCounts* c : {&a, &b, &ca, &cb}) {
      const double p = Share(c->negative, c->n);
      var += p * (1 - p) / static_cast<double>(std::max<int64_t>(1, c->n));
    }
    check.did_test.z = var > 0 ? check.did / std::sqrt(var) : 0;
    check.did_test.p = var > 0 ? 2 * NormalUpperTail(std::fabs(check.did_test.z)) : 1;
  }
  const bool is_root = index == 0;
  std::string scope = touched.empty() ? "all conversations" : "the segment it touched";
  std::string& why = check.reasoning;
  why = std::to_string(check.window_days) + " days before and after " + FormatTime(check.at_ms).substr(0, 10) + ", " +
        scope + " (" + std::to_string(b.n) + " then " + std::to_string(a.n) + " conversations): ";
  if (!is_root) {
    why += "'" + config.nodes[index].name + "' in " + Pct(Share(b.with, b.n)) + " then " + Pct(Share(a.with, a.n)) +
           " (" + P(check.driver_test.p) + "); ";
  }
  why += "negative " + Pct(Share(b.negative, b.n)) + " then " + Pct(Share(a.negative, a.n)) + " (" +
         P(check.negative_test.p) + ")";
  if (check.has_control) {
    why += "; elsewhere negative " + Pct(Share(check.control_before.negative, check.control_before.n)) + " then " +
           Pct(Share(check.control_after.negative, check.control_after.n)) + ", so a difference in differences of " +
           Points(check.did) + " (" + P(check.did_test.p) + ")";
  } else if (!touched.empty()) {
    why += "; too few conversations outside the segment to compare against";
  }
  if (a.n < min_n || b.n < min_n) {
    check.verdict = "not enough data";
    why += ". Fewer than " + std::to_string(min_n) + " conversations in a window.";
    return check;
  }
  // Improved: the node fell and sentiment with it (beyond what happened
  // elsewhere, when there is an elsewhere). A node that did not move
  // cannot claim a change of sentiment, whatever else happened meanwhile.
  const double alpha = 0.05;
  const bool driver_down = check.driver_test.p < alpha && check.driver_test.z < 0;
  const bool driver_up = check.driver_test.p < alpha && check.driver_test.z > 0;
  const bool neg_down = check.negative_test.p < alpha && check.negative_test.z < 0;
  const bool neg_up = check.negative_test.p < alpha && check.negative_test.z > 0;
  const bool beyond = !check.has_control || (check.did_test.p < alpha && check.did < 0);
  const bool worse_beyond = !check.has_control || (check.did_test.p < alpha && check.did > 0);
  if (is_root) {
    check.verdict = neg_down && beyond ? "improved" : neg_up && worse_beyond ? "worse" : "no measurable change";
  } else if (driver_down && neg_down && beyond) {
    check.verdict = "improved";
  } else if (driver_up) {
    check.verdict = "worse";
  } else {
    check.verdict = "no measurable change";
    if (driver_down && !neg_down) why += ". The node fell, but sentiment did not measurably improve";
    if (driver_down && neg_down && !beyond) why += ". Sentiment improved as much where the change did not reach";
    if (!driver_down && (neg_down || neg_up)) why += ". Sentiment moved, but the node did not: something else moved it";
  }
  why += ".";
  return check;
}

}  // namespace convsent
