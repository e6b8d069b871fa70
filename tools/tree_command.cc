// convsent tree | tree init | alerts | intervention add|check|list: the
// metric tree, its alerts and the check of interventions.
#include <climits>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {

namespace {


struct TreeFlags {
  std::string db, config, from, to, conversation, output;
  std::vector<std::string> where;
  bool json = false, no_alerts = false, force = false;
  double webhook_wait = 10;
};

int RunTree(const TreeFlags& f) {
  auto config = LoadTreeConfigOrReport(f.config);
  if (!config) return kExitFailure;
  int64_t from = 0, to = 0;
  std::vector<std::pair<std::string, std::string>> where;
  if (!ParseRangeOrReport(f.from, f.to, &from, &to, "tree") || !ParseWhereOrReport(f.where, &where, "tree")) return kExitUsage;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  if (!f.conversation.empty()) {  // which drivers one conversation has
    auto sc = store->conversations().Get(f.conversation);
    if (!sc.ok() || !sc->has_value()) {
      std::fprintf(stderr, "convsent tree: %s\n", sc.ok() ? ("no conversation " + f.conversation).c_str()
                                                          : sc.status().ToString().c_str());
      return kExitFailure;
    }
    const ReportRow row = ReportRowOf(**sc);
    const std::vector<bool> present = TreeBuilder(*config).Present(row);
    nlohmann::json drivers = nlohmann::json::array();
    for (size_t i = 1; i < present.size(); ++i) {
      const TreeNode& n = config->nodes[i];
      if (present[i] && n.is_driver()) {
        drivers.push_back({{"id", n.id}, {"name", n.name}, {"when", n.when->Describe()},
                           {"branch", config->nodes[static_cast<size_t>(n.parent)].id}, {"accountable", n.owners.accountable}});
      }
    }
    if (f.json) {
      std::printf("%s\n", nlohmann::json({{"conversation", f.conversation},
                                          {"tone", std::string(SentimentName(row.tone))},
                                          {"drivers", drivers}}).dump(2).c_str());
    } else {
      std::printf("%s (%s): %zu driver(s) present\n", f.conversation.c_str(), std::string(SentimentName(row.tone)).c_str(),
                  drivers.size());
      for (const auto& d : drivers) {
        std::printf("  %-22s %-50s %s; accountable: %s\n", d["id"].get<std::string>().c_str(),
                    d["name"].get<std::string>().c_str(), d["when"].get<std::string>().c_str(),
                    d["accountable"].get<std::string>().c_str());
      }
    }
    return kExitOk;
  }
  auto report = BuildTree(*store, *config, from, to, where);
  if (!report.ok()) {
    std::fprintf(stderr, "convsent tree: %s\n", report.status().ToString().c_str());
    return kExitFailure;
  }
  // Alerts follow the whole tree, not a filtered view of it.
  std::optional<AlertRun> run;
  if (!f.no_alerts && where.empty()) {
    auto r = UpdateAlerts(*store, *config, *report, NowMs());
    if (!r.ok()) {
      std::fprintf(stderr, "convsent tree: alerts: %s\n", r.status().ToString().c_str());
      return kExitFailure;
    }
    run = std::move(*r);
  }
  if (f.json) {
    auto j = nlohmann::json::parse(TreeToJson(*config, *report));
    if (run) {
      auto list = [](const std::vector<AlertRecord>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& x : v) a.push_back({{"id", x.id}, {"node", x.node}, {"kind", x.kind}, {"message", x.message}});
        return a;
      };
      j["alerts"] = {{"raised", list(run->raised)}, {"recovered", list(run->recovered)}};
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(TreeToText(*config, *report).c_str(), stdout);
    if (run) {
      for (const auto& a : run->raised) std::printf("ALERT %lld raised: %s\n", static_cast<long long>(a.id), a.message.c_str());
      for (const auto& a : run->recovered) {
        std::printf("alert %lld closed: %s recovered\n", static_cast<long long>(a.id), a.node.c_str());
      }
    }
  }
  std::fflush(stdout);
  // The tree is out; now the webhooks, for a bounded time.
  if (!run) return kExitOk;
  auto undelivered = DeliverAlerts(*store, *config, std::chrono::milliseconds(static_cast<int64_t>(f.webhook_wait * 1000)));
  if (!undelivered.ok()) {
    std::fprintf(stderr, "convsent tree: alerts: %s\n", undelivered.status().ToString().c_str());
    return kExitFailure;
  }
  for (const AlertRecord& a : *undelivered) {
    std::fprintf(stderr, "convsent: alert %lld to %s: %s (%s)\n", static_cast<long long>(a.id), a.webhook.c_str(),
                 a.last_error.empty() ? "not delivered yet" : a.last_error.c_str(), a.delivery.c_str());
  }
  return kExitOk;
}

int RunTreeInit(const TreeFlags& f) {
  const std::string_view yaml = DefaultTreeYaml();
  if (f.output.empty()) {
    std::fwrite(yaml.data(), 1, yaml.size(), stdout);
    return kExitOk;
  }
  if (std::filesystem::exists(f.output) && !f.force) {
    std::fprintf(stderr, "convsent tree init: %s exists (use --force to replace it)\n", f.output.c_str());
    return kExitFailure;
  }
  const std::string tmp = f.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(yaml.data(), static_cast<std::streamsize>(yaml.size()));
    if (!out) {
      std::fprintf(stderr, "convsent tree init: cannot write %s\n", f.output.c_str());
      return kExitFailure;
    }
  }
  if (std::rename(tmp.c_str(), f.output.c_str()) != 0) {
    std::remove(tmp.c_str());
    std::fprintf(stderr, "convsent tree init: cannot write %s\n", f.output.c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "wrote the default tree to %s\n", f.output.c_str());
  return kExitOk;
}

struct AlertsFlags {
  std::string db;
  int64_t ack = 0;
  bool all = false, json = false;
};

int RunAlerts(const AlertsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  if (f.ack > 0) {
    if (Status s = AcknowledgeAlert(*store, f.ack, NowMs()); !s.ok()) {
      return std::fprintf(stderr, "convsent alerts: %s\n", s.message().c_str()), kExitFailure;
    }
    std::printf("alert %lld acknowledged\n", static_cast<long long>(f.ack));
    return kExitOk;
  }
  auto alerts = store->alerts().List(!f.all);
  if (!alerts.ok()) return std::fprintf(stderr, "convsent alerts: %s\n", alerts.status().ToString().c_str()), kExitFailure;
  if (f.json) {
    std::printf("%s\n", AlertsToJson(*alerts, 2).c_str());
    return kExitOk;
  }
  if (alerts->empty()) std::printf("no %salerts\n", f.all ? "" : "open ");
  for (const auto& a : *alerts) {
    std::printf("%4lld  %-12s %-9s %s  [webhook: %s]\n", static_cast<long long>(a.id), a.status.c_str(),
                a.period.c_str(), a.message.c_str(), a.delivery.c_str());
  }
  return kExitOk;
}

struct InterventionFlags {
  std::string db, config, node, at, owner, note;
  std::vector<std::string> segment;
  int64_t id = 0;
  int window = 28;
  bool json = false;
};

int RunInterventionAdd(const InterventionFlags& f) {
  auto config = LoadTreeConfigOrReport(f.config);
  if (!config) return kExitFailure;
  if (!config->Find(f.node)) {
    std::fprintf(stderr, "convsent intervention add: --node %s: no such node in the tree\n", f.node.c_str());
    return kExitUsage;
  }
  InterventionRecord r;
  r.node = f.node;
  r.owner = f.owner;
  r.note = f.note;
  r.added_at_ms = NowMs();
  if (!ParseTime(f.at, &r.at_ms)) {
    std::fprintf(stderr, "convsent intervention add: --at %s: not a date\n", f.at.c_str());
    return kExitUsage;
  }
  if (!ParseWhereOrReport(f.segment, &r.segment, "intervention add", "--segment")) return kExitUsage;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto id = store->interventions().Add(r);
  if (!id.ok()) return std::fprintf(stderr, "convsent intervention add: %s\n", id.status().ToString().c_str()), kExitFailure;
  std::printf("intervention %lld logged on %s at %s\n", static_cast<long long>(*id), r.node.c_str(),
              FormatTime(r.at_ms).c_str());
  return kExitOk;
}

int RunInterventionList(const InterventionFlags& f, bool check) {
  auto config = check ? LoadTreeConfigOrReport(f.config) : std::optional<TreeConfig>(TreeConfig{});
  if (!config) return kExitFailure;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto list = store->interventions().List();
  if (!list.ok()) return std::fprintf(stderr, "convsent intervention: %s\n", list.status().ToString().c_str()), kExitFailure;
  nlohmann::json out = nlohmann::json::array();
  bool found = false;
  for (const auto& r : *list) {
    if (f.id > 0 && r.id != f.id) continue;
    found = true;
    std::string segment;
    for (const auto& [k, v] : r.segment) segment += (segment.empty() ? "" : ", ") + k + "=" + v;
    std::optional<InterventionCheck> checked;
    std::string line = "#" + std::to_string(r.id) + " " + r.node + " at " + FormatTime(r.at_ms).substr(0, 10) + " by " +
                       r.owner + (segment.empty() ? "" : " on " + segment) + ": " + r.note;
    if (check) {
      auto c = CheckIntervention(*store, *config, r, f.window);
      if (!c.ok()) {
        std::fprintf(stderr, "convsent intervention check: %s\n", c.status().ToString().c_str());
        return kExitFailure;
      }
      line += "\n    " + c->verdict + ": " + c->reasoning;
      checked = std::move(*c);
    }
    if (!f.json) std::printf("%s\n", line.c_str());
    out.push_back(nlohmann::json::parse(InterventionToJson(r, checked ? &*checked : nullptr)));
  }
  if (f.json) std::printf("%s\n", out.dump(2).c_str());
  if (f.id > 0 && !found) {
    std::fprintf(stderr, "convsent intervention: no intervention %lld\n", static_cast<long long>(f.id));
    return kExitFailure;
  }
  if (!f.json && list->empty()) std::printf("no interventions logged\n");
  return kExitOk;
}

}  // namespace

