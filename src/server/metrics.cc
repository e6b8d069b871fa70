#include "server/metrics.h"

#include <cstdio>

namespace convsent::server {

std::string Metrics::Render(size_t write_queue, int64_t review_open) {
  MutexLock lock(mu_);
  std::string out;
  out +=
      "# HELP convsent_http_requests_total HTTP requests by route and status.\n"
      "# TYPE convsent_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "convsent_http_requests_total{route=\"" + key.first + "\",code=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  }
  out +=
      "# HELP convsent_http_request_duration_seconds Request latency by route.\n"
      "# TYPE convsent_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof(le), "%g", kBuckets[i]);
      out += "convsent_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"" + le + "\"} " +
             std::to_string(h.counts[i]) + "\n";
    }
    out += "convsent_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "convsent_http_request_duration_seconds_sum{route=\"" + route + "\"} " + std::to_string(h.sum) + "\n";
    out += "convsent_http_request_duration_seconds_count{route=\"" + route + "\"} " + std::to_string(h.count) + "\n";
  }
  int64_t last10 = 0;
  const int64_t now = NowMs() / 1000;
  for (const auto& [second, n] : rate_) last10 += second >= now - 10 && second < now ? n : 0;
  out +=
      "# HELP convsent_messages_scored_total Messages scored since start.\n# TYPE convsent_messages_scored_total "
      "counter\n";
  out += "convsent_messages_scored_total " + std::to_string(scored_.load()) + "\n";
  out +=
      "# HELP convsent_scoring_rate Messages scored per second over the last 10 seconds.\n# TYPE convsent_scoring_rate "
      "gauge\n";
  out += "convsent_scoring_rate " + std::to_string(static_cast<double>(last10) / 10.0) + "\n";
  out +=
      "# HELP convsent_write_queue_length Changes waiting for the writer.\n# TYPE convsent_write_queue_length gauge\n";
  out += "convsent_write_queue_length " + std::to_string(write_queue) + "\n";
  out +=
      "# HELP convsent_review_queue_open Conversations waiting in the review queue.\n# TYPE convsent_review_queue_open "
      "gauge\n";
  out += "convsent_review_queue_open " + std::to_string(review_open) + "\n";
  return out;
}

}  // namespace convsent::server
