#include "import/payload.h"

#include <algorithm>
#include <cmath>

namespace convsent::import_internal {

namespace {
const nlohmann::json kNull;

std::string TypeName(const nlohmann::json& j) { return j.type_name(); }
}  // namespace

const nlohmann::json& Node::json() const { return j_ ? *j_ : kNull; }

Node Node::operator[](std::string_view key) const {
  std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (j_ == nullptr || !j_->is_object()) return Node(nullptr, std::move(path));
  auto it = j_->find(key);
  return Node(it == j_->end() ? nullptr : &*it, std::move(path));
}

std::vector<Node> Node::Items() const {
  std::vector<Node> out;
  if (missing()) return out;
  if (!j_->is_array()) Fail("expected an array, found " + TypeName(*j_));
  out.reserve(j_->size());
  for (size_t i = 0; i < j_->size(); ++i) out.emplace_back(&(*j_)[i], path_ + "[" + std::to_string(i) + "]");
  return out;
}

std::string Node::Str() const {
  if (missing()) return "";
  if (j_->is_string()) return j_->get<std::string>();
  if (j_->is_number_integer()) return j_->is_number_unsigned() ? std::to_string(j_->get<uint64_t>()) : std::to_string(j_->get<int64_t>());
  if (j_->is_number_float()) return j_->dump();
  if (j_->is_boolean()) return j_->get<bool>() ? "true" : "false";
  Fail("expected a string or number, found " + TypeName(*j_));
}

std::string Node::Id() const {
  std::string s = Str();
  if (s.empty()) Fail("missing or empty");
  return s;
}

std::optional<int64_t> Node::Int() const {
  if (missing()) return std::nullopt;
  if (j_->is_number_integer()) return j_->get<int64_t>();
  if (j_->is_number_float()) return static_cast<int64_t>(j_->get<double>());
  if (j_->is_string()) {
    const std::string& s = j_->get_ref<const std::string&>();
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0') return v;
  }
  Fail("expected a whole number, found " + (j_->is_string() ? "'" + j_->get<std::string>().substr(0, 30) + "'" : TypeName(*j_)));
}

bool Node::Bool(bool fallback) const {
  if (missing()) return fallback;
  if (j_->is_boolean()) return j_->get<bool>();
  if (j_->is_string()) {
    const auto& s = j_->get_ref<const std::string&>();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  Fail("expected true or false, found " + TypeName(*j_));
}

int64_t Node::Time() const {
  if (missing()) return 0;
  if (j_->is_number()) {
    const double seconds = j_->get<double>();
    // Seconds since the epoch; some exports (Twilio's, Zendesk's events) use
    // milliseconds, told apart by size (1e11 s is the year 5138).
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e14) Fail("expected a time, found " + j_->dump());
    return static_cast<int64_t>(std::llround(seconds > 1e11 ? seconds : seconds * 1000));
  }
  if (j_->is_string()) {
    const auto& s = j_->get_ref<const std::string&>();
    if (s.empty()) return 0;
    int64_t ms = 0;
    if (ParseTime(s, &ms)) return ms;
    Fail("'" + s.substr(0, 40) + "' is not an RFC 3339 time");
  }
  Fail("expected a time, found " + TypeName(*j_));
}

std::string Context::RequestId(std::string_view collection) const {
  const std::string key = "/" + std::string(collection) + "/";
  const size_t at = request_path_.find(key);
  if (at == std::string::npos) return "";
  const size_t start = at + key.size();
  size_t end = request_path_.find_first_of("/?.", start);
  if (end == std::string::npos) end = request_path_.size();
  return request_path_.substr(start, end - start);
}

void Context::Guard(const std::function<void()>& read) {
  try {
    read();
  } catch (const PayloadError& e) {
    Error(e.path, e.message);
  }
}

void Context::Error(const std::string& path, const std::string& message) {
  result_->errors.push_back(IngestError{file_, 0, path, message});
}

void Draft::AddMessage(DraftMessage m) {
  if (!m.source_id.empty() && !message_ids.insert(m.source_id).second) return;
  messages.push_back(std::move(m));
}

void Draft::AddEvent(std::string type, int64_t at_ms) {
  for (const auto& e : conversation.events) {
    if (e.type == type && e.at_ms == at_ms) return;
  }
  conversation.events.push_back(Event{std::move(type), at_ms});
}

void Draft::SetAttribute(const std::string& key, const std::string& value) {
  if (value.empty()) return;
  for (auto& [k, v] : conversation.attributes) {
    if (k == key) {
      v = value;
      return;
    }
  }
  conversation.attributes.emplace_back(key, value);
}

Draft& Drafts::Get(const std::string& id, const Context& ctx) {
  auto it = index_.find(id);
  if (it != index_.end()) return *it->second;
  drafts_.push_back(std::make_unique<Draft>());
  Draft& d = *drafts_.back();
  d.conversation.id = id;
  d.file = ctx.file();
  index_.emplace(id, &d);
  return d;
}

Draft& Drafts::Merge(Draft local, const Context& ctx) {
  Draft& d = Get(local.conversation.id, ctx);
  Conversation& to = d.conversation;
  Conversation& from = local.conversation;
  for (auto [field, value] : {std::pair{&to.channel, &from.channel}, {&to.topic, &from.topic}, {&to.team, &from.team}}) {
    if (!value->empty()) *field = std::move(*value);
  }
  if (!from.tags.empty()) to.tags = std::move(from.tags);
  if (from.created_at_ms != 0) to.created_at_ms = from.created_at_ms;
  if (from.csat) to.csat = from.csat;
  if (from.nps) to.nps = from.nps;
  for (const auto& [key, value] : from.attributes) d.SetAttribute(key, value);
  for (auto& e : from.events) d.AddEvent(std::move(e.type), e.at_ms);
  for (auto& m : local.messages) d.AddMessage(std::move(m));
  return d;
}

void Drafts::Adopt(std::vector<Orphan> orphans, const std::string& what, ImportResult* out) {
  for (auto& o : orphans) {
    if (drafts_.size() != 1) {
      out->errors.push_back(IngestError{o.file, 0, o.path,
                                        "the " + what + " does not say its ticket, and the import has " +
                                            std::to_string(drafts_.size()) + " tickets: import one ticket with its " +
                                            what + "s, or the " + what + "s as saved with their request path"});
      continue;
    }
    drafts_.front()->AddMessage(std::move(o.message));
  }
}

Draft* Drafts::Find(const std::string& id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : it->second;
}

void Drafts::Finish(ImportResult* out) {
  for (auto& d : drafts_) {
    Conversation& c = d->conversation;
    if (d->messages.empty()) {
      out->errors.push_back(IngestError{d->file, 0, "",
                                        "conversation '" + c.id +
                                            "' has no message to score (import its comments, parts, messages or "
                                            "threads with it); skipped"});
      continue;
    }
    // By time when every message has one; otherwise in the order read
    // (payloads list them in order; voice transcripts have offsets only).
    const bool timed = std::all_of(d->messages.begin(), d->messages.end(),
                                   [](const DraftMessage& m) { return m.message.at_ms != 0; });
    if (timed) {
      std::stable_sort(d->messages.begin(), d->messages.end(), [](const DraftMessage& a, const DraftMessage& b) {
        return a.message.at_ms < b.message.at_ms;
      });
    }
    c.messages.clear();
    for (auto& m : d->messages) c.messages.push_back(std::move(m.message));
    std::stable_sort(c.events.begin(), c.events.end(), [](const Event& a, const Event& b) { return a.at_ms < b.at_ms; });
    if (c.created_at_ms == 0) c.created_at_ms = c.messages.front().at_ms;
    out->conversations.push_back(std::move(c));
  }
  drafts_.clear();
  index_.clear();
}

std::vector<Node> ItemsOf(const Node& doc, std::string_view list_key, std::string_view system,
                          std::string_view expected) {
  if (doc.has(list_key)) return doc[list_key].Items();
  if (doc.is_array()) return doc.Items();
  if (doc.is_object() && doc.has("id")) return {doc};
  doc.Fail("not a " + std::string(system) + " response this importer reads (expected " + std::string(expected) + ")");
}

}  // namespace convsent::import_internal
