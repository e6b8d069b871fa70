// convsent ingest: score and store conversations (JSON Lines, or CSV of messages).
#include "convsent/ingest.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct IngestFlags {
  std::vector<std::string> files;
  StoreWriteFlags write;
};

int RunIngest(const IngestFlags& flags) {
  return RunStoreWrite(flags.write, "ingest", "ingested",
                       [&](std::shared_ptr<const Model> model, Store* store, const IngestOptions& options) {
                         return Ingest(flags.files, std::move(model), store, options);
                       });
}

}  // namespace

void AddIngestCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<IngestFlags>();
  Command* cmd = app.add_subcommand("ingest", "Score and store conversations (JSON Lines, or CSV of messages)");
  cmd->add_option("files", f->files, "Input files ('-' for stdin)")->required();
  AddStoreWriteFlags(cmd, &f->write, "Stop at the first bad line and write nothing");
  cmd->callback([f, exit_code] { *exit_code = RunIngest(*f); });
}

}  // namespace convsent::cli
