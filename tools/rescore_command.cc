// convsent rescore: score stored conversations again with another model.
#include "convsent/ingest.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct RescoreFlags {
  std::string db, model, from, to;
  bool keep_current = false;
};

int RunRescore(const RescoreFlags& flags) {
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  std::optional<int64_t> from, to;
  int64_t t = 0;
  if (!flags.from.empty()) {
    if (!ParseTime(flags.from, &t)) return std::fprintf(stderr, "convsent rescore: --from: not a date\n"), kExitUsage;
    from = t;
  }
  if (!flags.to.empty()) {
    if (!ParseTime(flags.to, &t)) return std::fprintf(stderr, "convsent rescore: --to: not a date\n"), kExitUsage;
    to = t;
  }
  auto n = Rescore(*store, model, from, to, flags.keep_current);
  if (!n.ok()) {
    std::fprintf(stderr, "convsent rescore: %s (scores committed before this point are kept)\n",
                 n.status().ToString().c_str());
    return kExitFailure;
  }
  std::printf("rescored %s conversations with %s; earlier models' scores are kept%s\n", Thousands(*n).c_str(),
              model->info().version.c_str(), flags.keep_current ? "" : "; it is now the current model");
  return kExitOk;
}

}  // namespace

void AddRescoreCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<RescoreFlags>();
  Command* cmd = app.add_subcommand("rescore", "Score stored conversations again with another model, keeping the old scores");
  cmd->add_option("--model", f->model, "Model file")->required();
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--from", f->from, "Only conversations created at or after this date");
  cmd->add_option("--to", f->to, "Only conversations created before this date");
  cmd->add_flag("--keep-current", f->keep_current, "Do not make this model the current one");
  cmd->callback([f, exit_code] { *exit_code = RunRescore(*f); });
}

}  // namespace convsent::cli
