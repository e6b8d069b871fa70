// convsent keys create|list|revoke: the API keys of `convsent serve`
// (docs/server.md, "Who may do what").
#include "convsent/server.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

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

void AddKeysCommand(Command& app, int* exit_code) {
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
