// convsent serve: the HTTP API, the dashboard and the review queue
// (docs/server.md), over one store.
#include "convsent/server.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ServeFlags {
  std::string db, bind, config, model, sync_config;
  bool sync = false;
  int port = -1;
};

int RunServe(const ServeFlags& f) {
  ServeOptions o;
  o.db = f.db.empty() ? DefaultStoreLocation() : f.db;
  auto tree = LoadTreeConfigOrReport("");
  if (!tree) return kExitFailure;
  o.tree = std::move(*tree);
  if (!f.config.empty()) {
    if (Status s = LoadServeConfig(f.config, &o); !s.ok()) {
      return std::fprintf(stderr, "convsent serve: %s\n", s.message().c_str()), kExitFailure;
    }
  }
  if (!f.sync_config.empty()) {
    auto sync = LoadSyncConfig(f.sync_config);
    if (!sync.ok()) return std::fprintf(stderr, "convsent serve: %s\n", sync.status().message().c_str()), kExitFailure;
    o.sync = std::move(*sync);
  }
  if (f.sync && f.sync_config.empty()) {
    return std::fprintf(stderr, "convsent serve: --sync needs --sync-config\n"), kExitUsage;
  }
  o.sync_in_background = f.sync;
  if (!f.bind.empty()) o.bind = f.bind;
  if (f.port >= 0) o.port = f.port;
  auto model = LoadModelOrReport(f.model, ModelUse::kConversations);
  if (!model) return kExitFailure;
  o.model_path = f.model;  // read again on SIGHUP
  if (Status s = Serve(o, model); !s.ok()) {
    std::fprintf(stderr, "convsent serve: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "convsent serve: stopped\n");
  return kExitOk;
}

}  // namespace

void AddServeCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<ServeFlags>();
  Command* serve = app.add_subcommand("serve", NetCommandHelp("serve"));
  serve->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  serve->add_option("--bind", f->bind, "Address to listen on (default 127.0.0.1: loopback only)");
  serve->add_option("--port", f->port, "Port (default 8080; 0: any free port, printed)");
  serve->add_option("--config", f->config, "Serve config (YAML: queue rules, limits, tree file)");
  serve->add_option("--model", f->model, "Model file (default: the embedded model for conversations, which reads the turns before each message); "
                  "kill -HUP the server to make a new version of the file current without losing a message");
  serve->add_option("--sync-config", f->sync_config,
                    "The sync config (docs/sync.md): webhook secrets for POST /v1/hooks/<system>, and the API "
                    "credentials that fetch a conversation a webhook names");
  serve->add_flag("--sync", f->sync, "Also pull from every help desk of --sync-config with a token, in the background");
  serve->callback([f, exit_code] { *exit_code = RunServe(*f); });
}

}  // namespace convsent::cli
