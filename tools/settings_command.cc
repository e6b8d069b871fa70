// convsent settings: read or change the settings a store keeps for every
// process that writes it (docs/store-and-ingest.md).
#include <cstdio>

#include "convsent/redact.h"
#include "convsent/store.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct SettingsFlags {
  std::string db;
  std::vector<std::string> assignments;  // key=value
};

int RunSettings(const SettingsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  for (const std::string& a : f.assignments) {
    const size_t eq = a.find('=');
    const std::string key = a.substr(0, eq), value = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (eq == std::string::npos || key != "redact") {
      std::fprintf(stderr, "convsent settings: '%s': expected redact=off|all|email,phone,card,iban\n", a.c_str());
      return kExitUsage;
    }
    auto r = ParseRedaction(value);
    if (!r.ok()) {
      std::fprintf(stderr, "convsent settings: %s\n", r.status().message().c_str());
      return kExitUsage;
    }
    if (Status s = store->SetSetting(key, RedactionName(*r)); !s.ok()) {
      std::fprintf(stderr, "convsent settings: %s\n", s.ToString().c_str());
      return kExitFailure;
    }
  }
  auto redaction = StoredRedaction(*store);
  if (!redaction.ok()) {
    std::fprintf(stderr, "convsent settings: %s\n", redaction.status().ToString().c_str());
    return kExitFailure;
  }
  std::printf("redact=%s\n", RedactionName(*redaction).c_str());
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

}  // namespace

void AddSettingsCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<SettingsFlags>();
  Command* cmd = app.add_subcommand("settings", "Print or change the store's settings (redact=... masks personal data)");
  cmd->add_option("assignments", f->assignments, "key=value to set, e.g. redact=all (email, phone, card, iban; off)");
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->callback([f, exit_code] { *exit_code = RunSettings(*f); });
}

}  // namespace convsent::cli
