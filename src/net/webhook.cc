#include "convsent/webhook.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <strings.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace convsent {
namespace {

// The host of an http(s) origin ("https://host:port"), without brackets.
std::string HostOf(const std::string& origin) {
  const size_t start = origin.find("://") + 3;
  if (start < origin.size() && origin[start] == '[') {
    const size_t end = origin.find(']', start);
    return end == std::string::npos ? "" : origin.substr(start + 1, end - start - 1);
  }
  const size_t end = origin.find(':', start);
  return origin.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Whether `host` resolves to a link-local address: where clouds serve
// instance metadata and credentials (169.254.169.254, fe80::/10, and AWS's
// fd00:ec2::254). A webhook must never reach those.
bool ResolvesToLinkLocal(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return false;  // the connection will fail and say so
  bool link_local = false;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const uint32_t ip = ntohl(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr.s_addr);
      link_local = link_local || (ip >> 16) == 0xA9FE;  // 169.254.0.0/16
    } else if (a->ai_family == AF_INET6) {
      const uint8_t* b = reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr.s6_addr;
      static const uint8_t kAwsMetadata[16] = {0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
      const bool mapped_v4_link_local = b[10] == 0xff && b[11] == 0xff && b[12] == 169 && b[13] == 254 &&
                                        std::all_of(b, b + 10, [](uint8_t x) { return x == 0; });
      link_local = link_local || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || std::memcmp(b, kAwsMetadata, 16) == 0 ||
                   mapped_v4_link_local;
    }
  }
  freeaddrinfo(found);
  return link_local;
}

}  // namespace

struct WebhookSender::State {
  struct Item {
    int64_t id;
    std::string url, json;
    int attempts;
    std::chrono::steady_clock::time_point next;
    std::string error;
  };
  WebhookOptions options;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> queue;
  std::vector<WebhookOutcome> done;
  int in_flight = 0;
  bool stop = false;

  // One attempt: "" on success, else what went wrong; `retry` says whether
  // another attempt may help (network errors, 429 and 5xx).
  std::string Post(const Item& item, bool* retry) {
    *retry = true;
    const size_t scheme = item.url.find("://");
    if (scheme == std::string::npos) return *retry = false, "not a URL: " + item.url;
    const size_t slash = item.url.find('/', scheme + 3);
    const std::string origin = item.url.substr(0, slash);
    const std::string path = slash == std::string::npos ? "/" : item.url.substr(slash);
    const std::string host = HostOf(origin);
    if (!options.allowed_hosts.empty() &&
        std::none_of(options.allowed_hosts.begin(), options.allowed_hosts.end(),
                     [&](const std::string& h) { return strcasecmp(h.c_str(), host.c_str()) == 0; })) {
      return *retry = false, "host " + host + " is not in the webhook allow-list";
    }
    if (ResolvesToLinkLocal(host)) return *retry = false, "host " + host + " is a link-local (metadata) address: refused";
    try {
      httplib::Client client(origin);
      if (!client.is_valid()) return *retry = false, "unsupported URL: " + item.url;
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count();
      const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(options.timeout).count() % 1000000;
      client.set_connection_timeout(seconds, micros);
      client.set_read_timeout(seconds, micros);
      client.set_write_timeout(seconds, micros);
      const auto res = client.Post(path, item.json, "application/json");
      if (!res) return "could not reach " + origin + ": " + httplib::to_string(res.error());
      if (res->status >= 200 && res->status < 300) return "";
      *retry = res->status == 429 || res->status >= 500;
      return "HTTP " + std::to_string(res->status) + " from " + item.url;
    } catch (const std::exception& e) {  // httplib may throw on malformed input
      *retry = false;
      return std::string("cannot post to ") + item.url + ": " + e.what();
    }
  }

  void Run() {
    std::unique_lock lock(mu);
    while (!stop) {
      if (queue.empty()) {
        cv.wait(lock);
        continue;
      }
      // The item due first.
      auto due = queue.begin();
      for (auto it = queue.begin(); it != queue.end(); ++it) {
        if (it->next < due->next) due = it;
      }
      if (due->next > std::chrono::steady_clock::now()) {
        cv.wait_until(lock, due->next);
        continue;
      }
      Item item = std::move(*due);
      queue.erase(due);
      ++in_flight;
      lock.unlock();
      bool retry = false;
      const std::string error = Post(item, &retry);
      ++item.attempts;
      lock.lock();
      --in_flight;
      if (error.empty() || !retry || item.attempts >= options.max_attempts) {
        done.push_back({item.id, error.empty(), !error.empty(), item.attempts, error});
      } else {
        item.error = error;
        item.next = std::chrono::steady_clock::now() + options.first_backoff * (1 << std::min(item.attempts - 1, 10));
        queue.push_back(std::move(item));
      }
      cv.notify_all();
    }
  }
};

WebhookSender::WebhookSender(WebhookOptions options) : state_(std::make_shared<State>()) {
  state_->options = options;
  // Detached, holding the state: a receiver that hangs never holds up the
  // destructor or the exit.
  std::thread([state = state_] { state->Run(); }).detach();
}

WebhookSender::~WebhookSender() {
  std::lock_guard lock(state_->mu);
  state_->stop = true;
  state_->cv.notify_all();
}

void WebhookSender::Send(int64_t id, const std::string& url, const std::string& json, int attempts_so_far) {
  std::lock_guard lock(state_->mu);
  state_->queue.push_back({id, url, json, attempts_so_far, std::chrono::steady_clock::now(), ""});
  state_->cv.notify_all();
}

std::vector<WebhookOutcome> WebhookSender::Wait(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(state_->mu);
  state_->cv.wait_for(lock, max_wait, [&] { return state_->queue.empty() && state_->in_flight == 0; });
  std::vector<WebhookOutcome> out = state_->done;
  for (const auto& item : state_->queue) out.push_back({item.id, false, false, item.attempts, item.error});
  return out;
}

}  // namespace convsent
