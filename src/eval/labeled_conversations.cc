#include <fstream>
#include <nlohmann/json.hpp>

#include "convsent/eval.h"
#include "util/json_depth.h"

namespace convsent {
namespace {

using json = nlohmann::json;

// The turn's label: a sentiment name, or null / absent for an unjudged turn.
Status ReadLabel(const json& j, std::optional<Sentiment>* out) {
  if (!j.contains("label") || j["label"].is_null()) return Status::Ok();
  Sentiment s;
  if (!j["label"].is_string() || !ParseSentiment(j["label"].get<std::string>(), &s)) {
    return Status::InvalidArgument("not negative, neutral, positive or null");
  }
  *out = s;
  return Status::Ok();
}

Status ParseConversation(const json& j, LabeledConversation* c) {
  if (!j.is_object()) return Status::InvalidArgument("not a JSON object");
  if (!j.contains("messages") || !j["messages"].is_array()) return Status::InvalidArgument("field messages: not an array");
  c->id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
  c->split = j.contains("split") && j["split"].is_string() ? j["split"].get<std::string>() : "";
  if (j.contains("overall") && j["overall"].is_object()) {
    if (Status s = ReadLabel(j["overall"], &c->overall); !s.ok()) return Status::InvalidArgument("field overall.label: " + s.message());
  }
  for (size_t i = 0; i < j["messages"].size(); ++i) {
    const json& m = j["messages"][i];
    const std::string field = "messages[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("text") || !m["text"].is_string()) {
      return Status::InvalidArgument("field " + field + ".text: not a string");
    }
    LabeledTurn t;
    t.speaker = m.contains("role") && m["role"].is_string() ? m["role"].get<std::string>() : "";
    t.text = m["text"].get<std::string>();
    if (Status s = ReadLabel(m, &t.label); !s.ok()) return Status::InvalidArgument("field " + field + ".label: " + s.message());
    c->turns.push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<LabeledConversation>> ReadLabeledConversations(const std::string& path, std::string_view split,
                                                                  std::vector<Status>* errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::vector<LabeledConversation> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (JsonTooDeep(line) != std::string_view::npos) {
      if (errors) errors->push_back(Status::InvalidArgument(where + ": " + JsonTooDeepMessage()));
      continue;
    }
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    LabeledConversation c;
    c.line = line_no;
    const Status s = j.is_discarded() ? Status::InvalidArgument("not JSON") : ParseConversation(j, &c);
    if (!s.ok()) {
      if (errors) errors->push_back(Status::InvalidArgument(where + ": " + s.message()));
      continue;
    }
    if (!split.empty() && c.split != split) continue;
    out.push_back(std::move(c));
  }
  if (in.bad()) return Status::IoError("read error in " + path);
  return out;
}

DataSpec ParseDataSpec(std::string_view spec) {
  DataSpec d;
  const size_t hash = spec.rfind('#');
  const std::string_view path = hash == std::string_view::npos ? spec : spec.substr(0, hash);
  d.path = std::string(path);
  d.conversations = path.size() >= 6 && path.substr(path.size() - 6) == ".jsonl";
  if (d.conversations && hash != std::string_view::npos) d.split = std::string(spec.substr(hash + 1));
  if (!d.conversations) d.path = std::string(spec);
  return d;
}

Result<std::vector<ScoredLabel>> ScoreLabeledData(const DataSpec& spec, Scorer& scorer, const ScoreOptions& options,
                                                  bool use_context, std::vector<Status>* errors) {
  std::vector<ScoredLabel> out;
  if (!spec.conversations) {
    ASSIGN_OR_RETURN(auto rows, ReadLabeledTsv(spec.path, errors));
    out.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      out[i].gold = rows[i].label;
      scorer.Score(rows[i].text, options, &out[i].score);
    }
    return out;
  }
  ASSIGN_OR_RETURN(auto conversations, ReadLabeledConversations(spec.path, spec.split, errors));
  return ScoreConversations(conversations, scorer, options, use_context);
}

std::vector<ScoredLabel> ScoreConversations(const std::vector<LabeledConversation>& conversations, Scorer& scorer,
                                            const ScoreOptions& options, bool use_context) {
  std::vector<ScoredLabel> out;
  ContextTracker tracker;
  MessageScore s;
  for (const LabeledConversation& c : conversations) {
    tracker.Clear();
    for (const LabeledTurn& t : c.turns) {
      scorer.Score(t.text, options, &s, use_context ? tracker.Next(t.speaker) : TurnContext{});
      tracker.Add(t.speaker, s.turn);
      if (t.label) out.push_back({*t.label, s});
    }
  }
  return out;
}

Status WriteLabeledConversations(const std::string& path, const std::vector<LabeledConversation>& conversations,
                                 std::string_view split) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const LabeledConversation& c : conversations) {
    json messages = json::array();
    for (const LabeledTurn& t : c.turns) {
      messages.push_back({{"role", t.speaker},
                          {"text", t.text},
                          {"label", t.label ? json(std::string(SentimentName(*t.label))) : json()}});
    }
    // Invalid UTF-8 in a stored text is replaced, not thrown on.
    out << json{{"id", c.id}, {"split", split}, {"messages", messages}}.dump(-1, ' ', false, json::error_handler_t::replace)
        << '\n';
  }
  out.close();
  if (!out) return Status::IoError("cannot write " + path);
  return Status::Ok();
}

}  // namespace convsent
