// Commands on the conversation store: ingest, worker, show, rescore.
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <nlohmann/json.hpp>

#include "convsent/ingest.h"
#include "convsent/store.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

std::string Thousands(int64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// --- ingest ---------------------------------------------------------------

struct IngestFlags {
  std::vector<std::string> files;
  StoreWriteFlags write;
};

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

void AddStoreWriteFlags(CLI::App* cmd, StoreWriteFlags* f, const char* strict_help) {
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--model", f->model, "Model file (default: the embedded model)");
  cmd->add_flag("--strict", f->strict, strict_help);
  cmd->add_flag("--json", f->json, "Print the closing summary as JSON");
  cmd->add_option("--threads", f->threads, "Scoring threads (default 2)");
  cmd->add_flag("--enqueue", f->enqueue,
                "Do not score: add the conversations to the store's backlog, for `convsent worker` processes");
}

int RunStoreWrite(const StoreWriteFlags& f, const char* command, const char* verb,
                  const std::function<Result<IngestSummary>(std::shared_ptr<const Model>, Store*, const IngestOptions&)>& ingest) {
  auto model = LoadModelOrReport(f.model);
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

namespace {

int RunIngest(const IngestFlags& flags) {
  return RunStoreWrite(flags.write, "ingest", "ingested",
                       [&](std::shared_ptr<const Model> model, Store* store, const IngestOptions& options) {
                         return Ingest(flags.files, std::move(model), store, options);
                       });
}

// --- show -----------------------------------------------------------------

struct ShowFlags {
  std::string id, db, model;
  bool json = false;
};

std::string Bar(float compound) {
  // A 9-cell bar from negative to positive, centred on neutral.
  const int pos = static_cast<int>(std::lround((compound + 1) * 4));
  std::string bar = "[";
  for (int i = 0; i <= 8; ++i) bar += i == pos ? "●" : i == 4 ? "┊" : "·";
  return bar + "]";
}

int RunShow(const ShowFlags& flags) {
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  auto got = store->conversations().Get(flags.id, flags.model);
  if (!got.ok()) {
    std::fprintf(stderr, "convsent show: %s\n", got.status().ToString().c_str());
    return kExitFailure;
  }
  if (!got->has_value()) {
    std::fprintf(stderr, "convsent show: no conversation '%s' in %s\n", flags.id.c_str(),
                 (flags.db.empty() ? DefaultStoreLocation() : flags.db).c_str());
    return kExitFailure;
  }
  const ScoredConversation& sc = **got;
  const Conversation& c = sc.conversation;
  const ConversationRollup& r = sc.rollup;
  const ConversationFacts& f = sc.facts;
  auto info = store->Info();
  const std::string model = flags.model.empty() && info.ok() ? info->current_model : flags.model;
  if (flags.json) {
    std::printf("%s\n", ScoredConversationToJson(sc, model).c_str());
    return kExitOk;
  }
  std::printf("conversation %s   %s / %s / %s%s%s\n", c.id.c_str(), c.channel.c_str(), c.topic.c_str(),
              c.team.c_str(), c.tags.empty() ? "" : "   tags: ", [&] {
                std::string t;
                for (const auto& tag : c.tags) t += (t.empty() ? "" : ", ") + tag;
                return t;
              }().c_str());
  if (c.created_at_ms) std::printf("started %s", FormatTime(c.created_at_ms).c_str());
  if (c.csat) std::printf("   CSAT %d/5", *c.csat);
  if (c.nps) std::printf("   NPS %d", *c.nps);
  std::printf("\nscored by %s\n\n", model.c_str());
  for (size_t i = 0; i < c.messages.size(); ++i) {
    const Message& m = c.messages[i];
    const bool mover = std::find(r.movers.begin(), r.movers.end(), i) != r.movers.end();
    std::string when = m.at_ms ? FormatTime(m.at_ms).substr(11, 5) : "     ";
    if (sc.scores[i]) {
      const MessageScore& s = *sc.scores[i];
      std::string moved;
      for (const auto& e : s.explain) moved += e.token + (e.weight > 0 ? "(+) " : "(-) ");
      std::printf("%s %-8s %s %+.2f %-8s %s%s\n", when.c_str(), std::string(RoleName(m.role)).c_str(),
                  Bar(s.compound).c_str(), s.compound, std::string(SentimentName(s.label)).c_str(),
                  mover ? "◀ moved the tone" : "", "");
      std::printf("      %s\n", m.text.c_str());
      if (!moved.empty()) std::printf("      moved by: %s\n", moved.c_str());
    } else {
      std::printf("%s %-8s (internal note, not scored)\n      %s\n", when.c_str(),
                  std::string(RoleName(m.role)).c_str(), m.text.c_str());
    }
  }
  std::printf("\n");
  if (r.has_customer) {
    std::printf("customer tone  %s (compound %+.2f, %.1f/5), started %s, ended %s: %s\n",
                std::string(SentimentName(r.tone)).c_str(), r.compound, r.score5,
                std::string(SentimentName(r.start)).c_str(), std::string(SentimentName(r.end)).c_str(),
                std::string(TrajectoryName(r.trajectory)).c_str());
  } else {
    std::printf("customer tone  none (no customer message)\n");
  }
  if (r.has_agent) {
    std::printf("agent tone     %s (compound %+.2f)\n", std::string(SentimentName(r.agent_tone)).c_str(),
                r.agent_compound);
  }
  auto minutes = [](const std::optional<int64_t>& ms) {
    return ms ? std::to_string(*ms / 60000) + " min" : std::string("-");
  };
  std::printf("facts          first response %s, longest wait %s, resolution %s, %d agent replies, %d customer turns, "
              "%d agents, %d handoffs, reopened %d, escalated %d\n",
              minutes(f.first_response_ms).c_str(), minutes(f.longest_wait_ms).c_str(),
              minutes(f.resolution_ms).c_str(), f.agent_replies, f.customer_turns, f.agents, f.handoffs, f.reopened,
              f.escalated);
  return kExitOk;
}

// --- rescore --------------------------------------------------------------

struct RescoreFlags {
  std::string db, model, from, to;
  bool keep_current = false;
};

int RunRescore(const RescoreFlags& flags) {
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  std::optional<int64_t> from, to;
  int64_t t = 0;
  if (!flags.from.empty()) {
    if (!ParseTime(flags.from, &t)) return std::fprintf(stderr, "convsent rescore: --from: not a date\n"), kExitUsage;
    from = t;
  }
  if (!flags.to.empty()) {
    if (!ParseTime(flags.to, &t)) return std::fprintf(stderr, "convsent rescore: --to: not a date\n"), kExitUsage;
    to = t;
  }
  auto n = Rescore(*store, model, from, to, flags.keep_current);
  if (!n.ok()) {
    std::fprintf(stderr, "convsent rescore: %s (scores committed before this point are kept)\n",
                 n.status().ToString().c_str());
    return kExitFailure;
  }
  std::printf("rescored %s conversations with %s; earlier models' scores are kept%s\n", Thousands(*n).c_str(),
              model->info().version.c_str(), flags.keep_current ? "" : "; it is now the current model");
  return kExitOk;
}

// --- worker ---------------------------------------------------------------

struct WorkerFlags {
  std::string db, model;
  int batch = 200;
  bool until_empty = false, json = false;
};

std::atomic<bool> g_stop_worker{false};

int RunWorkerCommand(const WorkerFlags& flags) {
  auto model = LoadModelOrReport(flags.model);
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

void AddStoreCommands(CLI::App& app, int* exit_code) {
  {
    auto f = std::make_shared<WorkerFlags>();
    CLI::App* cmd = app.add_subcommand(
        "worker", "Score and store conversations from the store's backlog (fed by ingest --enqueue); run several at once");
    cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db); postgresql://... to share it");
    cmd->add_option("--model", f->model, "Model file (default: the embedded model)");
    cmd->add_option("--batch", f->batch, "Conversations claimed per transaction (default 200)");
    cmd->add_flag("--until-empty", f->until_empty, "Stop when the backlog is empty instead of waiting for more");
    cmd->add_flag("--json", f->json, "Print the closing summary as JSON");
    cmd->callback([f, exit_code] { *exit_code = RunWorkerCommand(*f); });
  }
  {
    auto f = std::make_shared<IngestFlags>();
    CLI::App* cmd = app.add_subcommand("ingest", "Score and store conversations (JSON Lines, or CSV of messages)");
    cmd->add_option("files", f->files, "Input files ('-' for stdin)")->required();
    AddStoreWriteFlags(cmd, &f->write, "Stop at the first bad line and write nothing");
    cmd->callback([f, exit_code] { *exit_code = RunIngest(*f); });
  }
  {
    auto f = std::make_shared<ShowFlags>();
    CLI::App* cmd = app.add_subcommand("show", "One conversation: messages, scores, explanations, tone and facts");
    cmd->add_option("id", f->id, "Conversation id")->required();
    cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
    cmd->add_option("--model", f->model, "Model version whose scores to show (default: the current model)");
    cmd->add_flag("--json", f->json, "Print JSON");
    cmd->callback([f, exit_code] { *exit_code = RunShow(*f); });
  }
  {
    auto f = std::make_shared<RescoreFlags>();
    CLI::App* cmd = app.add_subcommand("rescore", "Score stored conversations again with another model, keeping the old scores");
    cmd->add_option("--model", f->model, "Model file")->required();
    cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
    cmd->add_option("--from", f->from, "Only conversations created at or after this date");
    cmd->add_option("--to", f->to, "Only conversations created before this date");
    cmd->add_flag("--keep-current", f->keep_current, "Do not make this model the current one");
    cmd->callback([f, exit_code] { *exit_code = RunRescore(*f); });
  }
}

}  // namespace convsent::cli
