// What ingest and import share (commands.h): the flags of scoring into a
// store, the progress line, each error as it is met, and the closing summary.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tools/commands.h"

namespace convsent::cli {
namespace {

IngestOptions IngestCliOptions(bool json) {
  IngestOptions options;
  const bool tty = isatty(STDERR_FILENO) && !json;
  if (tty) {
    options.progress = [](const IngestProgress& p) {
      const double rate = p.seconds > 0 ? static_cast<double>(p.messages) / p.seconds : 0;
      std::string eta;
      if (p.bytes_total > 0 && p.bytes_read > 0) {
        const double left = p.seconds * static_cast<double>(p.bytes_total - p.bytes_read) / static_cast<double>(p.bytes_read);
        char buf[64];
        std::snprintf(buf, sizeof(buf), "  %3.0f%%  ETA %d:%02d", 100.0 * static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total),
                      static_cast<int>(left) / 60, static_cast<int>(left) % 60);
        eta = buf;
      }
      std::fprintf(stderr, "\r%s conversations  %s messages  %s msg/s%s   ", Thousands(p.conversations).c_str(),
                   Thousands(p.messages).c_str(), Thousands(static_cast<int64_t>(rate)).c_str(), eta.c_str());
    };
  }
  options.on_error = [json](const IngestError& e) {
    if (!json) PrintIngestError(e);
  };
  return options;
}

}  // namespace

std::string Thousands(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

void AddStoreWriteFlags(Command* cmd, StoreWriteFlags* f, const char* strict_help) {
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--model", f->model, "Model file (default: the embedded model for conversations, which reads the turns before each message)");
  cmd->add_flag("--strict", f->strict, strict_help);
  cmd->add_flag("--json", f->json, "Print the closing summary as JSON");
  cmd->add_option("--threads", f->threads, "Scoring threads (default 2)");
  cmd->add_flag("--enqueue", f->enqueue,
                "Do not score: add the conversations to the store's backlog, for `convsent worker` processes");
}

int RunStoreWrite(const StoreWriteFlags& f, const char* command, const char* verb,
                  const std::function<Result<IngestSummary>(std::shared_ptr<const Model>, Store*, const IngestOptions&)>& ingest) {
  auto model = LoadModelOrReport(f.model, ModelUse::kConversations);
  if (!model) return kExitFailure;
  auto store = Store::Open(f.db);
  if (!store.ok()) return ReportIngestSummary(store.status(), f.json, f.strict, command, verb);
  IngestOptions options = IngestCliOptions(f.json);
  options.strict = f.strict;
  options.threads = std::max(1, std::min(f.threads, 64));
  options.enqueue = f.enqueue;
  return ReportIngestSummary(ingest(model, store->get(), options), f.json, f.strict, command,
                             f.enqueue ? "enqueued" : verb);
}

void PrintIngestError(const IngestError& e) {
  const std::string line = e.line > 0 ? ":" + std::to_string(e.line) : "";
  std::fprintf(stderr, "%s%s%s: %s%s%s\n", isatty(STDERR_FILENO) ? "\r" : "", e.file.c_str(), line.c_str(),
               e.field.c_str(), e.field.empty() ? "" : ": ", e.message.c_str());
}

int ReportIngestSummary(const Result<IngestSummary>& summary, bool json, bool strict, const char* command,
                        const char* verb) {
  if (isatty(STDERR_FILENO) && !json) std::fprintf(stderr, "\n");
  if (!summary.ok()) {
    std::fprintf(stderr, "convsent %s: %s\n", command, summary.status().ToString().c_str());
    // A script reading --json still gets one object: what failed. Batches
    // committed before the failure stay; the same command again completes
    // the work (ingest is idempotent).
    if (json) {
      std::printf("%s\n", nlohmann::json({{"error", summary.status().ToString()}, {"strict", strict}, {"aborted", true}})
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                               .c_str());
    }
    return kExitFailure;
  }
  const IngestSummary& s = *summary;
  if (json) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : s.errors) {
      errors.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"message", e.message}});
    }
    nlohmann::json out = {{"conversations", s.conversations}, {"messages", s.messages}, {"skipped", s.skipped},
                          {"errors", errors}, {"errors_total", s.errors_total}, {"seconds", s.seconds},
                          {"model", s.model}, {"strict", strict}, {"aborted", s.aborted}};
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s %s conversations, %s messages in %.1f s (%s msg/s); skipped %s; model %s\n", verb,
                Thousands(s.conversations).c_str(), Thousands(s.messages).c_str(), s.seconds,
                Thousands(s.seconds > 0 ? static_cast<int64_t>(static_cast<double>(s.messages) / s.seconds) : 0).c_str(),
                Thousands(s.skipped).c_str(), s.model.empty() ? "none yet (convsent worker scores the backlog)" : s.model.c_str());
    if (s.aborted) std::printf("--strict: stopped at the first error; nothing was written\n");
  }
  if (s.aborted) return kExitFailure;
  return s.skipped > 0 ? kExitPartial : kExitOk;
}

}  // namespace convsent::cli
