#include "server/bodies.h"

#include <nlohmann/json.hpp>

#include "convsent/text.h"
#include "util/json_depth.h"

namespace convsent {

Status ParseMessageBody(std::string_view json, MessageBody* out) {
  if (JsonTooDeep(json) != std::string_view::npos) return Status::InvalidArgument("body: " + JsonTooDeepMessage());
  // Text is repaired, as everywhere (U+FFFD for each bad sequence), rather
  // than the whole message refused as "not JSON".
  std::string repaired;
  out->repaired_bytes = RepairUtf8(json, &repaired);
  if (out->repaired_bytes > 0) json = repaired;
  const auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("body: not JSON");
  if (!j.is_object()) return Status::InvalidArgument("body: expected a JSON object");
  Message& m = out->message;
  if (!j.contains("text") || !j["text"].is_string()) return Status::InvalidArgument("text: missing or not a string");
  m.text = j["text"].get<std::string>();
  m.role = Role::kCustomer;
  if (j.contains("role") && (!j["role"].is_string() || !ParseRole(j["role"].get<std::string>(), &m.role))) {
    return Status::InvalidArgument("role: expected customer, agent, bot or note");
  }
  if (j.contains("author")) {
    if (!j["author"].is_string()) return Status::InvalidArgument("author: not a string");
    m.author = j["author"].get<std::string>();
  }
  if (j.contains("at")) {
    if (!j["at"].is_string() || !ParseTime(j["at"].get<std::string>(), &m.at_ms)) {
      return Status::InvalidArgument("at: not an RFC 3339 time");
    }
    // 0 stands for "no time" (the arrival time is used): the epoch itself
    // would be replaced without a word.
    if (m.at_ms == 0) return Status::InvalidArgument("at: 1970-01-01T00:00:00Z is not a message's time");
  }
  if (j.contains("conversation")) {
    const auto& c = j["conversation"];
    if (!c.is_object()) return Status::InvalidArgument("conversation: expected an object");
    // The header is a conversation record without messages: parsed by the
    // same code as ingest, so the same fields mean the same.
    nlohmann::json header = c;
    header["id"] = "header";
    header["messages"] = nlohmann::json::array({{{"role", "customer"}, {"text", ""}}});
    Status s = ParseConversationJson(header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &out->header);
    if (!s.ok()) return Status::InvalidArgument("conversation." + s.message());
    out->header.messages.clear();
    out->has_header = true;
  }
  return Status::Ok();
}

void ParseBulkBody(std::string_view body, std::vector<Conversation>* out, std::vector<BulkError>* errors) {
  std::string repaired;
  if (RepairUtf8(body, &repaired) > 0) body = repaired;
  size_t start = 0;
  while (start < body.size() && (body[start] == ' ' || body[start] == '\n' || body[start] == '\r' || body[start] == '\t')) {
    ++start;
  }
  if (start < body.size() && body[start] == '[') {
    if (JsonTooDeep(body) != std::string_view::npos) {
      errors->push_back({1, "body: " + JsonTooDeepMessage()});
      return;
    }
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_array()) {
      errors->push_back({1, "body: not a JSON array of conversations"});
      return;
    }
    for (size_t i = 0; i < j.size(); ++i) {
      Conversation c;
      const Status s = ParseConversationJson(j[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &c);
      if (s.ok()) out->push_back(std::move(c));
      else errors->push_back({static_cast<int64_t>(i), s.message()});
    }
    return;
  }
  int64_t line = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view text = body.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    Conversation c;
    const Status s = ParseConversationJson(text, &c);
    if (s.ok()) out->push_back(std::move(c));
    else errors->push_back({line, s.message()});
  }
}

}  // namespace convsent