void AddTreeCommands(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<TreeFlags>();
  CLI::App* tree = app.add_subcommand("tree", NetCommandHelp("tree"));
  tree->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  tree->add_option("--config", f->config, "Tree config (default $CONVSENT_TREE, ./convsent-tree.yaml, or the built-in tree)");
  tree->add_option("--from", f->from, "First day (inclusive)");
  tree->add_option("--to", f->to, "Last day (exclusive)");
  tree->add_option("--where", f->where, "KEY=VALUE filter (no alerts are raised on a filtered tree)");
  tree->add_option("--conversation", f->conversation, "List the drivers present in one conversation");
  tree->add_flag("--json", f->json, "Print JSON (docs/metric-tree.md)");
  tree->add_flag("--no-alerts", f->no_alerts, "Do not apply the alert rules");
  tree->add_option("--webhook-wait", f->webhook_wait, "Seconds to wait for webhook deliveries after printing (default 10)");
  tree->callback([f, exit_code, tree] {
    if (tree->got_subcommand("init")) return;
    *exit_code = RunTree(*f);
  });
  CLI::App* init = tree->add_subcommand("init", "Write the default tree config");
  init->add_option("-o,--output", f->output, "File to write (default: standard output)");
  init->add_flag("--force", f->force, "Replace an existing file");
  init->callback([f, exit_code] { *exit_code = RunTreeInit(*f); });

  auto a = std::make_shared<AlertsFlags>();
  CLI::App* alerts = app.add_subcommand("alerts", NetCommandHelp("alerts"));
  alerts->add_option("--db", a->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  alerts->add_option("--ack", a->ack, "Acknowledge this alert");
  alerts->add_flag("--all", a->all, "Also list acknowledged and recovered alerts");
  alerts->add_flag("--json", a->json, "Print JSON");
  alerts->callback([a, exit_code] { *exit_code = RunAlerts(*a); });

  auto i = std::make_shared<InterventionFlags>();
  CLI::App* iv = app.add_subcommand("intervention", NetCommandHelp("intervention"));
  iv->require_subcommand(1);
  iv->add_option("--db", i->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  iv->add_option("--config", i->config, "Tree config");
  CLI::App* add = iv->add_subcommand("add", "Log an intervention");
  add->add_option("--node", i->node, "The node it acts on")->required();
  add->add_option("--at", i->at, "When it took effect (date or RFC 3339)")->required();
  add->add_option("--owner", i->owner, "Who made it")->required();
  add->add_option("--note", i->note, "What was done")->required();
  add->add_option("--segment", i->segment, "KEY=VALUE: the segment it touched (repeatable); the rest is the comparison");
  add->add_option("--db", i->db, "Store");
  add->add_option("--config", i->config, "Tree config");
  add->callback([i, exit_code] { *exit_code = RunInterventionAdd(*i); });
  CLI::App* check = iv->add_subcommand("check", "Did the interventions work? Before and after, with tests");
  check->add_option("--id", i->id, "Only this intervention");
  check->add_option("--window", i->window, "At most this many days on each side (default 28)");
  check->add_flag("--json", i->json, "Print JSON");
  check->add_option("--db", i->db, "Store");
  check->add_option("--config", i->config, "Tree config");
  check->callback([i, exit_code] { *exit_code = RunInterventionList(*i, true); });
  CLI::App* list = iv->add_subcommand("list", "List the logged interventions");
  list->add_flag("--json", i->json, "Print JSON");
  list->add_option("--db", i->db, "Store");
  list->callback([i, exit_code] { *exit_code = RunInterventionList(*i, false); });
}

}  // namespace convsent::cli
