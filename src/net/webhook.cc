#include "convsent/webhook.h"

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace convsent {

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
