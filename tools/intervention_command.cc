// convsent intervention add | check | list: changes logged against a node of
// the tree, and whether they worked.
#include <nlohmann/json.hpp>

#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

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

void AddInterventionCommand(Command& app, int* exit_code) {
  auto i = std::make_shared<InterventionFlags>();
  Command* iv = app.add_subcommand("intervention", NetCommandHelp("intervention"));
  iv->require_subcommand(1);
  iv->add_option("--db", i->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  iv->add_option("--config", i->config, "Tree config");
  Command* add = iv->add_subcommand("add", "Log an intervention");
  add->add_option("--node", i->node, "The node it acts on")->required();
  add->add_option("--at", i->at, "When it took effect (date or RFC 3339)")->required();
  add->add_option("--owner", i->owner, "Who made it")->required();
  add->add_option("--note", i->note, "What was done")->required();
  add->add_option("--segment", i->segment, "KEY=VALUE: the segment it touched (repeatable); the rest is the comparison");
  add->add_option("--db", i->db, "Store");
  add->add_option("--config", i->config, "Tree config");
  add->callback([i, exit_code] { *exit_code = RunInterventionAdd(*i); });
  Command* check = iv->add_subcommand("check", "Did the interventions work? Before and after, with tests");
  check->add_option("--id", i->id, "Only this intervention");
  check->add_option("--window", i->window, "At most this many days on each side (default 28)");
  check->add_flag("--json", i->json, "Print JSON");
  check->add_option("--db", i->db, "Store");
  check->add_option("--config", i->config, "Tree config");
  check->callback([i, exit_code] { *exit_code = RunInterventionList(*i, true); });
  Command* list = iv->add_subcommand("list", "List the logged interventions");
  list->add_flag("--json", i->json, "Print JSON");
  list->add_option("--db", i->db, "Store");
  list->callback([i, exit_code] { *exit_code = RunInterventionList(*i, false); });
}

}  // namespace convsent::cli
