// The alert rules applied to the stored alerts: close what recovered, raise
// what moved, never two open alerts on one node.
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "convsent/tree.h"

namespace convsent {

std::string AlertsToJson(const std::vector<AlertRecord>& alerts, int indent) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : alerts) {
    out.push_back({{"id", a.id}, {"node", a.node}, {"kind", a.kind}, {"period", a.period}, {"before", a.before},
                   {"after", a.after}, {"p", a.p}, {"accountable", a.owner}, {"message", a.message},
                   {"status", a.status}, {"created_at", FormatTime(a.created_at_ms)},
                   {"closed_at", a.closed_at_ms ? nlohmann::json(FormatTime(a.closed_at_ms)) : nlohmann::json()},
                   {"delivery", a.delivery}, {"attempts", a.attempts}, {"last_error", a.last_error}});
  }
  return out.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AlertPayload(const TreeConfig& config, const AlertRecord& a) {
  nlohmann::json j = {{"type", "convsent.alert"},
                      {"alert",
                       {{"id", a.id},
                        {"node", a.node},
                        {"kind", a.kind},
                        {"period", a.period},
                        {"before", a.before},
                        {"after", a.after},
                        {"change", a.after - a.before},
                        {"p", a.p},
                        {"status", a.status},
                        {"accountable", a.owner},
                        {"message", a.message},
                        {"created_at", FormatTime(a.created_at_ms)}}}};
  if (const auto i = config.Find(a.node)) {
    const TreeNode& n = config.nodes[static_cast<size_t>(*i)];
    j["alert"]["node_name"] = n.name;
    j["owners"] = {{"responsible", n.owners.responsible},
                   {"accountable", n.owners.accountable},
                   {"consulted", n.owners.consulted},
                   {"informed", n.owners.informed}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<AlertRun> UpdateAlerts(Store& store, const TreeConfig& config, const TreeReport& report, int64_t now_ms) {
  AlertRun run;
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::vector<AlertRecord> open, store.alerts().List(/*open_only=*/true));
    std::set<std::string> still_open;
    for (AlertRecord& a : open) {
      if (a.kind == kEmergingAlertKind) continue;  // discovery's: open until acknowledged
      const auto node = config.Find(a.node);
      if (node && Recovered(config, report, *node, a.kind, a.before)) {
        a.status = "recovered";
        a.closed_at_ms = now_ms;
        RETURN_IF_ERROR(store.alerts().Update(a));
        run.recovered.push_back(a);
      } else {
        still_open.insert(a.node);  // a node no longer in the tree keeps its alert until acknowledged
      }
    }
    for (const Move& m : FindMoves(config, report)) {
      const TreeNode& n = config.nodes[static_cast<size_t>(m.node)];
      if (!still_open.insert(n.id).second) continue;  // one open alert per node
      AlertRecord a;
      a.node = n.id;
      a.kind = m.kind;
      a.period = m.period;
      a.before = m.before;
      a.after = m.after;
      a.p = m.p;
      a.owner = n.owners.accountable;
      a.webhook = n.owners.webhook;
      char buf[512];
      std::snprintf(buf, sizeof(buf), "%s: %s rose from %.1f%% to %.1f%% in %s (p=%.2g). Accountable: %s.",
                    n.name.c_str(), m.kind == "lift" ? "the negative share it adds (lift)" : "prevalence",
                    100 * m.before, 100 * m.after, m.period.c_str(), m.p, n.owners.accountable.c_str());
      a.message = buf;
      a.created_at_ms = now_ms;
      a.delivery = a.webhook.empty() ? "none" : "pending";
      ASSIGN_OR_RETURN(a.id, store.alerts().Add(a));
      run.raised.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  return run;
}

}  // namespace convsent
