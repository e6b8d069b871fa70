// The review queue's event stream (GET /v1/queue/events, docs/server.md):
// events numbered in order, the last 1,000 kept so that a client that
// reconnects with Last-Event-ID misses nothing recent. Thread-safe.
#ifndef CONVSENT_SRC_SERVER_EVENTS_H_
#define CONVSENT_SRC_SERVER_EVENTS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace convsent::server {

class EventHub {
 public:
  struct Event {
    int64_t id;
    std::string type, data;
  };
  void Publish(std::string type, std::string data) {
    {
      std::lock_guard lock(mu_);
      events_.push_back({next_++, std::move(type), std::move(data)});
      if (events_.size() > 1000) events_.pop_front();
    }
    cv_.notify_all();
  }
  // Events after `after`, waiting at most `timeout` for one.
  std::vector<Event> After(int64_t after, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return stop_ || (!events_.empty() && events_.back().id > after); });
    std::vector<Event> out;
    for (const auto& e : events_) {
      if (e.id > after) out.push_back(e);
    }
    return out;
  }
  int64_t last() {
    std::lock_guard lock(mu_);
    return next_ - 1;
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mu_);
    return stop_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  int64_t next_ = 1;
  bool stop_ = false;
};

}  // namespace convsent::server

#endif  // CONVSENT_SRC_SERVER_EVENTS_H_
