// Conversation <-> JSON. Parsing (the ingest hot path) uses simdjson's
// On-Demand API with error codes only, so no exception can escape; writing
// uses nlohmann::json.
#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "convsent/conversation.h"
#include "convsent/text.h"
#include "util/json_depth.h"

namespace convsent {
namespace {

using nlohmann::json;
namespace od = simdjson::ondemand;

Status FieldError(std::string_view field, std::string_view message) {
  return Status::InvalidArgument(std::string(field) + ": " + std::string(message));
}

const Status& NotJson() {
  static const Status kNotJson = Status::InvalidArgument("not valid JSON");
  return kNotJson;
}

// A string field; integer ids are accepted (exports often have them); null
// leaves it empty.
Status GetString(od::value v, std::string_view field, std::string* out) {
  od::json_type type;
  if (v.type().get(type)) return NotJson();
  switch (type) {
    case od::json_type::string: {
      std::string_view sv;
      if (v.get_string().get(sv)) return NotJson();
      out->assign(sv);
      return Status::Ok();
    }
    case od::json_type::number: {
      int64_t n;
      if (v.get_int64().get(n)) return FieldError(field, "expected a string");
      *out = std::to_string(n);
      return Status::Ok();
    }
    case od::json_type::null:
      return Status::Ok();
    default:
      return FieldError(field, "expected a string");
  }
}

Status GetTime(od::value v, std::string_view field, int64_t* ms) {
  od::json_type type;
  if (v.type().get(type)) return NotJson();
  if (type == od::json_type::null) return Status::Ok();
  std::string_view sv;
  if (type != od::json_type::string || v.get_string().get(sv)) {
    return FieldError(field, "expected an RFC 3339 time string");
  }
  if (!ParseTime(sv, ms)) return FieldError(field, "'" + std::string(sv.substr(0, 40)) + "' is not an RFC 3339 time");
  return Status::Ok();
}

Status GetScore(od::value v, std::string_view field, int lo, int hi, std::optional<int>* out) {
  od::json_type type;
  if (v.type().get(type)) return NotJson();
  if (type == od::json_type::null) return Status::Ok();
  double d;
  if (type != od::json_type::number || v.get_double().get(d)) {
    return FieldError(field, "expected a number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  if (d < lo || d > hi || d != static_cast<int>(d)) {
    return FieldError(field, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  *out = static_cast<int>(d);
  return Status::Ok();
}

Status ParseMessage(od::value v, const std::string& where, Message* msg) {
  od::object obj;
  if (v.get_object().get(obj)) return FieldError(where, "expected an object");
  bool has_role = false, has_text = false;
  for (auto field : obj) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return NotJson();
    if (key == "role") {
      std::string_view role;
      if (value.get_string().get(role)) return FieldError(where + ".role", "missing or not a string");
      if (!ParseRole(role, &msg->role)) {
        return FieldError(where + ".role", "'" + std::string(role.substr(0, 30)) + "' is not customer, agent, bot or note");
      }
      has_role = true;
    } else if (key == "text") {
      std::string_view text;
      if (value.get_string().get(text)) return FieldError(where + ".text", "missing or not a string");
      msg->text.assign(text);
      has_text = true;
    } else if (key == "author") {
      RETURN_IF_ERROR(GetString(value, where + ".author", &msg->author));
    } else if (key == "at") {
      RETURN_IF_ERROR(GetTime(value, where + ".at", &msg->at_ms));
    }
  }
  if (!has_role) return FieldError(where + ".role", "missing or not a string");
  if (!has_text) return FieldError(where + ".text", "missing or not a string");
  return Status::Ok();
}

Status ParseEvent(od::value v, const std::string& where, Event* ev) {
  od::object obj;
  if (v.get_object().get(obj)) return FieldError(where, "expected an object");
  bool has_type = false;
  for (auto field : obj) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) return NotJson();
    if (key == "type") {
      std::string_view type;
      if (value.get_string().get(type)) return FieldError(where + ".type", "missing or not a string");
      ev->type.assign(type);
      has_type = true;
    } else if (key == "at") {
      RETURN_IF_ERROR(GetTime(value, where + ".at", &ev->at_ms));
    }
  }
  if (!has_type) return FieldError(where + ".type", "missing or not a string");
  return Status::Ok();
}

// Calls `fn(value, index)` for each element of an array field.
template <typename Fn>
Status ForEachElement(od::value v, std::string_view field, std::string_view what, Fn fn) {
  od::array arr;
  if (v.get_array().get(arr)) return FieldError(field, what);
  size_t i = 0;
  for (auto element : arr) {
    od::value ev;
    if (element.get(ev)) return NotJson();
    RETURN_IF_ERROR(fn(ev, i++));
  }
  return Status::Ok();
}

Status ParseObject(od::object obj, Conversation* out) {
  for (auto field : obj) {
    std::string_view key;
    od::value v;
    if (field.unescaped_key().get(key) || field.value().get(v)) return NotJson();
    od::json_type type;
    if (v.type().get(type)) return NotJson();
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
      if (type == od::json_type::null) continue;
      RETURN_IF_ERROR(ForEachElement(v, "tags", "expected an array of strings", [&](od::value t, size_t i) {
        std::string_view tag;
        if (t.get_string().get(tag)) return FieldError("tags[" + std::to_string(i) + "]", "expected a string");
        out->tags.emplace_back(tag);
        return Status::Ok();
      }));
    } else if (key == "messages") {
      RETURN_IF_ERROR(ForEachElement(v, "messages", "expected an array", [&](od::value m, size_t i) {
        Message msg;
        RETURN_IF_ERROR(ParseMessage(m, "messages[" + std::to_string(i) + "]", &msg));
        out->messages.push_back(std::move(msg));
        return Status::Ok();
      }));
    } else if (key == "events") {
      if (type == od::json_type::null) continue;
      RETURN_IF_ERROR(ForEachElement(v, "events", "expected an array", [&](od::value e, size_t i) {
        Event ev;
        RETURN_IF_ERROR(ParseEvent(e, "events[" + std::to_string(i) + "]", &ev));
        out->events.push_back(std::move(ev));
        return Status::Ok();
      }));
    } else if (type == od::json_type::string) {
      std::string_view sv;
      if (v.get_string().get(sv)) return NotJson();
      out->attributes.emplace_back(std::string(key), std::string(sv));
    } else if (type == od::json_type::number || type == od::json_type::boolean) {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) {
        raw.remove_suffix(1);
      }
      out->attributes.emplace_back(std::string(key), std::string(raw));
    }
    // Other shapes (nested objects and arrays) cannot be segments: skipped.
  }
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

Status CheckConversationId(std::string_view id) {
  if (id.empty()) return Status::InvalidArgument("empty");
  if (id.size() > kMaxConversationIdBytes) {
    return Status::InvalidArgument("longer than " + std::to_string(kMaxConversationIdBytes) + " bytes");
  }
  for (const unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("has a control character");
    if (c == '/') return Status::InvalidArgument("has a \"/\"");
  }
  std::string repaired;
  if (RepairUtf8(id, &repaired) != 0) return Status::InvalidArgument("is not valid UTF-8");
  return Status::Ok();
}

Status ParseConversationJson(std::string_view text, Conversation* out) {
  *out = Conversation();
  // Its attributes are kept as JSON text, read again by nlohmann::json.
  if (JsonTooDeep(text) != std::string_view::npos) return Status::InvalidArgument(JsonTooDeepMessage());
  // simdjson reads past the end of its input: keep a padded copy per thread.
  thread_local od::parser parser;
  thread_local std::string padded;
  padded.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  padded.assign(text);
  od::document doc;
  if (parser.iterate(simdjson::padded_string_view(padded.data(), padded.size(), padded.capacity())).get(doc)) {
    return NotJson();
  }
  od::object obj;
  if (const auto error = doc.get_object().get(obj)) {
    // A valid JSON value of another type is "not an object"; anything else
    // is not JSON at all.
    const auto first = text.find_first_not_of(" \t\r\n");
    const std::string_view rest = first == std::string_view::npos ? std::string_view() : text.substr(first);
    const bool other_value = error == simdjson::INCORRECT_TYPE &&
                             (rest.starts_with('[') || rest.starts_with('"') || rest.starts_with('-') ||
                              (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') || rest == "true" ||
                              rest == "false" || rest == "null");
    return other_value ? Status::InvalidArgument("expected a JSON object") : NotJson();
  }
  RETURN_IF_ERROR(ParseObject(obj, out));
  // Trailing content after the object: there is still a location to read.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return NotJson();
  if (out->id.empty()) return FieldError("id", "missing or empty");
  if (Status s = CheckConversationId(out->id); !s.ok()) return FieldError("id", s.message());
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
