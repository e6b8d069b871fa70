// convsent alerts: the metric tree's alerts, listed or acknowledged.
#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

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

}  // namespace

void AddAlertsCommand(Command& app, int* exit_code) {
  auto a = std::make_shared<AlertsFlags>();
  Command* alerts = app.add_subcommand("alerts", NetCommandHelp("alerts"));
  alerts->add_option("--db", a->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  alerts->add_option("--ack", a->ack, "Acknowledge this alert");
  alerts->add_flag("--all", a->all, "Also list acknowledged and recovered alerts");
  alerts->add_flag("--json", a->json, "Print JSON");
  alerts->callback([a, exit_code] { *exit_code = RunAlerts(*a); });
}

}  // namespace convsent::cli
