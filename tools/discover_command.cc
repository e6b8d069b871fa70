// convsent discover: emerging issues and where the share negative moved
// (docs/discovery.md).
#include <nlohmann/json.hpp>

#include "convsent/discover.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct DiscoverFlags {
  std::string db, config, period = "week", to;
  bool json = false, alert = false;
  int suggest = 0;
  double webhook_wait = 10;
  DiscoverOptions options;
};

int RunDiscover(DiscoverFlags& f) {
  if (f.period != "week" && f.period != "day") {
    std::fprintf(stderr, "convsent discover: --period: '%s' is not week or day\n", f.period.c_str());
    return kExitUsage;
  }
  f.options.period = f.period == "day" ? Period::kDay : Period::kWeek;
  if (!f.to.empty()) {
    int64_t to = 0;
    if (!ParseTime(f.to, &to)) {
      std::fprintf(stderr, "convsent discover: --to: '%s' is not a date (YYYY-MM-DD)\n", f.to.c_str());
      return kExitUsage;
    }
    // The last day is exclusive, as everywhere: the period examined holds
    // the day before it.
    f.options.to_ms = to - 1;
  }
  auto config = LoadTreeConfigOrReport(f.config);
  if (!config) return kExitFailure;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto found = Discover(*store, f.options, &*config);
  if (!found.ok()) {
    std::fprintf(stderr, "convsent discover: %s\n", found.status().ToString().c_str());
    return found.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  if (f.suggest) {
    if (static_cast<size_t>(f.suggest) > found->issues.size()) {
      std::fprintf(stderr, "convsent discover: --suggest %d: %s has %zu emerging issue(s)\n", f.suggest,
                   found->period.c_str(), found->issues.size());
      return kExitFailure;
    }
    std::fputs(SuggestTreeNode(found->issues[static_cast<size_t>(f.suggest - 1)], f.suggest).c_str(), stdout);
    return kExitOk;
  }
  std::vector<DiscoveredIssueRecord> added;
  if (f.alert) {
    auto recorded = RecordDiscoveries(*store, *config, *found, /*alert=*/true, NowMs());
    if (!recorded.ok()) {
      std::fprintf(stderr, "convsent discover: %s\n", recorded.status().ToString().c_str());
      return kExitFailure;
    }
    added = std::move(*recorded);
  }
  if (f.json) {
    auto j = nlohmann::json::parse(DiscoveryToJson(*found));
    if (f.alert) {
      j["new"] = nlohmann::json::array();
      for (const auto& r : added)
        j["new"].push_back({{"id", r.id}, {"phrases", r.phrases}, {"alert", r.alert ? nlohmann::json(r.alert) : nlohmann::json()}});
    }
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::fputs(DiscoveryToText(*found).c_str(), stdout);
    for (const auto& r : added) {
      if (r.alert) std::printf("ALERT %lld raised: a new issue, \"%s\"\n", static_cast<long long>(r.alert), r.phrases.front().c_str());
    }
  }
  std::fflush(stdout);
  if (!f.alert) return kExitOk;
  // As `convsent tree`: the findings are out; now the webhooks, for a bounded time.
  return DeliverAlertsOrReport(*store, *config, f.webhook_wait, "discover");
}

}  // namespace

void AddDiscoverCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<DiscoverFlags>();
  Command* cmd = app.add_subcommand("discover", NetCommandHelp("discover"));
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--period", f->period, "week or day (default week)");
  cmd->add_option("--to", f->to, "Examine the period holding the day before this date (default: the latest period)");
  cmd->add_option("--baseline", f->options.baseline_periods, "Periods before it to compare with (default 4)");
  cmd->add_option("--min-count", f->options.min_count, "Negative conversations a phrase needs in the period (default 8)");
  cmd->add_option("--fdr", f->options.fdr, "Expected share of false discoveries among the issues (default 0.01)");
  cmd->add_option("--config", f->config, "Tree config, for which driver covers an issue (default as `convsent tree`)");
  cmd->add_option("--suggest", f->suggest, "Print a tree driver for issue N (1 = the first) to review and paste");
  cmd->add_flag("--json", f->json, "Print JSON (docs/discovery.md)");
  cmd->add_flag("--alert", f->alert,
                "Keep new issues in the store and alert the tree root's owner of each one no driver covers, once");
  cmd->add_option("--webhook-wait", f->webhook_wait, "Seconds to wait for webhook deliveries after printing (default 10)");
  cmd->callback([f, exit_code] { *exit_code = RunDiscover(*f); });
}

}  // namespace convsent::cli
