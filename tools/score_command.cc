// convsent score: one JSON answer per input line, in input order.
#include <vector>

#include "convsent/batch_score.h"
#include "util/line_reader.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ScoreFlags {
  std::vector<std::string> inputs;
  std::string model;
  std::string use = "messages";
  bool jsonl = false;
  std::string format = "json";
  int explain = 3;
  int threads = 1;
  std::string lang = "auto";
};

constexpr size_t kMaxLineBytes = 1 << 20;
constexpr size_t kBatchLines = 4096;

int RunScore(const ScoreFlags& flags) {
  if (flags.format != "json" && flags.format != "label") {
    std::fprintf(stderr, "convsent score: --format must be json or label\n");
    return kExitUsage;
  }
  ModelUse use;
  if (!ParseModelUse("score", flags.use, &use)) return kExitUsage;
  auto model = LoadModelOrReport(flags.model, use);
  if (!model) return kExitFailure;
  ScorerPool pool(model, flags.threads);
  BatchScoreOptions options;
  options.jsonl = flags.jsonl;
  options.labels_only = flags.format == "label";
  options.explain = flags.explain;
  options.max_line_bytes = kMaxLineBytes;
  if (!ParseLangFlag("score", flags.lang, &options.language)) return kExitUsage;
  BatchScorer scorer(pool, options, model->info().version);

  std::vector<std::string> inputs = flags.inputs;
  if (inputs.empty()) inputs.push_back("-");
  // Lines are read into a fixed batch whose buffers are reused, so that the
  // steady state allocates nothing per line.
  std::vector<InputLine> batch(kBatchLines);
  size_t count = 0;
  bool failed = false;
  auto flush = [&] {
    if (count == 0) return;
    for (const std::string& part : scorer.Score(batch, count)) std::fwrite(part.data(), 1, part.size(), stdout);
    count = 0;
  };
  for (const std::string& path : inputs) {
    std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      std::fprintf(stderr, "convsent score: cannot open %s\n", path.c_str());
      failed = true;
      continue;
    }
    LineReader reader(f, kMaxLineBytes);
    uint64_t number = 0;
    while (reader.Next(&batch[count].text, &batch[count].too_long)) {
      batch[count].number = ++number;
      if (++count == kBatchLines) flush();
    }
    flush();
    if (reader.error()) {
      std::fprintf(stderr, "convsent score: read error in %s after line %llu\n", path.c_str(),
                   static_cast<unsigned long long>(number));
      failed = true;
    }
    if (f != stdin) std::fclose(f);
  }
  std::fflush(stdout);
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void AddScoreCommand(Command& app, int* exit_code) {
  auto flags = std::make_shared<ScoreFlags>();
  Command* cmd = app.add_subcommand("score", "Score messages, one per line, from files or stdin");
  cmd->add_option("files", flags->inputs, "Input files ('-' or none for stdin)");
  cmd->add_option("--model", flags->model, "Model file (default: the embedded model of --for)");
  cmd->add_option("--for", flags->use,
                  "Which embedded model: messages (the default) or conversations (the one ingest and the server use; "
                  "each line is still scored alone)");
  cmd->add_flag("--jsonl", flags->jsonl, "Read JSON objects with a \"text\" field; pass other fields through");
  cmd->add_option("--format", flags->format, "json (default) or label");
  cmd->add_option("--explain", flags->explain, "How many token contributions to list (default 3)");
  cmd->add_option("--threads", flags->threads, "Scoring threads (default 1)");
  cmd->add_option("--lang", flags->lang, kLangFlagHelp);
  cmd->callback([flags, exit_code] { *exit_code = RunScore(*flags); });
}

}  // namespace convsent::cli
