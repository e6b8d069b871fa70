// convsent labels import|export|stats and convsent audit sample: people's
// labels in and out of the store, and the random sample they audit
// (docs/report.md, "The corrected estimate").
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "convsent/audit_sample.h"
#include "convsent/label_import.h"
#include "convsent/labels.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

// A CSV field, quoted when it must be (RFC 4180).
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool EndsWith(const std::string& s, const char* tail) {
  const size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

struct LabelsFlags {
  std::string db, output;
  std::vector<std::string> files;
  bool audit = false, json = false;
};

int RunImport(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  LabelImportOptions o;
  o.audit = f.audit;
  o.now_ms = NowMs();
  if (!f.json) {
    o.on_error = [](const LabelImportError& e) {
      std::fprintf(stderr, "%s:%lld: %s%s%s\n", e.file.c_str(), static_cast<long long>(e.line), e.field.c_str(),
                   e.field.empty() ? "" : ": ", e.message.c_str());
    };
  }
  auto summary = ImportLabels(*store, f.files, o);
  if (!summary.ok()) {
    if (f.json) {
      std::printf("%s\n", nlohmann::json({{"error", summary.status().message()}, {"imported", 0}}).dump().c_str());
    }
    std::fprintf(stderr, "convsent labels import: %s (nothing was stored)\n", summary.status().ToString().c_str());
    return kExitFailure;
  }
  if (f.json) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : summary->errors) {
      errors.push_back({{"file", e.file}, {"line", e.line}, {"field", e.field}, {"message", e.message}});
    }
    std::printf("%s\n", nlohmann::json({{"imported", summary->imported}, {"skipped", summary->skipped},
                                        {"source", f.audit ? "audit" : "import"}, {"errors", errors}})
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                            .c_str());
  } else {
    std::fprintf(stderr, "imported %lld labels as %s, skipped %lld\n", static_cast<long long>(summary->imported),
                 f.audit ? "an audit (a uniformly random sample)" : "source import",
                 static_cast<long long>(summary->skipped));
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return kExitFailure;
  return summary->skipped > 0 ? kExitPartial : kExitOk;
}

