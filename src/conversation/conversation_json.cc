// Conversation <-> JSON. nlohmann::json is used with exceptions off at
// parse time, and every access checks the type first, so no exception can
// escape.
#include <nlohmann/json.hpp>

#include "convsent/conversation.h"

namespace convsent {
namespace {

using nlohmann::json;

Status FieldError(std::string_view field, std::string_view message) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(message));
}

Status GetString(const json& j, std::string_view field, std::string* out) {
  if (j.is_string()) {
    *out = j.get_ref<const std::string&>();
    return Status::Ok();
  }
  if (j.is_number_integer()) {  // ids are often numbers in exports
    *out = std::to_string(j.get<int64_t>());
    return Status::Ok();
  }
  if (j.is_null()) return Status::Ok();
  return FieldError(field, "expected a string");
}

Status GetTime(const json& j, std::string_view field, int64_t* ms) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_string()) return FieldError(field, "expected an RFC 3339 time string");
  const auto& s = j.get_ref<const std::string&>();
  if (!ParseTime(s, ms)) return FieldError(field, "'" + s.substr(0, 40) + "' is not an RFC 3339 time");
  return Status::Ok();
}

Status GetScore(const json& j, std::string_view field, int lo, int hi, std::optional<int>* out) {
  if (j.is_null()) return Status::Ok();
  if (!j.is_number()) return FieldError(field, "expected a number from " + std::to_string(lo) + " to " + std::to_string(hi));
  const double v = j.get<double>();
  if (v < lo || v > hi || v != static_cast<int>(v)) {
    return FieldError(field, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = static_cast<int>(v);
  return Status::Ok();
}

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kCustomer: return "customer";
    case Role::kAgent: return "agent";
    case Role::kBot: return "bot";
    case Role::kNote: return "note";
  }
  return "customer";
}

bool ParseRole(std::string_view name, Role* out) {
  if (name == "customer" || name == "user" || name == "end-user" || name == "contact") *out = Role::kCustomer;
  else if (name == "agent" || name == "admin" || name == "teammate") *out = Role::kAgent;
  else if (name == "bot" || name == "system") *out = Role::kBot;
  else if (name == "note" || name == "internal") *out = Role::kNote;
  else return false;
  return true;
}

Status ParseConversationJson(std::string_view text, Conversation* out) {
  *out = Conversation();
  const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "id") {
      RETURN_IF_ERROR(GetString(v, "id", &out->id));
    } else if (key == "channel") {
      RETURN_IF_ERROR(GetString(v, "channel", &out->channel));
    } else if (key == "topic") {
      RETURN_IF_ERROR(GetString(v, "topic", &out->topic));
    } else if (key == "team") {
      RETURN_IF_ERROR(GetString(v, "team", &out->team));
    } else if (key == "created_at") {
      RETURN_IF_ERROR(GetTime(v, "created_at", &out->created_at_ms));
    } else if (key == "csat") {
      RETURN_IF_ERROR(GetScore(v, "csat", 1, 5, &out->csat));
    } else if (key == "nps") {
      RETURN_IF_ERROR(GetScore(v, "nps", 0, 10, &out->nps));
    } else if (key == "tags") {
      if (v.is_null()) continue;
      if (!v.is_array()) return FieldError("tags", "expected an array of strings");
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) return FieldError("tags[" + std::to_string(i) + "]", "expected a string");
        out->tags.push_back(v[i].get<std::string>());
      }
    } else if (key == "messages") {
      if (!v.is_array()) return FieldError("messages", "expected an array");
      out->messages.reserve(v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string where = "messages[" + std::to_string(i) + "]";
        const json& m = v[i];
        if (!m.is_object()) return FieldError(where, "expected an object");
        Message msg;
        auto role = m.find("role");
        if (role == m.end() || !role->is_string()) return FieldError(where + ".role", "missing or not a string");
        if (!ParseRole(role->get_ref<const std::string&>(), &msg.role)) {
          return FieldError(where + ".role", "'" + role->get<std::string>().substr(0, 30) +
                                                 "' is not customer, agent, bot or note");
        }
        auto t = m.find("text");
        if (t == m.end() || !t->is_string()) return FieldError(where + ".text", "missing or not a string");
        msg.text = t->get<std::string>();
        if (auto a = m.find("author"); a != m.end()) RETURN_IF_ERROR(GetString(*a, where + ".author", &msg.author));
        if (auto at = m.find("at"); at != m.end()) RETURN_IF_ERROR(GetTime(*at, where + ".at", &msg.at_ms));
        out->messages.push_back(std::move(msg));
      }
    } else if (key == "events") {
      if (v.is_null()) continue;
      if (!v.is_array()) return FieldError("events", "expected an array");
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string where = "events[" + std::to_string(i) + "]";
        const json& e = v[i];
        if (!e.is_object()) return FieldError(where, "expected an object");
        Event ev;
        auto type = e.find("type");
        if (type == e.end() || !type->is_string()) return FieldError(where + ".type", "missing or not a string");
        ev.type = type->get<std::string>();
        if (auto at = e.find("at"); at != e.end()) RETURN_IF_ERROR(GetTime(*at, where + ".at", &ev.at_ms));
        out->events.push_back(std::move(ev));
      }
    } else if (v.is_string()) {
      out->attributes.emplace_back(key, v.get<std::string>());
    } else if (v.is_number() || v.is_boolean()) {
      out->attributes.emplace_back(key, v.dump());
    }
    // Other shapes (nested objects) are ignored: they cannot be segments.
  }
  if (out->id.empty()) return FieldError("id", "missing or empty");
  if (out->messages.empty()) return FieldError("messages", "missing or empty");
  if (out->created_at_ms == 0) {
    // A conversation starts with its first timed message when not stated.
    for (const Message& m : out->messages) {
      if (m.at_ms != 0) {
        out->created_at_ms = m.at_ms;
        break;
      }
    }
  }
  return Status::Ok();
}

std::string ConversationToJson(const Conversation& c) {
  json j = json::object();
  j["id"] = c.id;
  if (!c.channel.empty()) j["channel"] = c.channel;
  if (!c.topic.empty()) j["topic"] = c.topic;
  if (!c.team.empty()) j["team"] = c.team;
  if (!c.tags.empty()) j["tags"] = c.tags;
  if (c.created_at_ms) j["created_at"] = FormatTime(c.created_at_ms);
  for (const auto& [k, v] : c.attributes) j[k] = v;
  json messages = json::array();
  for (const Message& m : c.messages) {
    json jm = {{"role", RoleName(m.role)}};
    if (!m.author.empty()) jm["author"] = m.author;
    if (m.at_ms) jm["at"] = FormatTime(m.at_ms);
    jm["text"] = m.text;
    messages.push_back(std::move(jm));
  }
  j["messages"] = std::move(messages);
  if (!c.events.empty()) {
    json events = json::array();
    for (const Event& e : c.events) {
      json je = {{"type", e.type}};
      if (e.at_ms) je["at"] = FormatTime(e.at_ms);
      events.push_back(std::move(je));
    }
    j["events"] = std::move(events);
  }
  if (c.csat) j["csat"] = *c.csat;
  if (c.nps) j["nps"] = *c.nps;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace convsent
