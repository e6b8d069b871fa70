// The convsent command-line tool: one file per command, each registering a
// subcommand (through tools/cli.h). Commands parse flags and print; the
// work is done by the library.
#ifndef CONVSENT_TOOLS_COMMANDS_H_
#define CONVSENT_TOOLS_COMMANDS_H_

#include "tools/cli.h"
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convsent/ingest.h"
#include "convsent/model.h"
#include "convsent/store.h"
#include "convsent/tree.h"

namespace convsent::cli {

// Exit codes shared by all commands (documented in the README).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // the command could not do its job
inline constexpr int kExitUsage = 2;        // bad flags or arguments
inline constexpr int kExitPartial = 3;      // done, but some input was skipped

// Each Add*Command registers a subcommand whose callback stores its exit
// code in *exit_code.
void AddScoreCommand(Command& app, int* exit_code);
void AddEvalCommand(Command& app, int* exit_code);
void AddTrainCommand(Command& app, int* exit_code);
void AddModelCommand(Command& app, int* exit_code);
void AddModelAdaptCommand(Command& model, int* exit_code);  // under `model`
void AddDemoCommand(Command& app, int* exit_code);
void AddToneEvalCommand(Command& app, int* exit_code);
void AddWorkerCommand(Command& app, int* exit_code);
void AddIngestCommand(Command& app, int* exit_code);
void AddShowCommand(Command& app, int* exit_code);
void AddRescoreCommand(Command& app, int* exit_code);
void AddSettingsCommand(Command& app, int* exit_code);
void AddLabelsCommand(Command& app, int* exit_code);
void AddAuditCommand(Command& app, int* exit_code);
void AddGenerateCommand(Command& app, int* exit_code);
void AddReportCommand(Command& app, int* exit_code);
void AddTreeCommand(Command& app, int* exit_code);
void AddAlertsCommand(Command& app, int* exit_code);
void AddInterventionCommand(Command& app, int* exit_code);
void AddServeCommand(Command& app, int* exit_code);
void AddKeysCommand(Command& app, int* exit_code);
void AddDiscoverCommand(Command& app, int* exit_code);
void AddSyncCommand(Command& app, int* exit_code);

// The commands that need the HTTP stack (server, webhooks). They are built
// into convsent-net only; convsent lists them in its help and hands them over
// (tools/main.cc, CMakeLists.txt).
struct NetCommand {
  const char* name;
  const char* help;
};
inline constexpr NetCommand kNetCommands[] = {
    {"serve", "Serve the HTTP API: stream messages in, review queue, report (docs/server.md)"},
    {"keys", "API keys of the server: create, list, revoke"},
    {"tree", "The metric tree: drivers of negative sentiment, owners, alerts"},
    {"alerts", "List the tree's alerts, or acknowledge one"},
    {"intervention", "Log a change against a node of the tree, and check it"},
    {"discover", "Emerging issues and where the share negative moved, found from the data"},
    {"sync", "Pull conversations from a help desk's API as they change (zendesk, intercom, front, gorgias, zoho-desk; docs/sync.md)"},
};
// The help line of one of them, by name.
inline const char* NetCommandHelp(std::string_view name) {
  for (const NetCommand& c : kNetCommands) {
    if (name == c.name) return c.help;
  }
  return "";
}
void AddImportCommand(Command& app, int* exit_code);

// What ingest and import share: the flags of scoring into a store, the
// printed error, and the closing summary (text or JSON) with the exit code
// it implies.
struct StoreWriteFlags {
  std::string db, model;
  bool strict = false, json = false, enqueue = false;
  int threads = 2;
};
// Adds --db, --model, --strict (`strict_help`), --json, --threads and --enqueue.
void AddStoreWriteFlags(Command* cmd, StoreWriteFlags* f, const char* strict_help);
void PrintIngestError(const IngestError& e);
// 1234567 as "1,234,567".
std::string Thousands(int64_t v);
int ReportIngestSummary(const Result<IngestSummary>& summary, bool json, bool strict, const char* command,
                        const char* verb);
// Loads the model and opens the store of `f`, runs `ingest` with options
// that show progress on a terminal and print each error (unless --json),
// and reports its summary.
int RunStoreWrite(const StoreWriteFlags& f, const char* command, const char* verb,
                  const std::function<Result<IngestSummary>(std::shared_ptr<const Model>, Store*, const IngestOptions&)>& ingest);

// The model at `path`, or the embedded one when `path` is empty. Prints the
// error and returns nullptr on failure.
// The model at `path`, or the embedded one for `use`; null after saying why.
std::shared_ptr<const Model> LoadModelOrReport(const std::string& path, ModelUse use = ModelUse::kMessages);
// A --for value: "messages" or "conversations"; false (after saying so on
// stderr, for `command`) for anything else.
bool ParseModelUse(const char* command, const std::string& name, ModelUse* use);
// --lang: "auto" (unset: each message's language is identified) or a
// language code; false (with the error printed) for anything else.
bool ParseLangFlag(const char* command, const std::string& value, std::optional<Language>* language);
inline constexpr const char* kLangFlagHelp =
    "Language of the text: auto (default: identified per message) or ar, de, en, es, fr, hi, it, pt";
// Writes `bytes` to a temporary file beside `path`, then renames it over
// `path`: a crash never leaves half a file.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// The store at `location` (the default location when empty). Prints the
// error and returns nullptr on failure.
std::unique_ptr<Store> OpenStoreOrReport(const std::string& location);

// --from/--to dates (empty: unbounded) and --where KEY=VALUE filters of
// `command`. Print the error and return false when one is malformed.
bool ParseRangeOrReport(const std::string& from, const std::string& to, int64_t* from_ms, int64_t* to_ms,
                        const char* command);
bool ParseWhereOrReport(const std::vector<std::string>& in, std::vector<std::pair<std::string, std::string>>* out,
                        const char* command, const char* flag = "--where");

// The tree config at `path`; when empty, $CONVSENT_TREE, ./convsent-tree.yaml
// or the built-in default. Prints the error and returns nullopt on failure.
std::optional<TreeConfig> LoadTreeConfigOrReport(const std::string& path);

// Delivers the store's pending alerts for up to `wait_seconds`, saying on
// stderr which are not delivered yet; the exit code. In convsent-net only
// (tree_command.cc): it sends webhooks.
int DeliverAlertsOrReport(Store& store, const TreeConfig& config, double wait_seconds, const char* command);

}  // namespace convsent::cli

#endif  // CONVSENT_TOOLS_COMMANDS_H_
