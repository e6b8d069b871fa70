#include "sync/api.h"

#include <openssl/evp.h>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace convsent::sync_internal {
namespace {

std::string Base64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

HttpClientOptions ClientOptions(const SyncSource& s, const SyncOptions& o) {
  HttpClientOptions c;
  c.max_attempts = s.max_attempts;
  c.first_backoff = s.first_backoff;
  c.requests_per_second = s.requests_per_minute / 60.0;
  c.ca_file = s.ca_file;
  c.secrets = {s.token, s.webhook_secret};
  if (!s.email.empty()) {
    c.secrets.push_back(Base64(s.email + "/token:" + s.token));
    c.secrets.push_back(Base64(s.email + ":" + s.token));
  }
  c.on_wait = o.on_wait;
  return c;
}

}  // namespace

const nlohmann::json& Member(const nlohmann::json& obj, const char* key) {
  static const nlohmann::json kNull;
  if (!obj.is_object()) return kNull;
  const auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

int64_t StartSeconds(const SyncSource& source) {
  if (source.start_ms > 0) return source.start_ms / 1000;
  return NowMs() / 1000 - 30 * 86400;
}

NewestFirstRun NewestFirstRun::From(const nlohmann::json& cursor, const SyncSource& source) {
  NewestFirstRun run;
  const bool resumed = cursor.is_object();
  run.since = resumed ? cursor.value("since", int64_t{0}) : StartSeconds(source);
  run.run_started = resumed && cursor.contains("run_started") ? cursor.value("run_started", int64_t{0}) : NowMs() / 1000;
  run.next = resumed ? cursor.value("next", "") : "";
  return run;
}

nlohmann::json NewestFirstRun::After(const std::string& more, bool end) const {
  if (end || more.empty()) return {{"since", std::max(since, run_started - 60)}};
  return {{"since", since}, {"run_started", run_started}, {"next", more}};
}

Api::Api(const SyncSource& source, const SyncOptions& options)
    : source_(source), client_(ClientOptions(source, options)) {
  headers_.emplace_back("Accept", "application/json");
  headers_.emplace_back("User-Agent", "convsent-sync");
  if (source.system == HelpDesk::kZohoDesk) {
    headers_.emplace_back("Authorization", "Zoho-oauthtoken " + source.token);
    headers_.emplace_back("orgId", source.org_id);
  } else if (source.system == HelpDesk::kGorgias) {
    headers_.emplace_back("Authorization", "Basic " + Base64(source.email + ":" + source.token));  // email, API key
  } else if (source.system == HelpDesk::kZendesk && !source.email.empty()) {
    headers_.emplace_back("Authorization", "Basic " + Base64(source.email + "/token:" + source.token));
  } else {
    headers_.emplace_back("Authorization", "Bearer " + source.token);
  }
  if (source.system == HelpDesk::kIntercom) headers_.emplace_back("Intercom-Version", "2.11");
}

std::string Api::PathOn(const std::string& url) const {
  if (url.empty()) return "";
  if (url[0] == '/') return url;
  const std::string origin = source_.url.substr(0, source_.url.find('/', source_.url.find("://") + 3));
  if (url.rfind(origin, 0) != 0) return "";
  const std::string rest = url.substr(origin.size());
  if (!rest.empty() && rest[0] != '/') return "";  // https://acme.zendesk.com.evil.example
  return rest.empty() ? "/" : rest;
}

Result<HttpResponse> Api::Send(HttpRequest request, const std::string& target) {
  const std::string path = PathOn(target);
  if (path.empty()) return Status::InvalidArgument(Mask("refusing to follow a link off " + source_.url + ": " + target));
  // A source URL with a path (a proxy's prefix) keeps it.
  request.url = target[0] == '/' ? source_.url + path : target;
  request.headers = headers_;
  ++requests_;
  ASSIGN_OR_RETURN(HttpResponse r, client_.Send(request));
  if (r.status >= 200 && r.status < 300) return r;
  std::string said = r.body.substr(0, 300);
  for (char& c : said) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  const std::string what = request.method + " " + request.url + ": HTTP " + std::to_string(r.status);
  if (r.status == 401 || r.status == 403) {
    return Status::FailedPrecondition(Mask(what + ": " + std::string(HelpDeskName(source_.system)) +
                                           " refused the credentials (check the token and its scopes, docs/sync.md)"));
  }
  if (r.status == 404) return Status::NotFound(Mask(what + " (not found)"));
  return Status::InvalidArgument(Mask(what + ": " + said));
}

Result<HttpResponse> Api::Get(const std::string& target) {
  HttpRequest r;
  r.method = "GET";
  return Send(std::move(r), target);
}

Result<HttpResponse> Api::Post(const std::string& target, const std::string& json) {
  HttpRequest r;
  r.method = "POST";
  r.body = json;
  r.content_type = "application/json";
  return Send(std::move(r), target);
}

Result<nlohmann::json> Api::Json(const HttpResponse& r, const std::string& target) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::DataLoss(Mask("GET " + target + ": the answer is not a JSON object"));
  }
  return j;
}

