// Write-back: a tone tag and a review note on the ticket, through each help
// desk's API (docs/sync.md, "Write-back"). The tag replaces the other
// convsent tone tags and keeps the team's own.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "convsent/hooks.h"
#include "convsent/sync.h"

namespace convsent {
namespace {

using json = nlohmann::json;

const char* const kToneTags[] = {"convsent-negative", "convsent-neutral", "convsent-positive"};

}  // namespace

struct WriteBackClient::State {
  WriteBackTarget target;
  std::unique_ptr<HttpClient> http;
  std::vector<std::pair<std::string, std::string>> headers;
  std::mutex mu;
  std::map<std::string, std::string> tag_ids;  // Intercom's and Front's tags go by id: looked up once
  bool front_listed = false;

  // The id of the tone tag `name`, created if the help desk has none.
  Result<std::string> TagId(const std::string& name) {
    {
      std::lock_guard lock(mu);
      if (auto it = tag_ids.find(name); it != tag_ids.end()) return it->second;
    }
    std::string id;
    if (target.system == "intercom") {
      // Intercom's "create or update a tag" is idempotent on the name.
      ASSIGN_OR_RETURN(HttpResponse r, Call("POST", "/tags", {{"name", name}}));
      id = Field(r.body, "id");
    } else {
      // Front: the tone tags it has, listed once; the missing ones made.
      bool listed;
      {
        std::lock_guard lock(mu);
        listed = front_listed;
      }
      if (!listed) {
        ASSIGN_OR_RETURN(HttpResponse list, Call("GET", "/tags?limit=100", nullptr));
        const json got = json::parse(list.body, nullptr, false);
        std::lock_guard lock(mu);
        if (got.is_object() && got.contains("_results") && got["_results"].is_array()) {
          for (const json& t : got["_results"]) {
            const std::string n = t.is_object() ? t.value("name", "") : "";
            if (std::find(std::begin(kToneTags), std::end(kToneTags), n) != std::end(kToneTags)) {
              tag_ids[n] = Field(t.dump(), "id");
            }
          }
        }
        front_listed = true;
        if (auto it = tag_ids.find(name); it != tag_ids.end()) return it->second;
      }
      if (id.empty()) {
        ASSIGN_OR_RETURN(HttpResponse made, Call("POST", "/tags", {{"name", name}}));
        id = Field(made.body, "id");
      }
    }
    if (id.empty()) return Status::InvalidArgument(target.system + " gave no id for the tag " + name);
    std::lock_guard lock(mu);
    return tag_ids[name] = id;
  }

  static std::string Field(const std::string& body, const char* key) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains(key)) return "";
    const json& v = j[key];
    return v.is_string() ? v.get<std::string>() : v.is_number_integer() ? std::to_string(v.get<int64_t>()) : "";
  }

  Result<HttpResponse> Call(const std::string& method, const std::string& path, const json& body, bool gone_is_ok = false) {
    HttpRequest r;
    r.method = method;
    r.url = target.url + path;
    r.headers = headers;
    if (!body.is_null()) r.body = body.dump(), r.content_type = "application/json";
    ASSIGN_OR_RETURN(HttpResponse res, http->Send(r));
    if ((res.status >= 200 && res.status < 300) || (gone_is_ok && res.status == 404)) return res;
    std::string said = res.body.substr(0, 200);
    for (char& c : said) c = c == '\n' ? ' ' : c;
    return Status::InvalidArgument(http->Mask(method + " " + r.url + ": HTTP " + std::to_string(res.status) + ": " + said));
  }
};

