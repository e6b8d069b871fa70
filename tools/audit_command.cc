// convsent audit sample: conversations drawn uniformly at random for people
// to label, as a file and, with --queue, as audit items of the review queue.
#include <cstdio>

#include "convsent/audit_sample.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct AuditFlags {
  std::string db, output, from, to;
  std::vector<std::string> where;
  int64_t size = 100;
  uint64_t seed = 1;
  bool queue = false;
};

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
  const std::string out = AuditFileOf(*sample, f.output.ends_with(".csv"));
  int64_t queued = 0, already = 0;
  if (f.queue) {
    auto added = QueueForAudit(*store, *sample, NowMs());
    if (!added.ok()) {
      return std::fprintf(stderr, "convsent audit sample: %s (nothing was queued)\n", added.status().ToString().c_str()),
             kExitFailure;
    }
    queued = *added;
    already = static_cast<int64_t>(sample->conversations.size()) - queued;
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

void AddAuditCommand(Command& app, int* exit_code) {
  auto a = std::make_shared<AuditFlags>();
  Command* audit = app.add_subcommand("audit", "Random audits: what the report's corrected shares stand on");
  audit->require_subcommand(1);
  Command* sample = audit->add_subcommand("sample", "Draw conversations not audited yet, uniformly at random, to label");
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
