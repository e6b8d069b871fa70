// Where conversations, their message scores and rollups live.
//
// Store is an interface: SQLite (one file, the default) implements it today,
// and a PostgreSQL implementation can follow. Open() picks the
// implementation from the location: a path is a SQLite file.
//
// Contract:
// - PutConversation replaces any stored conversation with the same id, its
//   messages, scores and rollups included: ingest is idempotent.
// - Scores are kept per model version: scoring again with another model
//   adds that model's scores beside the old ones.
// - Writes between Begin() and Commit() are atomic; a crash loses at most
//   the uncommitted batch and never corrupts what was committed.
//
// Thread safety: one Store per thread.
#ifndef CONVSENT_STORE_H_
#define CONVSENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/status.h"

namespace convsent {

inline constexpr int kStoreSchemaVersion = 1;

// The JSON columns of a stored conversation. Encoding is pure, so ingest
// does it on the scoring threads and leaves the writer only the inserts.
struct EncodedConversation {
  std::string tags, attributes, events, messages, scores, movers;
};
EncodedConversation EncodeConversation(const ScoredConversation& c);

// What the report needs of one conversation: its segments, its tone under
// one method, and its facts.
struct ReportRow {
  int64_t created_at_ms = 0;
  std::string channel, topic, team;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool has_customer = false;
  Sentiment tone = Sentiment::kNeutral;
  float score5 = 3;
  std::string model;  // the method version of this tone
  std::optional<int64_t> first_response_ms;
  int escalated = 0, reopened = 0;
  std::optional<int> csat, nps;
};

struct StoreInfo {
  int schema_version = 0;
  int64_t conversations = 0;
  int64_t messages = 0;
  std::vector<std::string> models;  // versions with scores stored
  std::string current_model;
};

class Store {
 public:
  virtual ~Store() = default;

  // Opens (creating or migrating as needed) the store at `location`.
  static Result<std::unique_ptr<Store>> Open(const std::string& location);

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Records `version` as a scoring method and returns its id.
  virtual Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) = 0;
  // The model whose scores reads return by default.
  virtual Status SetCurrentModel(const std::string& version) = 0;

  // Stores `c` (replacing the same id) with scores from `model_id`.
  // `encoded`, when given, is EncodeConversation(c).
  virtual Status PutConversation(const ScoredConversation& c, int64_t model_id,
                                 const EncodedConversation* encoded = nullptr) = 0;
  // Adds or replaces one model's scores and rollup of a stored conversation.
  virtual Status PutScores(const std::string& id, const ScoredConversation& c, int64_t model_id) = 0;

  // A stored conversation with the scores of `model` (the current model
  // when empty). nullopt when the id is unknown.
  virtual Result<std::optional<ScoredConversation>> GetConversation(const std::string& id,
                                                                    const std::string& model = "") = 0;

  // Calls `fn` for every stored conversation (without scores), in id
  // order, `from_ms`..`to_ms` by created_at when given.
  virtual Status ForEachConversation(const std::function<Status(const Conversation&)>& fn,
                                     std::optional<int64_t> from_ms = std::nullopt,
                                     std::optional<int64_t> to_ms = std::nullopt) = 0;

  // Calls `fn` for each conversation created in [from_ms, to_ms), with its
  // tone from the current model, or, where the current model has not scored
  // it, from the latest model that did.
  virtual Status ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) = 0;

  virtual Result<StoreInfo> Info() = 0;
};

// The default location: $CONVSENT_DB, else ./convsent.db.
std::string DefaultStoreLocation();

}  // namespace convsent

#endif  // CONVSENT_STORE_H_
