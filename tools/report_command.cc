// convsent report: the sentiment metric over the stored conversations.
#include <climits>

#include "convsent/report.h"
#include "convsent/store.h"
#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ReportFlags {
  std::string db, from, to, period = "week", html, tree_config;
  std::vector<std::string> segment_by;
  std::vector<std::string> where;
  bool json = false, blend = false;
  int min_segment = 30;
};

int RunReport(const ReportFlags& flags) {
  ReportOptions o;
  if (flags.period != "day" && flags.period != "week") {
    std::fprintf(stderr, "convsent report: --period must be day or week\n");
    return kExitUsage;
  }
  o.period = flags.period == "day" ? Period::kDay : Period::kWeek;
  o.min_segment_size = flags.min_segment;
  o.segment_by = flags.segment_by;
  o.blend_human_labels = flags.blend;
  int64_t from = 0, to = 0;
  if (!ParseWhereOrReport(flags.where, &o.where, "report") || !ParseRangeOrReport(flags.from, flags.to, &from, &to, "report")) {
    return kExitUsage;
  }
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  const Result<Report> built = BuildReport(*store, from, to, o);
  if (!built.ok()) {
    std::fprintf(stderr, "convsent report: %s\n", built.status().ToString().c_str());
    return kExitFailure;
  }
  const Report& report = *built;
  if (!flags.html.empty()) {
    auto config = LoadTreeConfigOrReport(flags.tree_config);
    if (!config) return kExitFailure;
    const auto page = ReportPage(*store, report, *config, from, to, o.where);
    if (!page.ok()) {
      std::fprintf(stderr, "convsent report: %s\n", page.status().ToString().c_str());
      return kExitFailure;
    }
    // Written beside and renamed: a reader never sees half a page.
    if (Status w = WriteFileAtomically(flags.html, *page); !w.ok()) {
      std::fprintf(stderr, "convsent report: %s\n", w.message().c_str());
      return kExitFailure;
    }
    std::fprintf(stderr, "convsent report: wrote %s\n", flags.html.c_str());
  }
  const std::string out = flags.json ? ReportToJson(report) : ReportToText(report);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (flags.json) std::fputc('\n', stdout);
  return kExitOk;
}

}  // namespace

void AddReportCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  Command* cmd = app.add_subcommand("report", "The sentiment metric: score, band, trend, segments, drift, related metrics");
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--from", f->from, "First day (inclusive)");
  cmd->add_option("--to", f->to, "Last day (exclusive)");
  cmd->add_option("--where", f->where, "KEY=VALUE filter: channel, topic, team, tag or any attribute (repeatable)");
  cmd->add_option("--period", f->period, "day or week (ISO weeks; default week)");
  cmd->add_option("--min-segment", f->min_segment, "Smallest segment tested for pockets (default 30)");
  cmd->add_option("--segment-by", f->segment_by, "Also segment by this attribute (repeatable; channel, topic, team, tag and agent always)");
  cmd->add_flag("--json", f->json, "Print JSON (schema_version 1, docs/report.md)");
  cmd->add_flag("--blend-human-labels", f->blend, "Count a reviewer's label instead of the model's tone where there is one");
  cmd->add_option("--html", f->html, "Also write the report, with the metric tree, as one self-contained HTML page");
  cmd->add_option("--tree-config", f->tree_config, "The tree config for the page (default: as convsent tree)");
  cmd->callback([f, exit_code] { *exit_code = RunReport(*f); });
}

}  // namespace convsent::cli