WriteBackClient::WriteBackClient(WriteBackTarget target) : state_(std::make_unique<State>()) {
  HttpClientOptions o;
  o.max_attempts = 3;  // the caller retries later too
  o.timeout = std::chrono::milliseconds(10000);  // a stopping server waits for the call in flight
  o.requests_per_second = target.requests_per_minute / 60.0;
  o.ca_file = target.ca_file;
  o.secrets = {target.token};
  state_->headers = {{"Accept", "application/json"}, {"User-Agent", "convsent-write-back"}};
  if (target.system == "zendesk") {
    if (!target.email.empty()) {
      const std::string basic = Base64Encode(target.email + "/token:" + target.token);
      o.secrets.push_back(basic);
      state_->headers.emplace_back("Authorization", "Basic " + basic);
    } else {
      state_->headers.emplace_back("Authorization", "Bearer " + target.token);
    }
  } else if (target.system == "chatwoot") {
    state_->headers.emplace_back("api_access_token", target.token);
  } else if (target.system == "intercom" || target.system == "front") {
    state_->headers.emplace_back("Authorization", "Bearer " + target.token);
    if (target.system == "intercom") state_->headers.emplace_back("Intercom-Version", "2.11");
  } else {
    state_->headers.emplace_back("Authorization", "Token token=" + target.token);
  }
  state_->http = std::make_unique<HttpClient>(std::move(o));
  state_->target = std::move(target);
}

WriteBackClient::~WriteBackClient() = default;

Status WriteBackClient::Send(const std::string& kind, const std::string& conversation, const std::string& value) {
  State& s = *state_;
  const std::string id = UrlEncode(conversation);
  const std::string& system = s.target.system;
  if (system == "zendesk") {
    const std::string path = "/api/v2/tickets/" + id + ".json";
    if (kind == "note") {
      return s.Call("PUT", path, {{"ticket", {{"comment", {{"body", value}, {"public", false}}}}}}).status();
    }
    json remove = json::array();
    for (const char* t : kToneTags) {
      if (value != t) remove.push_back(t);
    }
    return s.Call("PUT", path, {{"ticket", {{"additional_tags", {value}}, {"remove_tags", remove}}}}).status();
  }
  if (system == "chatwoot") {
    const std::string base = "/api/v1/accounts/" + UrlEncode(s.target.account_id) + "/conversations/" + id;
    if (kind == "note") {
      return s.Call("POST", base + "/messages", {{"content", value}, {"message_type", "outgoing"}, {"private", true}})
          .status();
    }
    // Chatwoot's labels call sets the whole list: the team's labels are
    // read first and kept.
    ASSIGN_OR_RETURN(HttpResponse now, s.Call("GET", base + "/labels", nullptr));
    const json got = json::parse(now.body, nullptr, false);
    json labels = json::array();
    if (got.is_object() && got.contains("payload") && got["payload"].is_array()) {
      for (const json& l : got["payload"]) {
        if (!l.is_string()) continue;
        const std::string name = l.get<std::string>();
        if (std::find(std::begin(kToneTags), std::end(kToneTags), name) == std::end(kToneTags)) labels.push_back(name);
      }
    }
    labels.push_back(value);
    return s.Call("POST", base + "/labels", {{"labels", labels}}).status();
  }
  if (system == "intercom") {
    const std::string base = "/conversations/" + id;
    const std::string& admin = s.target.admin_id;
    if (kind == "note") {
      return s.Call("POST", base + "/reply",
                    {{"message_type", "note"}, {"type", "admin"}, {"admin_id", admin}, {"body", value}})
          .status();
    }
    for (const char* t : kToneTags) {
      if (value == t) continue;
      ASSIGN_OR_RETURN(const std::string old, s.TagId(t));
      // Not attached: Intercom answers 404, which is what was wanted.
      RETURN_IF_ERROR(s.Call("DELETE", base + "/tags/" + UrlEncode(old), {{"admin_id", admin}}, true).status());
    }
    ASSIGN_OR_RETURN(const std::string tag, s.TagId(value));
    return s.Call("POST", base + "/tags", {{"id", tag}, {"admin_id", admin}}).status();
  }
  if (system == "front") {
    const std::string base = "/conversations/" + id;
    if (kind == "note") {
      json comment = {{"body", value}};
      if (!s.target.admin_id.empty()) comment["author_id"] = s.target.admin_id;
      return s.Call("POST", base + "/comments", comment).status();
    }
    json old = json::array();
    for (const char* t : kToneTags) {
      if (value == t) continue;
      ASSIGN_OR_RETURN(const std::string other, s.TagId(t));
      old.push_back(other);
    }
    RETURN_IF_ERROR(s.Call("DELETE", base + "/tags", {{"tag_ids", old}}, true).status());
    ASSIGN_OR_RETURN(const std::string tag, s.TagId(value));
    return s.Call("POST", base + "/tags", {{"tag_ids", {tag}}}).status();
  }
  if (system == "zammad") {
    if (kind == "note") {
      return s.Call("POST", "/api/v1/ticket_articles",
                    {{"ticket_id", conversation}, {"body", value}, {"type", "note"}, {"internal", true},
                     {"content_type", "text/plain"}})
          .status();
    }
    for (const char* t : kToneTags) {
      if (value == t) continue;
      // Removing a tag the ticket does not have is no error in Zammad.
      RETURN_IF_ERROR(s.Call("DELETE", "/api/v1/tags/remove", {{"object", "Ticket"}, {"o_id", conversation}, {"item", t}}).status());
    }
    return s.Call("POST", "/api/v1/tags/add", {{"object", "Ticket"}, {"o_id", conversation}, {"item", value}}).status();
  }
  return Status::InvalidArgument("no write-back to " + system);
}

