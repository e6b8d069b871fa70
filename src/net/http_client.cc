#include "convsent/http_client.h"

#include <httplib.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "convsent/conversation.h"

namespace convsent {
namespace {

using Clock = std::chrono::steady_clock;

struct SplitUrl {
  std::string origin, path;  // "https://host:port", "/path?query"
};

bool Split(const std::string& url, SplitUrl* out) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  const std::string s = url.substr(0, scheme);
  if (s != "http" && s != "https") return false;
  const size_t slash = url.find('/', scheme + 3);
  out->origin = url.substr(0, slash);
  out->path = slash == std::string::npos ? "/" : url.substr(slash);
  return out->origin.size() > scheme + 3;
}

// Retry-After: delay-seconds or an HTTP date (RFC 9110 10.2.3); -1 when
// absent or unreadable.
int64_t RetryAfterMs(const std::string& value) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return value.size() > 9 ? INT64_MAX / 2 : std::stoll(value) * 1000;
  }
  std::tm tm{};
  if (strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return -1;
  const int64_t at = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at - NowMs());
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

struct HttpClient::State {
  HttpClientOptions options;
  std::mutex mu;
  Clock::time_point next_slot = Clock::now();  // the rate limit: when the next request may go
  // Idle connections, by origin, taken by one thread at a time.
  std::multimap<std::string, std::unique_ptr<httplib::Client>> idle;

  // Waits for the rate limit's next slot.
  void Pace() {
    if (options.requests_per_second <= 0) return;
    const auto gap = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / options.requests_per_second));
    Clock::time_point at;
    {
      std::lock_guard lock(mu);
      at = std::max(next_slot, Clock::now());
      next_slot = at + gap;
    }
    std::this_thread::sleep_until(at);
  }

  std::unique_ptr<httplib::Client> Take(const std::string& origin) {
    {
      std::lock_guard lock(mu);
      if (auto it = idle.find(origin); it != idle.end()) {
        auto c = std::move(it->second);
        idle.erase(it);
        return c;
      }
    }
    auto c = std::make_unique<httplib::Client>(origin);
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(options.timeout).count() % 1000000;
    c->set_connection_timeout(s, us);
    c->set_read_timeout(s, us);
    c->set_write_timeout(s, us);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);  // a request's body is not held back waiting for the ack of its head
    c->set_follow_location(false);
    if (origin.rfind("https://", 0) == 0) {
      c->enable_server_certificate_verification(true);
      if (!options.ca_file.empty()) c->set_ca_cert_path(options.ca_file);
    }
    return c;
  }

  void Give(const std::string& origin, std::unique_ptr<httplib::Client> c) {
    std::lock_guard lock(mu);
    if (idle.size() < 64) idle.emplace(origin, std::move(c));
  }
};

HttpClient::HttpClient(HttpClientOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->options.max_attempts = std::max(1, state_->options.max_attempts);
  auto& secrets = state_->options.secrets;
  secrets.erase(std::remove_if(secrets.begin(), secrets.end(), [](const std::string& s) { return s.size() < 4; }),
                secrets.end());
}

HttpClient::~HttpClient() = default;

std::string HttpClient::Mask(std::string text) const {
  for (const std::string& secret : state_->options.secrets) {
    for (size_t at; (at = text.find(secret)) != std::string::npos;) text.replace(at, secret.size(), "***");
  }
  return text;
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  SplitUrl url;
  if (!Split(request.url, &url)) return Status::InvalidArgument(Mask("not an http(s) URL: " + request.url));
  const HttpClientOptions& o = state_->options;
  std::string last_error;
  for (int attempt = 1;; ++attempt) {
    state_->Pace();
    auto client = state_->Take(url.origin);
    httplib::Request req;
    req.method = request.method;
    req.path = url.path;
    for (const auto& [k, v] : request.headers) req.headers.emplace(k, v);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      req.body = request.body;
      req.headers.emplace("Content-Type", request.content_type.empty() ? "application/json" : request.content_type);
    }
    HttpResponse out;
    bool too_big = false;
    req.response_handler = [&](const httplib::Response& r) {
      out.status = r.status;
      for (const auto& [k, v] : r.headers) out.headers.emplace_back(k, v);
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (static_cast<int64_t>(out.body.size() + n) > o.max_body_bytes) return !(too_big = true);
      out.body.append(data, n);
      return true;
    };
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    bool sent = false;
    try {
      sent = client->send(req, res, error);
    } catch (const std::exception& e) {
      return Status::InvalidArgument(Mask(request.method + " " + request.url + ": " + e.what()));
    }
    std::chrono::milliseconds wait{0};
    if (too_big) {
      return Status::DataLoss(Mask(request.method + " " + request.url + ": the response is larger than " +
                                   std::to_string(o.max_body_bytes >> 20) + " MiB"));
    }
    if (!sent) {
      if (error == httplib::Error::SSLServerVerification || error == httplib::Error::SSLConnection) {
        // A certificate that does not verify will not verify on retry.
        return Status::IoError(Mask(request.method + " " + request.url + ": TLS failed (" + httplib::to_string(error) + ")"));
      }
      last_error = "no answer (" + httplib::to_string(error) + ")";
    } else {
      out.status = res.status;
      if (out.status != 429 && out.status < 500) {
        state_->Give(url.origin, std::move(client));
        return out;
      }
      last_error = "HTTP " + std::to_string(out.status);
      if (out.status == 429 || out.status == 503) {
        if (const int64_t after = RetryAfterMs(out.Header("Retry-After")); after >= 0) {
          wait = std::chrono::milliseconds(std::min<int64_t>(after, o.max_wait.count()));
          last_error += " (Retry-After " + out.Header("Retry-After") + ")";
        }
      }
      state_->Give(url.origin, std::move(client));
    }
    if (attempt >= o.max_attempts) {
      return Status::IoError(Mask(request.method + " " + request.url + ": " + last_error + " after " +
                                  std::to_string(attempt) + " attempts"));
    }
    if (wait.count() == 0) wait = std::min(o.max_wait, o.first_backoff * (1 << std::min(attempt - 1, 16)));
    if (o.on_wait) o.on_wait(Mask(request.method + " " + request.url + ": " + last_error), wait);
    std::this_thread::sleep_for(wait);
  }
}

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace convsent
