// convsent serve, and convsent keys create|list|revoke.
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

struct KeysFlags {
  std::string db, role, name;
  int64_t id = 0;
};

int RunKeysCreate(const KeysFlags& f) {
  if (!IsRole(f.role)) {  // before the store is opened, or created
    return std::fprintf(stderr, "convsent keys create: --role must be admin, ingest, reviewer or viewer\n"), kExitUsage;
  }
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto created = CreateApiKey(*store, f.role, f.name);
  if (!created.ok()) {
    std::fprintf(stderr, "convsent keys create: %s\n", created.status().message().c_str());
    return created.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  std::fprintf(stderr, "key %lld (%s%s%s): shown once, keep it safe\n", static_cast<long long>(created->first),
               f.role.c_str(), f.name.empty() ? "" : ", ", f.name.c_str());
  std::printf("%s\n", created->second.c_str());
  return kExitOk;
}

int RunKeysList(const KeysFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto keys = store->api_keys().List();
  if (!keys.ok()) return std::fprintf(stderr, "convsent keys list: %s\n", keys.status().ToString().c_str()), kExitFailure;
  if (keys->empty()) std::printf("no keys\n");
  for (const auto& k : *keys) {
    std::printf("%4lld  %-9s %-10s… %-20s created %s%s\n", static_cast<long long>(k.id), k.role.c_str(), k.prefix.c_str(),
                k.name.c_str(), FormatTime(k.created_at_ms).c_str(),
                k.revoked_at_ms ? ("  REVOKED " + FormatTime(k.revoked_at_ms)).c_str() : "");
  }
  return kExitOk;
}

int RunKeysRevoke(const KeysFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  if (Status s = store->api_keys().Revoke(f.id, NowMs()); !s.ok()) {
    std::fprintf(stderr, "convsent keys revoke: %s\n", s.message().c_str());
    return kExitFailure;
  }
  std::printf("key %lld revoked\n", static_cast<long long>(f.id));
  return kExitOk;
}

}  // namespace

void AddServeCommands(Command& app, int* exit_code) {
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

  auto k = std::make_shared<KeysFlags>();
  Command* keys = app.add_subcommand("keys", NetCommandHelp("keys"));
  keys->require_subcommand(1);
  Command* create = keys->add_subcommand("create", "Create a key; it is printed once");
  create->add_option("--role", k->role, "admin, ingest, reviewer or viewer")->required();
  create->add_option("--name", k->name, "Who or what uses it");
  create->add_option("--db", k->db, "Store");
  create->callback([k, exit_code] { *exit_code = RunKeysCreate(*k); });
  Command* list = keys->add_subcommand("list", "List the keys (never the keys themselves)");
  list->add_option("--db", k->db, "Store");
  list->callback([k, exit_code] { *exit_code = RunKeysList(*k); });
  Command* revoke = keys->add_subcommand("revoke", "Revoke a key");
  revoke->add_option("id", k->id, "The key's id (keys list)")->required();
  revoke->add_option("--db", k->db, "Store");
  revoke->callback([k, exit_code] { *exit_code = RunKeysRevoke(*k); });
}

}  // namespace convsent::cli
