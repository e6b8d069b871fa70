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
#include <optional>
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
  std::string token;  // a word, emoji or phrase ("charged twice"), as written in the message
  float weight = 0;   // push toward positive (> 0) or negative (< 0), in logits
};

// What a later turn's score may use of this one: a few numbers, not its
// words. Every Score() fills one.
struct TurnSummary {
  float lex_positive = 0, lex_negative = 0, lex_compound = 0;  // its lexicon features
  bool negator = false;   // it holds a negation ("there are no trains")
  bool question = false;  // it asked something
  std::array<uint64_t, 4> words{};  // its content words, as a 256-bit set
};

// The conversation a message comes in. Empty for a lone message.
struct TurnContext {
  const TurnSummary* reply_to = nullptr;      // the latest turn by another speaker
  const TurnSummary* own_previous = nullptr;  // the speaker's own previous turn
  bool empty() const { return reply_to == nullptr && own_previous == nullptr; }
};

// Follows one conversation turn by turn and says what each next turn's
// context is. Training, evaluation, ingest and the server all walk
// conversations with it, so what "context" means is defined once.
class ContextTracker {
 public:
  // The context of the next turn by `speaker` (a role or a name). Its
  // pointers stay valid until the next Add().
  TurnContext Next(std::string_view speaker) const;
  // Records the turn just scored.
  void Add(std::string_view speaker, const TurnSummary& summary);
  void Clear() { turns_.clear(), last_ = -1; }

 private:
  struct Turn {
    std::string speaker;
    TurnSummary summary;
    int64_t order = 0;
  };
  std::vector<Turn> turns_;  // the latest turn of each speaker
  int64_t last_ = -1;
};

struct MessageScore {
  Sentiment label = Sentiment::kNeutral;
  std::array<float, kNumClasses> p{0, 1, 0};  // indexed by Sentiment
  float compound = 0;   // p(positive) - p(negative), in [-1, 1]
  float score5 = 3;     // 3 + 2 * compound, in [1, 5]
  std::vector<Contribution> explain;  // largest |weight| first
  uint32_t invalid_utf8_bytes = 0;
  bool truncated = false;
  // The score used the conversation around the message (the model reads
  // context and some was given).
  bool context = false;
  // The message's language, as identified (or as given in ScoreOptions);
  // its model scored it. kUnd: none could be told, the English model scored it.
  Language language = Language::kEnglish;
  bool language_given = false;  // from ScoreOptions (a help desk's locale, --lang), not identified
  TurnSummary turn;  // for the turns after this one
};

struct ScoreOptions {
  int explain = 3;                  // how many contributions to list
  size_t max_bytes = 64 * 1024;     // longer text is cut at a UTF-8 boundary
  // The message's language, when known (a help desk's locale, --lang):
  // its model scores it. Unset, a model with languages identifies it.
  std::optional<Language> language;
};

class FeatureExtractor;
struct FeatureVector;

class Scorer {
 public:
  explicit Scorer(std::shared_ptr<const Model> model);
  ~Scorer();
  Scorer(Scorer&&) noexcept;

  MessageScore Score(std::string_view text, const ScoreOptions& options = {});
  // Same, reusing `out`'s storage; `context`, when given, is the
  // conversation the message comes in (see ContextTracker).
  void Score(std::string_view text, const ScoreOptions& options, MessageScore* out,
             const TurnContext& context = {});
  // Whether the model weighs context at all: without it, Score() ignores
  // `context` and no stored score says it used one.
  bool reads_context() const;
  // Takes the context of a message into a score Score() made without it
  // (what Score() with the context gives, to float rounding). The server
  // scores on the handler's thread and adds the context on the writer's,
  // where the conversation is.
  void AddContext(const TurnContext& context, MessageScore* score) const;

  const Model& model() const { return *model_; }

 private:
  // The scorer of `language`'s model, made on first use.
  Scorer& Other(Language language);
  // Scores the tokens features_ holds: Score() after tokenizing.
  void ScoreTokens(const ScoreOptions& options, MessageScore* out, const TurnContext& context);
  // Fills out->explain with at most `limit` reasons from the features of
  // the tokens features_ holds.
  void Explain(const FeatureVector& fv, size_t limit, MessageScore* out) const;

  std::shared_ptr<const Model> model_;
  std::unique_ptr<FeatureExtractor> features_;
  std::array<std::unique_ptr<Scorer>, kNumLanguages> others_;
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
