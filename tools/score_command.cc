// convsent score: one JSON answer per input line, in input order.
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "convsent/score_format.h"
#include "convsent/scorer.h"
#include "util/json_depth.h"
#include "util/line_reader.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ScoreFlags {
  std::vector<std::string> inputs;
  std::string model;
  bool jsonl = false;
  std::string format = "json";
  int explain = 3;
  int threads = 1;
};

constexpr size_t kMaxLineBytes = 1 << 20;
constexpr size_t kBatchLines = 4096;

struct Line {
  std::string text;
  uint64_t number = 0;
  bool too_long = false;
};

// Scores lines [begin, end) of a batch into `out`.
void ScoreRange(Scorer& scorer, const ScoreFlags& flags, const std::string& model_version,
                const std::vector<Line>& batch, size_t begin, size_t end, std::string* out) {
  // Appends to *out; the caller writes and clears it.
  ScoreOptions options;
  options.explain = flags.format == "label" ? 0 : flags.explain;
  MessageScore score;
  for (size_t i = begin; i < end; ++i) {
    const Line& line = batch[i];
    auto error = [&](const std::string& message) {
      if (flags.format == "label") {
        out->append("error\n");
        return;
      }
      out->append("{\"error\":");
      AppendJsonString(message, out);
      out->append(",\"line\":");
      out->append(std::to_string(line.number));
      out->append("}\n");
    };
    if (line.too_long) {
      error("line is longer than " + std::to_string(kMaxLineBytes) + " bytes");
      continue;
    }
    std::string_view text = line.text;
    nlohmann::json object;
    if (flags.jsonl) {
      if (text.find_first_not_of(" \t") == std::string_view::npos) {
        error("empty line: expected a JSON object with a \"text\" field");
        continue;
      }
      if (JsonTooDeep(text) != std::string_view::npos) {
        error(JsonTooDeepMessage());
        continue;
      }
      object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (object.is_discarded() || !object.is_object()) {
        error("not a JSON object");
        continue;
      }
      auto it = object.find("text");
      if (it == object.end() || !it->is_string()) {
        error("field text: missing or not a string");
        continue;
      }
      scorer.Score(it->get_ref<const std::string&>(), options, &score);
    } else {
      scorer.Score(text, options, &score);
    }
    if (flags.format == "label") {
      out->append(SentimentName(score.label));
      out->push_back('\n');
      continue;
    }
    out->push_back('{');
    if (flags.jsonl) {
      // Pass the caller's fields through, ours after them.
      for (auto it = object.begin(); it != object.end(); ++it) {
        static constexpr std::string_view kOurs[] = {"label", "p", "compound", "score5", "model", "explain", "warning"};
        if (std::find(std::begin(kOurs), std::end(kOurs), it.key()) != std::end(kOurs)) continue;
        AppendJsonString(it.key(), out);
        out->push_back(':');
        out->append(it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        out->push_back(',');
      }
    }
    AppendScoreFields(score, model_version, out);
    out->append("}\n");
  }
}

int RunScore(const ScoreFlags& flags) {
  if (flags.format != "json" && flags.format != "label") {
    std::fprintf(stderr, "convsent score: --format must be json or label\n");
    return kExitUsage;
  }
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  const int threads = std::max(1, std::min(flags.threads, 64));
  std::vector<Scorer> scorers;
  for (int t = 0; t < threads; ++t) scorers.emplace_back(model);
  const std::string version = model->info().version;

  std::vector<std::string> inputs = flags.inputs;
  if (inputs.empty()) inputs.push_back("-");
  // Lines are read into a fixed batch whose buffers are reused, so that the
  // steady state allocates nothing per line.
  std::vector<Line> batch(kBatchLines);
  size_t count = 0;
  std::vector<std::string> outs(threads);
  bool failed = false;
  auto flush = [&] {
    if (count == 0) return;
    const size_t per = (count + threads - 1) / threads;
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) {
      const size_t b = std::min(count, t * per), e = std::min(count, (t + 1) * per);
      pool.emplace_back(ScoreRange, std::ref(scorers[t]), std::cref(flags), std::cref(version), std::cref(batch), b, e,
                        &outs[t]);
    }
    ScoreRange(scorers[0], flags, version, batch, 0, std::min(count, per), &outs[0]);
    for (auto& th : pool) th.join();
    for (auto& o : outs) {
      std::fwrite(o.data(), 1, o.size(), stdout);
      o.clear();
    }
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

void AddScoreCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ScoreFlags>();
  CLI::App* cmd = app.add_subcommand("score", "Score messages, one per line, from files or stdin");
  cmd->add_option("files", flags->inputs, "Input files ('-' or none for stdin)");
  cmd->add_option("--model", flags->model, "Model file (default: the embedded model)");
  cmd->add_flag("--jsonl", flags->jsonl, "Read JSON objects with a \"text\" field; pass other fields through");
  cmd->add_option("--format", flags->format, "json (default) or label");
  cmd->add_option("--explain", flags->explain, "How many token contributions to list (default 3)");
  cmd->add_option("--threads", flags->threads, "Scoring threads (default 1)");
  cmd->callback([flags, exit_code] { *exit_code = RunScore(*flags); });
}

}  // namespace convsent::cli