void AttemptWriteBack(WriteBack* w, WriteBackSender* sender, const std::function<int64_t()>& now_ms,
                      const std::function<Status(const WriteBack&)>& record) {
  const auto backoff = [](int attempts) { return std::min<int64_t>(600000, int64_t{1000} << std::min(attempts, 20)); };
  Status s;
  if (sender == nullptr) {
    s = Status::InvalidArgument("write-back to " + w->system + " is no longer configured");
    ++w->attempts;
  } else if (w->kind == "note") {
    // Recorded before the call, so that an attempt a crash or a timeout cut
    // off is known at the next one.
    const bool tried = w->attempts > 0;
    ++w->attempts;
    w->next_at_ms = now_ms() + backoff(w->attempts);
    if (!record(*w).ok()) {
      --w->attempts;
      return;
    }
    auto there = tried ? sender->HasNote(w->conversation, w->value) : Result<bool>(false);
    s = !there.ok() ? there.status() : *there ? Status::Ok() : sender->Send(w->kind, w->conversation, w->value);
  } else {
    s = sender->Send(w->kind, w->conversation, w->value);
    ++w->attempts;
  }
  const int64_t now = now_ms();
  w->last_error = s.ok() ? "" : s.message();
  if (s.ok()) {
    w->status = "sent", w->done_at_ms = now;
  } else if (s.code() == StatusCode::kInvalidArgument || w->attempts >= kMaxWriteBackAttempts) {
    w->status = "failed", w->done_at_ms = now;  // refused for good, or retried long enough
  } else {
    w->next_at_ms = now + backoff(w->attempts);
  }
  (void)record(*w);
}

Result<bool> WriteBackClient::HasNote(const std::string& conversation, const std::string& value) {
  State& s = *state_;
  const std::string id = UrlEncode(conversation);
  const std::string& system = s.target.system;
  std::string path;
  if (system == "zendesk") path = "/api/v2/tickets/" + id + "/comments.json?sort_order=desc";
  if (system == "chatwoot") path = "/api/v1/accounts/" + UrlEncode(s.target.account_id) + "/conversations/" + id + "/messages";
  if (system == "intercom") path = "/conversations/" + id;  // its parts hold the notes
  if (system == "front") path = "/conversations/" + id + "/comments";
  if (system == "zammad") path = "/api/v1/ticket_articles/by_ticket/" + id;
  if (path.empty()) return Status::InvalidArgument("no write-back to " + system);
  // The marker is plain ASCII without quotes or slashes: the same in the
  // raw JSON as in the text, whatever HTML the help desk wraps a note in.
  const std::string marker = value.substr(0, value.find(':') + 1);
  if (marker.size() < 8) return Status::InvalidArgument("a note without its marker: " + value.substr(0, 40));
  ASSIGN_OR_RETURN(HttpResponse r, s.Call("GET", path, nullptr));
  return r.body.find(marker) != std::string::npos;
}

}  // namespace convsent
