// convsent import SYSTEM FILE...: help-desk exports into the store, or into
// canonical JSON Lines with --to-jsonl.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "convsent/import.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ImportFlags {
  std::string system, to_jsonl;
  std::vector<std::string> files;
  StoreWriteFlags write;
};

// Writes the conversations as JSON Lines to `path` ("-": stdout), through a
// temporary file renamed into place, so a failed write leaves nothing half
// written.
Status WriteJsonl(const std::vector<Conversation>& conversations, const std::string& path) {
  const bool to_stdout = path == "-";
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::FILE* f = to_stdout ? stdout : std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot write " + tmp);
  for (const auto& c : conversations) {
    const std::string line = ConversationToJson(c);
    std::fwrite(line.data(), 1, line.size(), f);
    std::fputc('\n', f);
  }
  if (to_stdout) return std::fflush(f) == 0 ? Status::Ok() : Status::IoError("cannot write to standard output");
  const bool ok = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  if (std::fclose(f) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot write " + path);
  }
  return Status::Ok();
}

int RunImport(const ImportFlags& flags) {
  HelpDesk system;
  if (!ParseHelpDesk(flags.system, &system)) {
    std::string names;
    for (HelpDesk s : AllHelpDesks()) names += (names.empty() ? "" : ", ") + std::string(HelpDeskName(s));
    std::fprintf(stderr, "convsent import: unknown system '%s' (one of: %s)\n", flags.system.c_str(), names.c_str());
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  ImportResult imported = ImportFiles(system, flags.files);
  // Said after the summary, in words only: --json keeps ingest's shape.
  const int64_t left_out = imported.messages_left_out;
  auto finish = [&](int code) {
    if (!flags.write.json && left_out > 0) {
      std::printf("left out %lld messages with nothing to score (system notices, attachments alone, quoted history alone)\n",
                  static_cast<long long>(left_out));
    }
    return code;
  };

  if (!flags.to_jsonl.empty()) {
    // No scoring: the conversations as read, for a look or another tool.
    IngestSummary s;
    for (const auto& e : imported.errors) {
      if (!flags.write.json) PrintIngestError(e);
      if (s.errors.size() < IngestSummary::kMaxErrors) s.errors.push_back(e);
    }
    s.errors_total = s.skipped = static_cast<int64_t>(imported.errors.size());
    s.aborted = flags.write.strict && s.skipped > 0;
    if (!s.aborted) {
      if (Status w = WriteJsonl(imported.conversations, flags.to_jsonl); !w.ok()) {
        std::fprintf(stderr, "convsent import: %s\n", w.ToString().c_str());
        return kExitFailure;
      }
      s.conversations = static_cast<int64_t>(imported.conversations.size());
      for (const auto& c : imported.conversations) s.messages += static_cast<int64_t>(c.messages.size());
    }
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return finish(ReportIngestSummary(s, flags.write.json, flags.write.strict, "import", "imported"));
  }

  return finish(RunStoreWrite(flags.write, "import", "imported",
                              [&](std::shared_ptr<const Model> model, Store* store, const IngestOptions& options) {
                                return IngestConversations(std::move(imported.conversations),
                                                           std::move(imported.errors), std::move(model), store, options);
                              }));
}

}  // namespace

void AddImportCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<ImportFlags>();
  Command* cmd = app.add_subcommand(
      "import", "Import help-desk exports or saved API responses (zendesk, intercom, front, gorgias, zoho-desk, "
                "twilio, connect); see docs/import.md");
  cmd->add_option("system", f->system, "zendesk, intercom, front, gorgias, zoho-desk, twilio or connect")->required();
  cmd->add_option("files", f->files, "Files of that system, read together and joined ('-' for stdin)")->required();
  cmd->add_option("--to-jsonl", f->to_jsonl, "Write canonical JSON Lines to this file ('-': stdout) instead of storing");
  AddStoreWriteFlags(cmd, &f->write, "Stop at the first error and write nothing");
  cmd->callback([f, exit_code] { *exit_code = RunImport(*f); });
}

}  // namespace convsent::cli
