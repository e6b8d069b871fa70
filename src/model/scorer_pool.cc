#include <algorithm>
#include <thread>

#include "convsent/scorer.h"

namespace convsent {

ScorerPool::ScorerPool(std::shared_ptr<const Model> model, int threads) {
  const int n = std::clamp(threads, 1, 64);
  scorers_.reserve(static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) scorers_.emplace_back(model);
}

void ScorerPool::ForEachPart(size_t n, const std::function<void(Scorer&, size_t, size_t, size_t)>& fn,
                             const std::function<void()>& on_thread) {
  const size_t parts = scorers_.size();
  const size_t per = (n + parts - 1) / parts;
  auto part = [&](size_t t) { fn(scorers_[t], std::min(n, t * per), std::min(n, (t + 1) * per), t); };
  // Threads are started per call: a batch takes milliseconds, a thread's
  // start microseconds, and nothing is left running between batches.
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < parts && t * per < n; ++t) {
    helpers.emplace_back([&, t] {
      if (on_thread) on_thread();
      part(t);
    });
  }
  part(0);
  for (std::thread& h : helpers) h.join();
}

}  // namespace convsent
