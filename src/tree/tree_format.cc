// The tree as text (a terminal tree), JSON (docs/metric-tree.md) and an
// HTML section for the report page.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "convsent/tree.h"
#include "util/append_format.h"
#include "util/html.h"

namespace convsent {
namespace {



std::string OwnersText(const Owners& o) {
  std::string s = "A: " + o.accountable;
  auto list = [&](const char* tag, const std::vector<std::string>& names) {
    if (names.empty()) return;
    s += std::string("  ") + tag + ": ";
    for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  };
  list("R", o.responsible);
  list("C", o.consulted);
  list("I", o.informed);
  return s;
}

// "▲ +12.3 pts" when the prevalence moved significantly, else "·".
std::string Movement(const TreeReport& r, size_t i) {
  if (r.movement.empty()) return "";
  const NodeMovement& m = r.movement[i];
  char buf[64];
  const bool sig = m.prevalence_p < 0.05;
  std::snprintf(buf, sizeof(buf), "%s %+.1f pts%s", m.prevalence_change > 0 ? "▲" : m.prevalence_change < 0 ? "▼" : "=",
                100 * m.prevalence_change, sig ? "" : " (n.s.)");
  return buf;
}

const std::vector<NodeFigures>& Current(const TreeReport& r) {
  return r.periods.empty() ? r.overall : r.periods.back().nodes;
}

void AlertLines(const AlertRun* alerts, std::string* out) {
  if (alerts == nullptr) return;
  for (const auto& a : alerts->raised) AppendLine(out, "ALERT %lld raised: %s", static_cast<long long>(a.id), a.message.c_str());
  for (const auto& a : alerts->recovered) {
    AppendLine(out, "alert %lld closed: %s recovered", static_cast<long long>(a.id), a.node.c_str());
  }
}

}  // namespace

std::string TreeToText(const TreeConfig& config, const TreeReport& r, const AlertRun* alerts) {
  std::string out;
  if (r.periods.empty()) {
    AppendLine(&out, "No scored conversations in the range.");
    AlertLines(alerts, &out);
    return out;
  }
  const auto& now = Current(r);
  const TreePeriod& last = r.periods.back();
  const NodeFigures& root = now[0];
  AppendLine(&out, "Metric tree, %s (%lld scored conversations, %.1f%% negative)%s", last.label.c_str(),
       static_cast<long long>(root.counts.n), 100.0 * static_cast<double>(root.counts.negative) /
       std::max<double>(1.0, static_cast<double>(root.counts.n)),
       r.periods.size() >= 2 ? (", against " + r.periods[r.periods.size() - 2].label).c_str() : "");
  AppendLine(&out, "  prevalence: share of conversations with the driver; lift: negative share with it minus without it;");
  AppendLine(&out, "  of negative: share of negative conversations it accounts for (shared equally where drivers overlap)");
  AppendLine(&out, "%s", "");
  AppendLine(&out, "%-46s %7s %7s %18s %8s  %-18s %s", "node", "prev.", "lift", "95% interval", "of neg.", "prevalence moved", "owners");
  std::function<void(int, const std::string&, bool)> walk = [&](int i, const std::string& prefix, bool last_child) {
    const TreeNode& node = config.nodes[static_cast<size_t>(i)];
    const NodeFigures& f = now[static_cast<size_t>(i)];
    std::string label = i == 0 ? node.name : prefix + (last_child ? "└─ " : "├─ ") + node.name;
    // Count display columns, not bytes: box drawing characters are 3 bytes.
    size_t cols = 0;
    for (unsigned char ch : label) cols += (ch & 0xC0) != 0x80;
    if (cols > 46) {
      std::string cut;
      size_t k = 0;
      for (size_t b = 0; b < label.size(); ++b) {
        if ((static_cast<unsigned char>(label[b]) & 0xC0) != 0x80 && ++k > 45) break;
        cut.push_back(label[b]);
      }
      label = cut + "…";
      cols = 46;
    }
    label += std::string(46 - std::min<size_t>(46, cols), ' ');
    if (i == 0) {
      AppendLine(&out, "%s %7s %7s %18s %8s  %-18s %s", label.c_str(), "", "", "", "", "", OwnersText(node.owners).c_str());
    } else {
      char interval[40];
      std::snprintf(interval, sizeof(interval), "[%+.1f, %+.1f]", 100 * f.lift_interval.low, 100 * f.lift_interval.high);
      AppendLine(&out, "%s %6.1f%% %+6.1f %18s %7.1f%%  %-18s %s", label.c_str(), 100 * f.prevalence, 100 * f.lift,
           f.counts.with > 0 ? interval : "-", 100 * f.share_of_negative, Movement(r, static_cast<size_t>(i)).c_str(),
           node.parent == 0 || config.nodes[static_cast<size_t>(node.parent)].owners.accountable != node.owners.accountable
               ? OwnersText(node.owners).c_str()
               : "");
    }
    const auto& kids = node.children;
    for (size_t k = 0; k < kids.size(); ++k) {
      walk(kids[k], i == 0 ? "" : prefix + (last_child ? "   " : "│  "), k + 1 == kids.size());
    }
  };
  walk(0, "", true);
  AppendLine(&out, "%s", "");
  AppendLine(&out, "Top drivers of negative sentiment in %s (by negative conversations they add):", last.label.c_str());
  int shown = 0;
  for (int i : r.top_drivers) {
    const NodeFigures& f = now[static_cast<size_t>(i)];
    AppendLine(&out, "  %d. %-44s +%.0f negative conversations; %.0f%% negative with it, %.0f%% without it over the range",
         ++shown, config.nodes[static_cast<size_t>(i)].name.c_str(), f.excess_negative, 100 * f.negative_with,
         100 * r.overall[static_cast<size_t>(i)].negative_without);
    if (shown == 5) break;
  }
  if (shown == 0) AppendLine(&out, "  none: no driver makes conversations significantly more negative");
  AlertLines(alerts, &out);
  return out;
}

std::string TreeToJson(const TreeConfig& config, const TreeReport& r, const AlertRun* alerts) {
  auto figures = [&](const NodeFigures& f, bool driver) {
    nlohmann::json j = {{"conversations", f.counts.n}, {"negative", f.counts.negative}};
    if (driver) {
      j["with"] = f.counts.with;
      j["prevalence"] = f.prevalence;
      j["negative_share_with"] = f.negative_with;
      j["negative_share_without"] = f.negative_without;
      j["lift"] = f.lift;
      j["lift_interval"] = {f.lift_interval.low, f.lift_interval.high};
      j["share_of_negative"] = f.share_of_negative;
      j["excess_negative"] = f.excess_negative;
    } else {
      j["negative_share"] = f.counts.n ? static_cast<double>(f.counts.negative) / static_cast<double>(f.counts.n) : 0.0;
    }
    return j;
  };
  std::function<nlohmann::json(int)> node_json = [&](int i) {
    const TreeNode& n = config.nodes[static_cast<size_t>(i)];
    nlohmann::json j = {{"id", n.id},
                        {"name", n.name},
                        {"kind", i == 0 ? "root" : n.is_driver() ? "driver" : "branch"},
                        {"owners",
                         {{"responsible", n.owners.responsible},
                          {"accountable", n.owners.accountable},
                          {"webhook", n.owners.webhook},
                          {"consulted", n.owners.consulted},
                          {"informed", n.owners.informed}}}};
    if (n.when) j["when"] = n.when->Describe();
    const bool has_with = i != 0;
    if (!r.periods.empty()) {
      const NodeFigures& f = r.periods.back().nodes[static_cast<size_t>(i)];
      nlohmann::json cur = figures(f, has_with);
      for (auto it = cur.begin(); it != cur.end(); ++it) j[it.key()] = it.value();
    }
    if (!r.movement.empty() && has_with) {
      const NodeMovement& m = r.movement[static_cast<size_t>(i)];
      j["change"] = {{"prevalence", m.prevalence_change}, {"prevalence_p", m.prevalence_p},
                     {"lift", m.lift_change}, {"lift_p", m.lift_p}};
    }
    nlohmann::json series = nlohmann::json::array();
    for (const auto& p : r.periods) {
      nlohmann::json e = figures(p.nodes[static_cast<size_t>(i)], has_with);
      e["period"] = p.label;
      series.push_back(std::move(e));
    }
    j["series"] = std::move(series);
    j["children"] = nlohmann::json::array();
    for (int c : n.children) j["children"].push_back(node_json(c));
    return j;
  };
  nlohmann::json out = {{"schema_version", 1},
                        {"period", config.period == Period::kDay ? "day" : "week"},
                        {"current_period", r.periods.empty() ? "" : r.periods.back().label},
                        {"previous_period", r.periods.size() >= 2 ? r.periods[r.periods.size() - 2].label : ""},
                        {"attribution", "share_of_negative: each negative conversation is shared equally among the "
                                        "drivers present in it (Shapley values); a branch sums its drivers"},
                        {"unexplained_negative", r.unexplained_negative},
                        {"root", node_json(0)}};
  nlohmann::json top = nlohmann::json::array();
  for (int i : r.top_drivers) top.push_back(config.nodes[static_cast<size_t>(i)].id);
  out["top_drivers"] = top;
  if (alerts != nullptr) {
    auto list = [](const std::vector<AlertRecord>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& x : v) a.push_back({{"id", x.id}, {"node", x.node}, {"kind", x.kind}, {"message", x.message}});
      return a;
    };
    out["alerts"] = {{"raised", list(alerts->raised)}, {"recovered", list(alerts->recovered)}};
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

nlohmann::json DriversJson(const TreeConfig& config, const ScoredConversation& sc) {
  nlohmann::json drivers = nlohmann::json::array();
  for (int i : DriversOf(config, sc)) {
    const TreeNode& n = config.nodes[static_cast<size_t>(i)];
    drivers.push_back({{"id", n.id}, {"name", n.name}, {"when", n.when->Describe()},
                       {"branch", config.nodes[static_cast<size_t>(n.parent)].id}, {"accountable", n.owners.accountable}});
  }
  return drivers;
}

}  // namespace

std::string ConversationDriversToJson(const TreeConfig& config, const ScoredConversation& sc) {
  const nlohmann::json j = {{"conversation", sc.conversation.id},
                            {"tone", SentimentName(sc.rollup.tone)},
                            {"drivers", DriversJson(config, sc)}};
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ConversationDriversToText(const TreeConfig& config, const ScoredConversation& sc) {
  const nlohmann::json drivers = DriversJson(config, sc);
  std::string out;
  AppendLine(&out, "%s (%s): %zu driver(s) present", sc.conversation.id.c_str(),
       std::string(SentimentName(sc.rollup.tone)).c_str(), drivers.size());
  for (const auto& d : drivers) {
    AppendLine(&out, "  %-22s %-50s %s; accountable: %s", d["id"].get<std::string>().c_str(),
                  d["name"].get<std::string>().c_str(), d["when"].get<std::string>().c_str(),
                  d["accountable"].get<std::string>().c_str());
  }
  return out;
}

std::string TreeToHtml(const TreeConfig& config, const TreeReport& r) {
  std::string out;
  if (r.periods.empty()) return out;
  const auto& now = Current(r);
  const std::string label = r.periods.back().label;
  out += "<h2 id=\"tree\">Why: the metric tree</h2>\n";
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "<p class=\"note\">Drivers of negative sentiment in %s%s. <b>Prevalence</b>: share of conversations "
                "with the driver. <b>Lift</b>: how much more often they are negative than those without it, with its "
                "95%% interval. <b>Of negative</b>: the share of negative conversations it accounts for (shared "
                "equally where drivers overlap). Bold rows make conversations significantly more negative.</p>\n",
                HtmlEscape(label).c_str(),
                r.periods.size() >= 2 ? (", against " + HtmlEscape(r.periods[r.periods.size() - 2].label)).c_str() : "");
  out += buf;
  out += "<table class=\"tree\"><thead><tr><th>node</th><th>prevalence</th><th>moved</th><th>lift</th>"
         "<th>of negative</th><th>accountable</th></tr></thead><tbody>\n";
  std::function<void(int, int)> walk = [&](int i, int depth) {
    const TreeNode& n = config.nodes[static_cast<size_t>(i)];
    const NodeFigures& f = now[static_cast<size_t>(i)];
    const bool strong = n.is_driver() && f.counts.with > 0 && f.lift_interval.low > 0;
    std::string moved;
    if (!r.movement.empty() && i != 0) {
      const NodeMovement& m = r.movement[static_cast<size_t>(i)];
      std::snprintf(buf, sizeof(buf), "<span class=\"%s\">%s%+.1f pts</span>",
                    m.prevalence_p < 0.05 ? (m.prevalence_change > 0 ? "up" : "down") : "flat",
                    m.prevalence_p < 0.05 ? (m.prevalence_change > 0 ? "▲ " : "▼ ") : "",
                    100 * m.prevalence_change);
      moved = buf;
    }
    if (i == 0) {
      std::snprintf(buf, sizeof(buf), "<tr class=\"root\"><td>%s</td><td colspan=\"4\">%.1f%% of %lld conversations "
                    "negative</td><td>%s</td></tr>\n", HtmlEscape(n.name).c_str(),
                    100.0 * static_cast<double>(f.counts.negative) / std::max<double>(1, static_cast<double>(f.counts.n)),
                    static_cast<long long>(f.counts.n), HtmlEscape(n.owners.accountable).c_str());
    } else {
      std::snprintf(buf, sizeof(buf), "<tr class=\"%s%s\"><td style=\"padding-left:%dpx\">%s</td><td>%.1f%%</td>"
                    "<td>%s</td><td>%+.0f pts <small>[%+.0f, %+.0f]</small></td><td>%.0f%%</td><td>%s</td></tr>\n",
                    n.is_driver() ? "driver" : "branch", strong ? " strong" : "", 8 + 18 * depth,
                    HtmlEscape(n.name).c_str(), 100 * f.prevalence, moved.c_str(), 100 * f.lift,
                    100 * f.lift_interval.low, 100 * f.lift_interval.high, 100 * f.share_of_negative,
                    HtmlEscape(n.owners.accountable).c_str());
    }
    out += buf;
    for (int c : n.children) walk(c, depth + 1);
  };
  walk(0, 0);
  out += "</tbody></table>\n";
  return out;
}

std::string InterventionToJson(const InterventionRecord& r, const InterventionCheck* c) {
  std::string segment;
  for (const auto& [k, v] : r.segment) segment += (segment.empty() ? "" : ", ") + k + "=" + v;
  nlohmann::json j = {{"id", r.id},       {"node", r.node}, {"at", FormatTime(r.at_ms)},
                      {"owner", r.owner}, {"note", r.note}, {"segment", segment}};
  if (c != nullptr) {
    j["verdict"] = c->verdict;
    j["reasoning"] = c->reasoning;
    j["window_days"] = c->window_days;
    j["before"] = {{"conversations", c->before.n}, {"with", c->before.with}, {"negative", c->before.negative}};
    j["after"] = {{"conversations", c->after.n}, {"with", c->after.with}, {"negative", c->after.negative}};
    j["driver_p"] = c->driver_test.p;
    j["negative_p"] = c->negative_test.p;
    if (c->has_control) j["difference_in_differences"] = {{"negative_share", c->did}, {"p", c->did_test.p}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> ReportPage(Store& store, const Report& report, const TreeConfig& config, int64_t from_ms,
                               int64_t to_ms, const std::vector<std::pair<std::string, std::string>>& where) {
  ASSIGN_OR_RETURN(const TreeReport tree, BuildTree(store, config, from_ms, to_ms, where));
  return ReportToHtml(report, TreeToHtml(config, tree));
}

}  // namespace convsent