Status Api::GetPages(const std::string& first, const std::string& import_path,
                     const std::function<std::string(const nlohmann::json&)>& next_link, std::vector<ImportResponse>* out) {
  const std::string system(HelpDeskName(source_.system));
  std::string target = first;
  for (int pages = 0; !target.empty() && pages < 1000; ++pages) {
    ASSIGN_OR_RETURN(HttpResponse r, Get(target));
    ASSIGN_OR_RETURN(const nlohmann::json j, Json(r, target));
    out->push_back({system + " GET " + target, import_path, std::move(r.body)});
    const std::string link = next_link(j);
    target = link.empty() ? "" : PathOn(link);
    if (!link.empty() && target.empty()) return Status::InvalidArgument(Mask(system + "'s next page of " + import_path + " is on another host: " + link));
  }
  return Status::Ok();
}

Status Api::FetchEach(const std::vector<std::string>& ids, const char* what, const FetchOne& fetch,
                      nlohmann::json* listed, Page* page) {
  const size_t n = ids.size();
  std::vector<std::vector<ImportResponse>> fetched(n);
  std::vector<char> gone(n, 0);  // not vector<bool>: threads set distinct elements
  std::mutex mu;
  Status first;
  size_t next = 0;
  auto work = [&] {
    for (;;) {
      size_t i;
      {
        std::lock_guard lock(mu);
        if (!first.ok() || next >= n) return;
        i = next++;
      }
      Status s = fetch(ids[i], &fetched[i]);
      if (s.code() == StatusCode::kNotFound) {
        gone[i] = 1;
        fetched[i].clear();
        continue;
      }
      if (!s.ok()) {
        std::lock_guard lock(mu);
        if (first.ok()) first = std::move(s);
      }
    }
  };
  const size_t threads = std::min<size_t>(n, static_cast<size_t>(std::max(1, source_.concurrency)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  RETURN_IF_ERROR(first);
  const std::string system(HelpDeskName(source_.system));
  std::set<std::string> gone_ids;
  for (size_t i = 0; i < n; ++i) {
    if (gone[i]) {
      page->notes.push_back(IngestError{system, 0, "", std::string(what) + " " + ids[i] + " is gone; skipped"});
      gone_ids.insert(ids[i]);
    }
    for (auto& r : fetched[i]) page->responses.push_back(std::move(r));
  }
  if (listed != nullptr && listed->is_array() && !gone_ids.empty()) {
    auto& items = listed->get_ref<nlohmann::json::array_t&>();
    std::erase_if(items, [&](const nlohmann::json& item) {
      const auto id = item.is_object() ? item.find("id") : item.end();
      if (id == item.end()) return false;
      return gone_ids.count(id->is_string() ? id->get<std::string>() : id->dump()) > 0;
    });
  }
  return Status::Ok();
}

}  // namespace convsent::sync_internal
