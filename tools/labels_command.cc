// convsent labels import|export|stats: people's labels in and out of the
// store (docs/report.md, "The corrected estimate").
#include <cstdio>
#include <nlohmann/json.hpp>

#include "convsent/label_import.h"
#include "convsent/labels.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct LabelsFlags {
  std::string db, output;
  std::vector<std::string> files;
  bool audit = false, json = false;
};

int RunImport(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  LabelImportOptions o;
  o.audit = f.audit;
  o.now_ms = NowMs();
  if (!f.json) {
    o.on_error = [](const LabelImportError& e) {
      std::fprintf(stderr, "%s:%lld: %s%s%s\n", e.file.c_str(), static_cast<long long>(e.line), e.field.c_str(),
                   e.field.empty() ? "" : ": ", e.message.c_str());
    };
  }
  auto summary = ImportLabels(*store, f.files, o);
  if (!summary.ok()) {
    if (f.json) {
      std::printf("%s\n", nlohmann::json({{"error", summary.status().message()}, {"imported", 0}}).dump().c_str());
    }
    std::fprintf(stderr, "convsent labels import: %s (nothing was stored)\n", summary.status().ToString().c_str());
    return kExitFailure;
  }
  if (f.json) {
    std::printf("%s\n", LabelImportSummaryToJson(*summary, f.audit ? "audit" : "import").c_str());
  } else {
    std::fprintf(stderr, "imported %lld labels as %s, skipped %lld\n", static_cast<long long>(summary->imported),
                 f.audit ? "an audit (a uniformly random sample)" : "source import",
                 static_cast<long long>(summary->skipped));
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return kExitFailure;
  return summary->skipped > 0 ? kExitPartial : kExitOk;
}

int RunExport(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  const bool jsonl = f.json || f.output.ends_with(".jsonl");
  auto exported = ExportLabels(*store, jsonl);
  if (!exported.ok()) {
    return std::fprintf(stderr, "convsent labels export: %s\n", exported.status().ToString().c_str()), kExitFailure;
  }
  const std::string& out = *exported;
  if (!f.output.empty()) {
    if (Status w = WriteFileAtomically(f.output, out); !w.ok()) {
      return std::fprintf(stderr, "convsent labels export: %s\n", w.ToString().c_str()), kExitFailure;
    }
    return kExitOk;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

int RunStats(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  std::vector<HumanLabel> all;
  if (Status s = store->labels().ForEach([&](const HumanLabel& l) { return all.push_back(l), Status::Ok(); }); !s.ok()) {
    return std::fprintf(stderr, "convsent labels stats: %s\n", s.ToString().c_str()), kExitFailure;
  }
  const LabelStats st = ComputeLabelStats(all);
  std::fputs((f.json ? LabelStatsToJson(st) : LabelStatsToText(st)).c_str(), stdout);
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

}  // namespace

void AddLabelsCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<LabelsFlags>();
  Command* labels = app.add_subcommand("labels", "People's labels: import, export, stats (docs/report.md)");
  labels->require_subcommand(1);
  Command* import = labels->add_subcommand("import", "Store labels from CSV (with a header) or JSON Lines files");
  import->add_option("files", f->files, "Files (.csv: CSV; else JSON Lines; -: standard input)")->required();
  import->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  import->add_flag("--audit", f->audit, "The rows are a uniformly random sample: they correct the report's shares");
  import->add_flag("--json", f->json, "Print a JSON summary (imported, skipped, errors)");
  import->callback([f, exit_code] { *exit_code = RunImport(*f); });
  Command* exp = labels->add_subcommand("export", "Write every label (CSV; JSON Lines with --json or a .jsonl name)");
  exp->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  exp->add_option("-o,--output", f->output, "File (default: standard output)");
  exp->add_flag("--json", f->json, "JSON Lines");
  exp->callback([f, exit_code] { *exit_code = RunExport(*f); });
  Command* stats = labels->add_subcommand("stats", "Counts per source and label, and agreement between reviewers");
  stats->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  stats->add_flag("--json", f->json, "Print JSON");
  stats->callback([f, exit_code] { *exit_code = RunStats(*f); });
}

}  // namespace convsent::cli
