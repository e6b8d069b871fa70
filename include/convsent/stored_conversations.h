// The conversations of a store: each with its messages, every model's
// scores and rollup, and the narrow row the report and the tree scan.
//
// Contract:
// - Put replaces any stored conversation with the same id, its messages,
//   scores and rollups included: ingest is idempotent.
// - Scores are kept per model version: scoring again with another model
//   adds that model's scores beside the old ones (PutScores).
//
// The record family every store has (store.h, HACKING.md): a Store hands
// out its StoredConversations, which reads and writes on the store's
// connection, in its transaction. Thread safety: as its Store.
#ifndef CONVSENT_STORED_CONVERSATIONS_H_
#define CONVSENT_STORED_CONVERSATIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/status.h"

namespace convsent {

// The JSON columns of a stored conversation. Encoding is pure, so ingest
// does it on the scoring threads and leaves the writer only the inserts.
struct EncodedConversation {
  std::string tags, attributes, events, messages, scores, movers;
  uint64_t detectors = 0;  // DetectInConversation(), packed
};
EncodedConversation EncodeConversation(const ScoredConversation& c);
// The pieces, for a conversation that grows one message at a time: the
// server encodes the new message on its handler thread and appends.
void AppendMessageJson(const Message& m, std::string* out);
void AppendScoreJson(const std::optional<MessageScore>& score, std::string* out);
std::string MoversJson(const ConversationRollup& r);
void AppendToEncoded(const std::string& message_json, const std::string& score_json, EncodedConversation* e);

// A value a conversation can be segmented by: ("channel", "chat"),
// ("tag", "double-charge"), or an attribute such as ("agent", "a-07").
struct SegmentValue {
  std::string dimension, value;
  bool operator==(const SegmentValue&) const = default;
};

// A dimension keeps at most this many values as segments: an attribute
// with a value per customer is not a segment.
inline constexpr int64_t kMaxSegmentValues = 10000;

// The names behind the ids in ReportRow. Id 0 is never used.
struct ReportDictionary {
  std::vector<std::string> capped_dimensions;  // reached kMaxSegmentValues: later values are not segments
  std::vector<SegmentValue> segments;  // segment id -> value
  std::vector<std::string> models;     // model id -> version
  // The id of a value, adding it when new (hand-made rows in tests).
  uint32_t InternSegment(const std::string& dimension, const std::string& value);
  uint32_t InternModel(const std::string& version);
  std::optional<uint32_t> FindSegment(const std::string& dimension, const std::string& value) const;
};

// What the report and the metric tree read of one conversation: its tone
// under one method, its facts, what the text detectors found, and its
// segments. The store keeps one narrow row of this per conversation, so a
// report over a million conversations reads no JSON and no message.
struct ReportRow {
  int64_t created_at_ms = 0;
  uint32_t model = 0;                 // ReportDictionary::models id: the method of this tone
  bool has_customer = false;          // false: no customer message, no tone
  Sentiment tone = Sentiment::kNeutral;
  float score5 = 3;
  Trajectory trajectory = Trajectory::kSteady;
  std::optional<Sentiment> agent_tone;
  std::optional<int64_t> first_response_ms, longest_wait_ms, resolution_ms;
  int agent_replies = 0, customer_turns = 0, handoffs = 0, escalated = 0, reopened = 0;
  std::optional<int> csat, nps;
  uint64_t detectors = 0;             // DetectorCounts::packed()
  std::optional<Sentiment> human;     // a person's latest label of its tone, when there is one
  std::optional<Sentiment> audit;     // the latest from a random audit (convsent/labels.h), when there is one
  std::vector<uint32_t> segments;     // ReportDictionary::segments ids
};

// The report row of one scored conversation (without segment ids).
ReportRow ReportRowOf(const ScoredConversation& c);

class StoredConversations {
 public:
  virtual ~StoredConversations() = default;

  // Stores `c` (replacing the same id) with scores from `model_id`.
  // `encoded`, when given, is EncodeConversation(c).
  virtual Status Put(const ScoredConversation& c, int64_t model_id,
                     const EncodedConversation* encoded = nullptr) = 0;
  // Stores the new state of a stored conversation that only gained
  // messages at its end (its tags, attributes and events unchanged): fewer
  // writes than Put. `encoded` is its full EncodedConversation.
  virtual Status Append(const ScoredConversation& c, int64_t model_id,
                        const EncodedConversation& encoded) = 0;
  // Adds or replaces one model's scores and rollup of a stored conversation.
  virtual Status PutScores(const std::string& id, const ScoredConversation& c, int64_t model_id) = 0;

  // A stored conversation with the scores of `model` (the current model
  // when empty). nullopt when the id is unknown.
  virtual Result<std::optional<ScoredConversation>> Get(const std::string& id,
                                                        const std::string& model = "") = 0;

  // Calls `fn` for every stored conversation (without scores), in id
  // order, `from_ms`..`to_ms` by created_at when given.
  virtual Status ForEach(const std::function<Status(const Conversation&)>& fn,
                         std::optional<int64_t> from_ms = std::nullopt,
                         std::optional<int64_t> to_ms = std::nullopt) = 0;

  // Calls `fn` for each conversation created in [from_ms, to_ms), with its
  // tone from the current model, or, where the current model has not scored
  // it, from the latest model that did.
  // The row passed to `fn` is reused: copy what must outlive the call.
  virtual Status ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) = 0;
  virtual Result<ReportDictionary> LoadReportDictionary() = 0;
  // When the newest stored conversation was created; nullopt when none is.
  virtual Result<std::optional<int64_t>> LatestCreatedAt() = 0;
  // Calls `fn` for each conversation created in [from_ms, to_ms) whose
  // report row (as ScanForReport gives it) has a customer tone of `tone`
  // (any, when nullopt), with that row and the conversation's id and
  // messages (nothing else of it): what discovery and the tree's phrase
  // drivers read. Both are reused between calls.
  virtual Status ScanMessages(int64_t from_ms, int64_t to_ms, std::optional<Sentiment> tone,
                              const std::function<Status(const Conversation&, const ReportRow&)>& fn) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_STORED_CONVERSATIONS_H_