int RunExport(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  const bool jsonl = f.json || EndsWith(f.output, ".jsonl");
  std::string out = jsonl ? "" : "conversation_id,message,label,source,reviewer,model,at,note\n";
  const Status s = store->labels().ForEach([&](const HumanLabel& l) {
    const std::string at = FormatTime(l.at_ms), label(SentimentName(l.label));
    if (jsonl) {
      out += nlohmann::json({{"conversation_id", l.conversation},
                             {"message", l.message < 0 ? nlohmann::json() : nlohmann::json(l.message)},
                             {"label", label}, {"source", l.source}, {"reviewer", l.reviewer}, {"model", l.model},
                             {"at", at}, {"note", l.note}})
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += CsvField(l.conversation) + "," + (l.message < 0 ? "" : std::to_string(l.message)) + "," + label + "," +
             l.source + "," + CsvField(l.reviewer) + "," + CsvField(l.model) + "," + at + "," + CsvField(l.note);
    }
    out += "\n";
    return Status::Ok();
  });
  if (!s.ok()) return std::fprintf(stderr, "convsent labels export: %s\n", s.ToString().c_str()), kExitFailure;
  if (!f.output.empty()) {
    if (Status w = WriteFileAtomically(f.output, out); !w.ok()) {
      return std::fprintf(stderr, "convsent labels export: %s\n", w.ToString().c_str()), kExitFailure;
    }
    return kExitOk;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

int RunStats(const LabelsFlags& f) {
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  std::vector<HumanLabel> all;
  if (Status s = store->labels().ForEach([&](const HumanLabel& l) { return all.push_back(l), Status::Ok(); }); !s.ok()) {
    return std::fprintf(stderr, "convsent labels stats: %s\n", s.ToString().c_str()), kExitFailure;
  }
  const LabelStats st = ComputeLabelStats(all);
  const double agreement = st.pairs ? static_cast<double>(st.pairs_agreeing) / static_cast<double>(st.pairs) : 0;
  if (f.json) {
    std::printf("%s\n", nlohmann::json({{"labels", st.labels},
                                        {"by_source", st.by_source},
                                        {"conversation_labels", st.conversation_labels},
                                        {"message_labels", st.message_labels},
                                        {"by_label", st.by_label},
                                        {"reviewers", st.reviewers},
                                        {"between_reviewers",
                                         {{"items", st.shared_items},
                                          {"pairs", st.pairs},
                                          {"agreement", st.pairs ? nlohmann::json(agreement) : nlohmann::json()},
                                          {"kappa", st.kappa ? nlohmann::json(*st.kappa) : nlohmann::json()}}}})
                            .dump(2)
                            .c_str());
  } else {
    std::printf("%lld labels: %lld of conversations, %lld of messages, by %lld reviewers\n",
                static_cast<long long>(st.labels), static_cast<long long>(st.conversation_labels),
                static_cast<long long>(st.message_labels), static_cast<long long>(st.reviewers));
    for (const char* source : {"audit", "review", "import"}) {
      const auto it = st.by_source.find(source);
      std::printf("  %-7s %lld\n", source, static_cast<long long>(it == st.by_source.end() ? 0 : it->second));
    }
    for (const char* label : {"negative", "neutral", "positive"}) {
      const auto it = st.by_label.find(label);
      std::printf("  %-8s %lld\n", label, static_cast<long long>(it == st.by_label.end() ? 0 : it->second));
    }
    if (st.pairs > 0) {
      std::printf("between reviewers: %lld items labelled by two or more, %lld pairs, agreement %.0f%%, kappa %s\n",
                  static_cast<long long>(st.shared_items), static_cast<long long>(st.pairs), 100 * agreement,
                  st.kappa ? std::to_string(*st.kappa).substr(0, 5).c_str() : "-");
    } else {
      std::printf("between reviewers: no item labelled by two reviewers yet\n");
    }
  }
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

struct AuditFlags {
  std::string db, output, from, to;
  std::vector<std::string> where;
  int64_t size = 100;
  uint64_t seed = 1;
  bool queue = false;
};

// One line of the file to label: the conversation's messages as a
// transcript, and an empty label to fill in.
std::string Transcript(const Conversation& c) {
  std::string t;
  for (const Message& m : c.messages) {
    if (m.role == Role::kNote) continue;
    t += (t.empty() ? "" : "\n") + std::string(RoleName(m.role)) + ": " + m.text;
  }
  return t;
}

int RunAuditSample(const AuditFlags& f) {
  AuditSampleOptions o;
  o.size = f.size, o.seed = f.seed;
  int64_t from = 0, to = 0;
  if (!ParseRangeOrReport(f.from, f.to, &from, &to, "audit sample") ||
      !ParseWhereOrReport(f.where, &o.where, "audit sample")) {
    return kExitUsage;
  }
  if (!f.from.empty()) o.from_ms = from;
  if (!f.to.empty()) o.to_ms = to;
  if (f.size <= 0) return std::fprintf(stderr, "convsent audit sample: --size must be 1 or more\n"), kExitUsage;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  auto sample = SampleForAudit(*store, o);
  if (!sample.ok()) return std::fprintf(stderr, "convsent audit sample: %s\n", sample.status().ToString().c_str()), kExitFailure;
  const bool csv = EndsWith(f.output, ".csv");
  std::string out = csv ? "conversation_id,label,reviewer,note,transcript\n" : "";
  for (const Conversation& c : sample->conversations) {
    if (csv) {
      out += CsvField(c.id) + ",,,," + CsvField(Transcript(c)) + "\n";
    } else {
      nlohmann::json messages = nlohmann::json::array();
      for (const Message& m : c.messages) {
        if (m.role != Role::kNote) messages.push_back({{"role", RoleName(m.role)}, {"text", m.text}});
      }
      out += nlohmann::json({{"conversation_id", c.id}, {"label", nullptr}, {"reviewer", ""}, {"messages", messages}})
                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
             "\n";
    }
  }
  int64_t queued = 0, already = 0;
  if (f.queue) {
    const Status s = [&]() -> Status {
      RETURN_IF_ERROR(store->Begin());
      for (const Conversation& c : sample->conversations) {
        ReviewItem item;
        item.conversation = c.id, item.severity = "audit", item.audit = true, item.created_at_ms = NowMs();
        item.reason = "random audit: label the customer's tone";
        ASSIGN_OR_RETURN(const auto id, store->review_items().Add(item));
        ++(id ? queued : already);
      }
      return store->Commit();
    }();
    if (!s.ok()) {
      (void)store->Rollback();
      return std::fprintf(stderr, "convsent audit sample: %s (nothing was queued)\n", s.ToString().c_str()), kExitFailure;
    }
  }
  if (!f.output.empty() && f.output != "-") {
    if (Status w = WriteFileAtomically(f.output, out); !w.ok()) {
      return std::fprintf(stderr, "convsent audit sample: %s\n", w.ToString().c_str()), kExitFailure;
    }
  } else if (!f.queue || f.output == "-") {
    std::fwrite(out.data(), 1, out.size(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) return kExitFailure;
  }
  std::fprintf(stderr, "drew %zu of %lld eligible conversations uniformly at random (seed %llu)", sample->conversations.size(),
               static_cast<long long>(sample->eligible), static_cast<unsigned long long>(f.seed));
  if (f.queue) {
    std::fprintf(stderr, "; queued %lld as audit items%s", static_cast<long long>(queued),
                 already ? (", " + std::to_string(already) + " already audit items in the review queue").c_str() : "");
  }
  std::fprintf(stderr, "\nlabel them, then: convsent labels import --audit FILE (or resolve the queue's audit items)\n");
  return kExitOk;
}

}  // namespace

void AddLabelsCommands(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<LabelsFlags>();
  CLI::App* labels = app.add_subcommand("labels", "People's labels: import, export, stats (docs/report.md)");
  labels->require_subcommand(1);
  CLI::App* import = labels->add_subcommand("import", "Store labels from CSV (with a header) or JSON Lines files");
  import->add_option("files", f->files, "Files (.csv: CSV; else JSON Lines; -: standard input)")->required();
  import->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  import->add_flag("--audit", f->audit, "The rows are a uniformly random sample: they correct the report's shares");
  import->add_flag("--json", f->json, "Print a JSON summary (imported, skipped, errors)");
  import->callback([f, exit_code] { *exit_code = RunImport(*f); });
  CLI::App* exp = labels->add_subcommand("export", "Write every label (CSV; JSON Lines with --json or a .jsonl name)");
  exp->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  exp->add_option("-o,--output", f->output, "File (default: standard output)");
  exp->add_flag("--json", f->json, "JSON Lines");
  exp->callback([f, exit_code] { *exit_code = RunExport(*f); });
  CLI::App* stats = labels->add_subcommand("stats", "Counts per source and label, and agreement between reviewers");
  stats->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  stats->add_flag("--json", f->json, "Print JSON");
  stats->callback([f, exit_code] { *exit_code = RunStats(*f); });

  auto a = std::make_shared<AuditFlags>();
  CLI::App* audit = app.add_subcommand("audit", "Random audits: what the report's corrected shares stand on");
  audit->require_subcommand(1);
  CLI::App* sample = audit->add_subcommand("sample", "Draw conversations not audited yet, uniformly at random, to label");
  sample->add_option("--db", a->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  sample->add_option("--size", a->size, "How many (default 100)");
  sample->add_option("--seed", a->seed, "Random seed: the same seed draws the same sample (default 1)");
  sample->add_option("--from", a->from, "Created on or after (YYYY-MM-DD or RFC 3339)");
  sample->add_option("--to", a->to, "Created before");
  sample->add_option("--where", a->where, "KEY=VALUE segment filter (repeatable)");
  sample->add_option("-o,--output", a->output, "File to label (.csv: CSV; else JSON Lines; default: standard output)");
  sample->add_flag("--queue", a->queue, "Also queue them as audit items in the review queue (convsent serve)");
  sample->callback([a, exit_code] { *exit_code = RunAuditSample(*a); });
}

}  // namespace convsent::cli
