// ScorerPool: how a batch is split between its scorers.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "convsent/model.h"
#include "convsent/scorer.h"

namespace convsent {
namespace {

struct Part {
  const Scorer* scorer;
  size_t begin, end, index;
};

std::vector<Part> Split(ScorerPool& pool, size_t n) {
  std::mutex mu;
  std::vector<Part> parts;
  pool.ForEachPart(n, [&](Scorer& s, size_t begin, size_t end, size_t index) {
    std::lock_guard lock(mu);
    parts.push_back({&s, begin, end, index});
  });
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.index < b.index; });
  return parts;
}

TEST(ScorerPool, EveryItemIsInExactlyOnePartInOrder) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  ScorerPool pool(*model, 3);
  ASSERT_EQ(pool.size(), 3u);
  for (const size_t n : {0u, 1u, 2u, 3u, 10u, 4097u}) {
    const std::vector<Part> parts = Split(pool, n);
    ASSERT_FALSE(parts.empty()) << n;
    size_t next = 0;
    std::set<const Scorer*> scorers;
    for (const Part& p : parts) {
      EXPECT_EQ(p.begin, next) << "n=" << n << " part " << p.index;
      EXPECT_LE(p.begin, p.end);
      next = p.end;
      EXPECT_TRUE(scorers.insert(p.scorer).second) << "two parts share a scorer";
    }
    EXPECT_EQ(next, n);
    EXPECT_LE(parts.size(), 3u);
  }
}

TEST(ScorerPool, ThreadsAreClampedAndPartsRunAtOnce) {
  auto model = Model::Embedded();
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(ScorerPool(*model, 0).size(), 1u);
  EXPECT_EQ(ScorerPool(*model, 1000).size(), 64u);
  // Two parts that each wait for the other finish only if they run at once.
  ScorerPool pool(*model, 2);
  std::atomic<int> arrived{0};
  std::set<std::thread::id> threads;
  std::mutex mu;
  pool.ForEachPart(
      2,
      [&](Scorer&, size_t, size_t, size_t) {
        {
          std::lock_guard lock(mu);
          threads.insert(std::this_thread::get_id());
        }
        ++arrived;
        while (arrived.load() < 2) std::this_thread::yield();
      },
      [] {});
  EXPECT_EQ(threads.size(), 2u);
}

}  // namespace
}  // namespace convsent
