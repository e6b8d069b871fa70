// Scoring one message: probabilities of negative/neutral/positive, a compound
// score in [-1, 1], a 1-5 score and the tokens that moved it.
//
// Contract: every input gets an answer. Empty or whitespace-only text is
// neutral; invalid UTF-8 is repaired (and counted); text beyond
// ScoreOptions::max_bytes is not read. The same text and model always give
// the same score.
//
// Thread safety: a Scorer keeps scratch buffers; use one per thread. Many
// Scorers may share one Model.
#ifndef CONVSENT_SCORER_H_
#define CONVSENT_SCORER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/model.h"
#include "convsent/text.h"

namespace convsent {

enum class Sentiment : uint8_t { kNegative = 0, kNeutral = 1, kPositive = 2 };
inline constexpr int kNumClasses = 3;

std::string_view SentimentName(Sentiment s);
// Parses "negative" | "neutral" | "positive".
bool ParseSentiment(std::string_view name, Sentiment* out);

struct Contribution {
  std::string token;  // the token as written in the message
  float weight = 0;   // push toward positive (> 0) or negative (< 0), in logits
};

struct MessageScore {
  Sentiment label = Sentiment::kNeutral;
  std::array<float, kNumClasses> p{0, 1, 0};  // indexed by Sentiment
  float compound = 0;   // p(positive) - p(negative), in [-1, 1]
  float score5 = 3;     // 3 + 2 * compound, in [1, 5]
  std::vector<Contribution> explain;  // largest |weight| first
  uint32_t invalid_utf8_bytes = 0;
  bool truncated = false;
};

struct ScoreOptions {
  int explain = 3;                  // how many contributions to list
  size_t max_bytes = 64 * 1024;     // longer text is cut at a UTF-8 boundary
};

class FeatureExtractor;

class Scorer {
 public:
  explicit Scorer(std::shared_ptr<const Model> model);
  ~Scorer();
  Scorer(Scorer&&) noexcept;

  MessageScore Score(std::string_view text, const ScoreOptions& options = {});
  // Same, reusing `out`'s storage.
  void Score(std::string_view text, const ScoreOptions& options, MessageScore* out);

  const Model& model() const { return *model_; }

 private:
  std::shared_ptr<const Model> model_;
  std::unique_ptr<FeatureExtractor> features_;
};

// A Scorer per thread, and the one way a batch is split between them (the
// score command and ingest share it; the server's handlers each score their
// own request on their own thread).
class ScorerPool {
 public:
  // `threads` is clamped to 1..64.
  ScorerPool(std::shared_ptr<const Model> model, int threads);
  size_t size() const { return scorers_.size(); }
  // Splits [0, n) into size() contiguous parts and calls
  // fn(scorer, begin, end, part) for each (a part may be empty): the first on the
  // calling thread, the others on threads started for the call. Returns
  // when all are done. `on_thread`, when set, runs first on each started
  // thread (ingest lowers their priority).
  void ForEachPart(size_t n, const std::function<void(Scorer&, size_t, size_t, size_t)>& fn,
                   const std::function<void()>& on_thread = nullptr);

 private:
  std::vector<Scorer> scorers_;
};

}  // namespace convsent

#endif  // CONVSENT_SCORER_H_
