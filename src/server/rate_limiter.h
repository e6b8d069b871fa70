// A token bucket per name (an API key, a client address): `rate` requests a
// second on average, bursts of up to one second's worth. Thread-safe.
#ifndef CONVSENT_SRC_SERVER_RATE_LIMITER_H_
#define CONVSENT_SRC_SERVER_RATE_LIMITER_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <unordered_map>

#include "util/mutex.h"

namespace convsent {

class RateLimiter {
 public:
  // `rate` <= 0: no limit.
  explicit RateLimiter(double rate) : rate_(rate) {}

  // Takes a token of `name`'s bucket; false when it is empty.
  bool Allow(const std::string& name) {
    if (rate_ <= 0) return true;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    MutexLock lock(mu_);
    // Bounded: a flood of names cannot grow it (a full bucket is what a
    // forgotten name gets back).
    if (buckets_.size() > 100000) buckets_.clear();
    auto [it, fresh] = buckets_.try_emplace(name, Bucket{rate_, now});
    Bucket& b = it->second;
    b.tokens = std::min(rate_, b.tokens + (now - b.at) * rate_);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  // Whether `name`'s bucket is empty, without taking a token: where only
  // failures take one (refused webhooks), a request is checked first.
  bool Empty(const std::string& name) {
    if (rate_ <= 0) return false;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    MutexLock lock(mu_);
    const auto it = buckets_.find(name);
    return it != buckets_.end() && std::min(rate_, it->second.tokens + (now - it->second.at) * rate_) < 1;
  }

 private:
  struct Bucket {
    double tokens;
    double at;  // seconds, steady clock
  };
  const double rate_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
};

}  // namespace convsent

#endif  // CONVSENT_SRC_SERVER_RATE_LIMITER_H_
