// convsent tree | tree init: the metric tree (docs/metric-tree.md), its alert
// rules applied and the alerts delivered.
#include <filesystem>

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
    const std::string out = f.json ? ConversationDriversToJson(*config, **sc) : ConversationDriversToText(*config, **sc);
    std::fputs(out.c_str(), stdout);
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
  const AlertRun* alerts = run ? &*run : nullptr;
  if (f.json) {
    std::printf("%s\n", TreeToJson(*config, *report, alerts).c_str());
  } else {
    std::fputs(TreeToText(*config, *report, alerts).c_str(), stdout);
  }
  std::fflush(stdout);
  // The tree is out; now the webhooks, for a bounded time.
  if (!run) return kExitOk;
  return DeliverAlertsOrReport(*store, *config, f.webhook_wait, "tree");
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
  if (Status s = WriteFileAtomically(f.output, yaml); !s.ok()) {
    std::fprintf(stderr, "convsent tree init: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "wrote the default tree to %s\n", f.output.c_str());
  return kExitOk;
}

}  // namespace

int DeliverAlertsOrReport(Store& store, const TreeConfig& config, double wait_seconds, const char* command) {
  auto undelivered = DeliverAlerts(store, config, std::chrono::milliseconds(static_cast<int64_t>(wait_seconds * 1000)));
  if (!undelivered.ok()) {
    std::fprintf(stderr, "convsent %s: alerts: %s\n", command, undelivered.status().ToString().c_str());
    return kExitFailure;
  }
  for (const AlertRecord& a : *undelivered) {
    std::fprintf(stderr, "convsent: alert %lld to %s: %s (%s)\n", static_cast<long long>(a.id), a.webhook.c_str(),
                 a.last_error.empty() ? "not delivered yet" : a.last_error.c_str(), a.delivery.c_str());
  }
  return kExitOk;
}

void AddTreeCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<TreeFlags>();
  Command* tree = app.add_subcommand("tree", NetCommandHelp("tree"));
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
  Command* init = tree->add_subcommand("init", "Write the default tree config");
  init->add_option("-o,--output", f->output, "File to write (default: standard output)");
  init->add_flag("--force", f->force, "Replace an existing file");
  init->callback([f, exit_code] { *exit_code = RunTreeInit(*f); });
}

}  // namespace convsent::cli
