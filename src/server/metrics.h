// The server's metrics at GET /metrics (docs/server.md, "Metrics"):
// requests and their latency by route, the scoring rate, the writer's
// queue and the review queue. Thread-safe.
#ifndef CONVSENT_SRC_SERVER_METRICS_H_
#define CONVSENT_SRC_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "convsent/conversation.h"
#include "util/mutex.h"

namespace convsent::server {

class Metrics {
 public:
  // One answered request of `route`, in `seconds`.
  void Request(const std::string& route, int status, double seconds) {
    MutexLock lock(mu_);
    ++requests_[{route, status}];
    auto& h = latency_[route];
    for (size_t i = 0; i < kBuckets.size(); ++i) h.counts[i] += seconds <= kBuckets[i];
    h.sum += seconds;
    ++h.count;
  }
  // `n` messages scored.
  void Scored(int64_t n) {
    scored_ += n;
    MutexLock lock(mu_);
    const int64_t second = NowMs() / 1000;
    if (rate_.empty() || rate_.back().first != second) rate_.push_back({second, 0});
    rate_.back().second += n;
    while (!rate_.empty() && rate_.front().first < second - 10) rate_.pop_front();
  }
  // The Prometheus text exposition of what was counted, with two gauges
  // the caller reads: changes waiting for the writer, open review items.
  std::string Render(size_t write_queue, int64_t review_open);

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};
  struct Histogram {
    std::array<int64_t, 12> counts{};
    double sum = 0;
    int64_t count = 0;
  };
  Mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_ GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ GUARDED_BY(mu_);
  std::deque<std::pair<int64_t, int64_t>> rate_ GUARDED_BY(mu_);
  std::atomic<int64_t> scored_{0};
};

}  // namespace convsent::server

#endif  // CONVSENT_SRC_SERVER_METRICS_H_
