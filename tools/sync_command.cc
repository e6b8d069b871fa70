// convsent sync SYSTEM: conversations pulled from the help desk's API since
// the last run, scored and stored (docs/sync.md). In convsent-net only.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <nlohmann/json.hpp>

#include "convsent/sync.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct SyncFlags {
  std::string system, db, config = "sync.yaml", model;
  bool once = false, follow = false, json = false;
};

std::atomic<bool> g_stop{false};

int RunSyncCommand(const SyncFlags& f) {
  HelpDesk system;
  if (!ParseHelpDesk(f.system, &system) || !CanSync(system)) {
    std::fprintf(stderr, "convsent sync: '%s' cannot be synced: one of zendesk, intercom, front, gorgias, zoho-desk (docs/sync.md)\n",
                 f.system.c_str());
    return kExitUsage;
  }
  if (f.once && f.follow) {
    std::fprintf(stderr, "convsent sync: --once and --follow exclude each other\n");
    return kExitUsage;
  }
  auto config = LoadSyncConfig(f.config);
  if (!config.ok()) {
    std::fprintf(stderr, "convsent sync: %s\n", config.status().message().c_str());
    return config.status().code() == StatusCode::kNotFound ? kExitUsage : kExitFailure;
  }
  const SyncSource* source = config->Find(system);
  if (source == nullptr) {
    std::fprintf(stderr, "convsent sync: %s has no %s block (docs/sync.md)\n", f.config.c_str(), f.system.c_str());
    return kExitUsage;
  }
  auto model = LoadModelOrReport(f.model, ModelUse::kConversations);
  if (!model) return kExitFailure;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  // SIGTERM and SIGINT end the sync between pages: what was stored stays,
  // with its cursor.
  std::signal(SIGTERM, [](int) { g_stop = true; });
  std::signal(SIGINT, [](int) { g_stop = true; });
  SyncOptions options;
  options.follow = f.follow;
  options.stop = [] { return g_stop.load(); };
  const bool tty = isatty(STDERR_FILENO) && !f.json;
  if (tty) {
    options.progress = [](const SyncProgress& p) {
      std::fprintf(stderr, "\r%s fetched  %s stored  %s requests  %.0f conversations/s   ", Thousands(p.fetched).c_str(),
                   Thousands(p.stored).c_str(), Thousands(p.requests).c_str(),
                   p.seconds > 0 ? static_cast<double>(p.stored) / p.seconds : 0.0);
    };
  }
  options.on_error = [json = f.json](const IngestError& e) {
    if (!json) PrintIngestError(e);
  };
  options.on_wait = [json = f.json](const std::string& why, std::chrono::milliseconds wait) {
    if (!json) std::fprintf(stderr, "%s; again in %.1f s\n", why.c_str(), static_cast<double>(wait.count()) / 1000);
  };
  auto summary = RunSync(*source, model, store.get(), options);
  if (tty) std::fprintf(stderr, "\n");
  if (!summary.ok()) {
    std::fprintf(stderr, "convsent sync: %s\n", summary.status().message().c_str());
    if (f.json) std::printf("%s\n", nlohmann::json({{"error", summary.status().message()}}).dump().c_str());
    return kExitFailure;
  }
  const SyncSummary& s = *summary;
  if (f.json) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : s.errors) {
      errors.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"message", e.message}});
    }
    nlohmann::json out = {{"system", f.system}, {"fetched", s.fetched}, {"stored", s.stored}, {"skipped", s.skipped},
                          {"messages", s.messages}, {"errors", errors}, {"errors_total", s.errors_total},
                          {"requests", s.requests}, {"cursor", nlohmann::json::parse(s.cursor, nullptr, false)},
                          {"seconds", s.seconds}, {"model", s.model}};
    if (out["cursor"].is_discarded()) out["cursor"] = nullptr;
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("synced %s: fetched %s, stored %s conversations (%s messages), skipped %s, %s requests in %.1f s; model %s\n",
                f.system.c_str(), Thousands(s.fetched).c_str(), Thousands(s.stored).c_str(), Thousands(s.messages).c_str(),
                Thousands(s.skipped).c_str(), Thousands(s.requests).c_str(), s.seconds, s.model.c_str());
  }
  return s.errors_total > 0 ? kExitPartial : kExitOk;
}

}  // namespace

void AddSyncCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<SyncFlags>();
  Command* cmd = app.add_subcommand("sync", NetCommandHelp("sync"));
  cmd->add_option("system", f->system, "zendesk, intercom, front, gorgias or zoho-desk")->required();
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--config", f->config, "The sync config: URL, credentials' file or variable, limits (default sync.yaml)");
  cmd->add_option("--model", f->model, "Model file (default: the embedded model for conversations)");
  cmd->add_flag("--once", f->once, "Pull what changed since the last run, then exit (the default; for cron)");
  cmd->add_flag("--follow", f->follow, "Keep polling, every poll_seconds of the config, until SIGTERM or SIGINT");
  cmd->add_flag("--json", f->json, "Print the summary as JSON: fetched, stored, skipped, errors, cursor");
  cmd->callback([f, exit_code] { *exit_code = RunSyncCommand(*f); });
}

}  // namespace convsent::cli
