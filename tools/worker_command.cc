// convsent worker: score and store the conversations of the store's backlog.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>

#include "convsent/ingest.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct WorkerFlags {
  std::string db, model;
  int batch = 200;
  bool until_empty = false, json = false;
};

std::atomic<bool> g_stop_worker{false};

int RunWorkerCommand(const WorkerFlags& flags) {
  auto model = LoadModelOrReport(flags.model, ModelUse::kConversations);
  if (!model) return kExitFailure;
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  // SIGTERM or Ctrl-C: finish the batch in hand, then stop.
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop_worker = true; };
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  WorkerOptions options;
  options.batch = std::max(1, std::min(flags.batch, 100000));
  options.until_empty = flags.until_empty;
  options.stop = [] { return g_stop_worker.load(); };
  options.on_error = [](const IngestError& e) { PrintIngestError(e); };
  const auto summary = RunWorker(model, store.get(), options);
  if (!summary.ok()) {
    std::fprintf(stderr, "convsent worker: %s\n", summary.status().ToString().c_str());
    return kExitFailure;
  }
  const WorkerSummary& s = *summary;
  if (flags.json) {
    const nlohmann::json out = {{"conversations", s.conversations}, {"messages", s.messages}, {"batches", s.batches},
                                {"errors", s.errors}, {"seconds", s.seconds}, {"model", s.model}};
    std::printf("%s\n", out.dump().c_str());
  } else {
    std::printf("worker stored %s conversations, %s messages in %.1f s (%s msg/s), %s batches; %s damaged; model %s\n",
                Thousands(s.conversations).c_str(), Thousands(s.messages).c_str(), s.seconds,
                Thousands(s.seconds > 0 ? static_cast<int64_t>(static_cast<double>(s.messages) / s.seconds) : 0).c_str(),
                Thousands(s.batches).c_str(), Thousands(s.errors).c_str(), s.model.c_str());
  }
  return s.errors > 0 ? kExitPartial : kExitOk;
}

}  // namespace

void AddWorkerCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<WorkerFlags>();
  Command* cmd = app.add_subcommand(
      "worker", "Score and store conversations from the store's backlog (fed by ingest --enqueue); run several at once");
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db); postgresql://... to share it");
  cmd->add_option("--model", f->model, "Model file (default: the embedded model for conversations, which reads the turns before each message)");
  cmd->add_option("--batch", f->batch, "Conversations claimed per transaction (default 200)");
  cmd->add_flag("--until-empty", f->until_empty, "Stop when the backlog is empty instead of waiting for more");
  cmd->add_flag("--json", f->json, "Print the closing summary as JSON");
  cmd->callback([f, exit_code] { *exit_code = RunWorkerCommand(*f); });
}

}  // namespace convsent::cli
