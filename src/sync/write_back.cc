// Write-back: a tone tag and a review note on the ticket, through each help
// desk's API (docs/sync.md, "Write-back"). The tag replaces the other
// convsent tone tags and keeps the team's own.
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

  Result<HttpResponse> Call(const std::string& method, const std::string& path, const json& body) {
    HttpRequest r;
    r.method = method;
    r.url = target.url + path;
    r.headers = headers;
    if (!body.is_null()) r.body = body.dump(), r.content_type = "application/json";
    ASSIGN_OR_RETURN(HttpResponse res, http->Send(r));
    if (res.status >= 200 && res.status < 300) return res;
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

}  // namespace convsent
