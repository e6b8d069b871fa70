#include "convsent/batch_score.h"

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>

#include "convsent/score_format.h"
#include "util/json_depth.h"

namespace convsent {
namespace {

// Scores lines [begin, end) of a batch, appending their answers to *out.
void ScoreRange(Scorer& scorer, const BatchScoreOptions& flags, const std::string& model_version,
                const std::vector<InputLine>& batch, size_t begin, size_t end, std::string* out) {
  ScoreOptions options;
  options.explain = flags.labels_only ? 0 : flags.explain;
  options.language = flags.language;
  MessageScore score;
  for (size_t i = begin; i < end; ++i) {
    const InputLine& line = batch[i];
    auto error = [&](const std::string& message) {
      if (flags.labels_only) {
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
      error("line is longer than " + std::to_string(flags.max_line_bytes) + " bytes");
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
    if (flags.labels_only) {
      out->append(SentimentName(score.label));
      out->push_back('\n');
      continue;
    }
    out->push_back('{');
    if (flags.jsonl) {
      // Pass the caller's fields through, ours after them.
      for (auto it = object.begin(); it != object.end(); ++it) {
        static constexpr std::string_view kOurs[] = {"label", "p", "compound", "score5", "model", "language", "explain", "warning"};
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

}  // namespace

BatchScorer::BatchScorer(ScorerPool& pool, BatchScoreOptions options, std::string model_version)
    : pool_(pool), options_(options), model_version_(std::move(model_version)), parts_(pool.size()) {}

const std::vector<std::string>& BatchScorer::Score(const std::vector<InputLine>& lines, size_t count) {
  for (std::string& p : parts_) p.clear();
  pool_.ForEachPart(count, [&](Scorer& scorer, size_t begin, size_t end, size_t part) {
    ScoreRange(scorer, options_, model_version_, lines, begin, end, &parts_[part]);
  });
  return parts_;
}

}  // namespace convsent
