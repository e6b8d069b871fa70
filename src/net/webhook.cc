#include "convsent/webhook.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <list>
#include <map>
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

// Where a URL's request goes ("https://host:port", lower case): what the
// per-destination cap counts.
std::string OriginOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  std::string origin = url.substr(0, url.find('/', scheme + 3));
  for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}

}  // namespace

struct WebhookSender::State {
  using Clock = std::chrono::steady_clock;
  struct Item {
    int64_t id;
    std::string url, json, origin;
    int attempts;
    Clock::time_point next;
    std::string error;
  };
  // An attempt in flight, as the watchdog sees it.
  struct Attempt {
    httplib::Client* client = nullptr;  // set once made, under mu
    Clock::time_point deadline;
    bool cut = false;  // stopped by the watchdog: the deadline passed
  };

  WebhookOptions options;
  std::mutex mu;
  std::condition_variable cv;  // work to do, an attempt finished, or stop
  std::deque<Item> queue;
  std::vector<WebhookOutcome> done;  // only without on_attempt
  std::map<std::string, int> busy;   // attempts in flight per origin
  std::list<Attempt*> in_flight;
  int active = 0;  // taken from the queue and not yet settled (posting or reporting)
  bool stop = false;
  std::vector<std::thread> workers;
  std::thread watchdog;

  // One attempt: "" on success, else what went wrong; `retry` says whether
  // another attempt may help (network errors, deadlines, 429 and 5xx).
  std::string Post(const Item& item, Attempt* attempt, bool* retry) {
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
      {
        std::lock_guard lock(mu);
        attempt->client = &client;
      }
      const auto res = client.Post(path, item.json, "application/json");
      std::lock_guard lock(mu);
      attempt->client = nullptr;  // the watchdog must not touch it once it goes
      if (attempt->cut) {
        return "no complete answer from " + origin + " within " + std::to_string(options.deadline.count()) + " ms";
      }
      if (!res) return "could not reach " + origin + ": " + httplib::to_string(res.error());
      if (res->status >= 200 && res->status < 300) return "";
      *retry = res->status == 429 || res->status >= 500;
      return "HTTP " + std::to_string(res->status) + " from " + item.url;
    } catch (const std::exception& e) {  // httplib may throw on malformed input
      std::lock_guard lock(mu);
      attempt->client = nullptr;
      *retry = false;
      return std::string("cannot post to ") + item.url + ": " + e.what();
    }
  }

  // The queued item due first among those whose destination has room, or
  // queue.end().
  std::deque<Item>::iterator NextItem() {
    auto next = queue.end();
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (auto b = busy.find(it->origin); b != busy.end() && b->second >= options.per_destination) continue;
      if (next == queue.end() || it->next < next->next) next = it;
    }
    return next;
  }

  void Work() {
    std::unique_lock lock(mu);
    while (!stop) {
      auto due = NextItem();
      if (due == queue.end()) {
        cv.wait(lock);
        continue;
      }
      if (due->next > Clock::now()) {
        cv.wait_until(lock, due->next);
        continue;
      }
      Item item = std::move(*due);
      queue.erase(due);
      ++busy[item.origin], ++active;
      Attempt attempt{nullptr, Clock::now() + options.deadline};
      in_flight.push_back(&attempt);
      cv.notify_all();  // the watchdog learns of a new deadline
      lock.unlock();
      bool retry = false;
      std::string error = Post(item, &attempt, &retry);
      lock.lock();
      in_flight.remove(&attempt);
      if (--busy[item.origin] == 0) busy.erase(item.origin);
      if (stop) {  // cut off by the destructor: the caller still holds it as pending
        --active;
        break;
      }
      ++item.attempts;
      WebhookOutcome outcome{item.id, error.empty(), false, item.attempts, error};
      if (!error.empty() && (!retry || item.attempts >= options.max_attempts)) {
        outcome.gave_up = true;
      } else if (!error.empty()) {
        outcome.retry_in = options.first_backoff * (1 << std::min(item.attempts - 1, 10));
        item.error = error;
        item.next = Clock::now() + outcome.retry_in;
        queue.push_back(std::move(item));
      }
      if (options.on_attempt) {
        lock.unlock();
        options.on_attempt(outcome);
        lock.lock();
      } else if (!outcome.retry_in.count()) {
        done.push_back(std::move(outcome));
      }
      --active;
      cv.notify_all();
    }
    cv.notify_all();
  }

  // Cuts off the attempts past their deadline, and every attempt once the
  // sender stops. httplib's Client::stop() shuts the socket down from
  // another thread; one called before the connection exists does nothing,
  // so it is repeated until the attempt ends.
  void Watch() {
    std::unique_lock lock(mu);
    while (!(stop && active == 0 && in_flight.empty())) {
      auto wake = Clock::now() + std::chrono::seconds(1);
      const auto now = Clock::now();
      for (Attempt* a : in_flight) {
        if (stop || a->deadline <= now) {
          a->cut = a->cut || !stop;
          if (a->client != nullptr) a->client->stop();
          wake = std::min(wake, now + std::chrono::milliseconds(20));
        } else {
          wake = std::min(wake, a->deadline);
        }
      }
      cv.wait_until(lock, wake);
    }
  }
};

WebhookSender::WebhookSender(WebhookOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->options.threads = std::max(1, state_->options.threads);
  state_->options.per_destination = std::max(1, state_->options.per_destination);
  for (int i = 0; i < state_->options.threads; ++i) state_->workers.emplace_back([s = state_.get()] { s->Work(); });
  state_->watchdog = std::thread([s = state_.get()] { s->Watch(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
    state_->cv.notify_all();
  }
  for (std::thread& t : state_->workers) t.join();
  {
    std::lock_guard lock(state_->mu);
    state_->cv.notify_all();  // the watchdog sees the last attempt gone
  }
  state_->watchdog.join();
}

void WebhookSender::Send(int64_t id, const std::string& url, const std::string& json, int attempts_so_far,
                         std::chrono::milliseconds delay) {
  std::lock_guard lock(state_->mu);
  if (state_->stop) return;
  state_->queue.push_back({id, url, json, OriginOf(url), attempts_so_far, State::Clock::now() + delay, ""});
  state_->cv.notify_all();
}

std::vector<WebhookOutcome> WebhookSender::Wait(std::chrono::milliseconds max_wait) {
  std::unique_lock lock(state_->mu);
  state_->cv.wait_for(lock, max_wait, [&] { return state_->queue.empty() && state_->active == 0; });
  std::vector<WebhookOutcome> out = state_->done;
  for (const auto& item : state_->queue) out.push_back({item.id, false, false, item.attempts, item.error});
  return out;
}

}  // namespace convsent
