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

#include "util/mutex.h"

namespace convsent::server {

class EventHub {
 public:
  struct Event {
    int64_t id;
    std::string type, data;
  };
  void Publish(std::string type, std::string data) {
    {
      MutexLock lock(mu_);
      events_.push_back({next_++, std::move(type), std::move(data)});
      if (events_.size() > 1000) events_.pop_front();
    }
    cv_.notify_all();
  }
  // Events after `after`, waiting at most `timeout` for one.
  std::vector<Event> After(int64_t after, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(mu_);
    while (!stop_ && (events_.empty() || events_.back().id <= after)) {
      if (cv_.wait_until(lock.native(), deadline) == std::cv_status::timeout) break;
    }
    std::vector<Event> out;
    for (const auto& e : events_) {
      if (e.id > after) out.push_back(e);
    }
    return out;
  }
  int64_t last() {
    MutexLock lock(mu_);
    return next_ - 1;
  }
  void Stop() {
    {
      MutexLock lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  bool stopped() {
    MutexLock lock(mu_);
    return stop_;
  }

 private:
  Mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_ GUARDED_BY(mu_);
  int64_t next_ GUARDED_BY(mu_) = 1;
  bool stop_ GUARDED_BY(mu_) = false;
};

}  // namespace convsent::server

#endif  // CONVSENT_SRC_SERVER_EVENTS_H_
