// Where conversations, their message scores and rollups live.
//
// Store is an interface with two implementations: SQLite (one file, the
// default) and PostgreSQL (one database that several workers and servers
// share, docs/deployment.md). Open() picks one from the location: a
// postgresql:// URL, else a path to a SQLite file.
//
// A Store is the connection: transactions, the scoring models, settings,
// and the record families, each an interface of its own that reads and
// writes in the store's transaction: the conversations
// (stored_conversations.h), alerts, API keys, and so on.
//
// Contract:
// - Writes between Begin() and Commit() are atomic; a crash loses at most
//   the uncommitted batch and never corrupts what was committed. A write
//   may report its error only at Commit() (PostgreSQL sends the writes of a
//   batch without waiting for each answer).
//
// Thread safety: one Store per thread.
#ifndef CONVSENT_STORE_H_
#define CONVSENT_STORE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "convsent/alerts.h"
#include "convsent/api_keys.h"
#include "convsent/backlog.h"
#include "convsent/conversation.h"
#include "convsent/interventions.h"
#include "convsent/labels.h"
#include "convsent/live_log.h"
#include "convsent/redact.h"
#include "convsent/review_queue.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/status.h"
#include "convsent/stored_conversations.h"
#include "convsent/webhook_deliveries.h"

namespace convsent {

inline constexpr int kStoreSchemaVersion = 9;

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
  // Where it was opened: another connection to the same store opens this.
  virtual const std::string& location() const = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // For a long-running writer: commits stop copying the log into the store
  // (a pause of a fraction of a second each time); Checkpoint() does it,
  // from another connection, without blocking the writer. `false` gives
  // the copying back to the commits. FailedPrecondition: the store has no
  // such log to manage (PostgreSQL checkpoints on its own).
  virtual Status DeferCheckpoints(bool defer = true) = 0;
  // `restart`: also start the log over from its beginning once it is all
  // copied, so that it stops growing; it waits for the copy of what is left
  // (little, when another connection checkpoints often). Busy: no error.
  virtual Status Checkpoint(bool restart = false) = 0;
  // Starts writing what changed to disk without waiting for it (SQLite:
  // the database file and its log), so that the next checkpoint's sync has
  // little left to wait for. The server calls it often; others need not.
  virtual Status StartWriteback() { return Status::Ok(); }
  // Nested inside a transaction: undo part of it.
  virtual Status Savepoint() = 0;
  virtual Status Release() = 0;
  virtual Status RollbackToSavepoint() = 0;

  // Records `version` as a scoring method and returns its id.
  virtual Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) = 0;
  // The model whose scores reads return by default.
  virtual Status SetCurrentModel(const std::string& version) = 0;

  virtual Result<StoreInfo> Info() = 0;

  // The store's settings, kept in it so that every process writing it
  // follows them: "redact" (StoredRedaction). Empty: never set.
  virtual Result<std::string> Setting(const std::string& key) = 0;
  virtual Status SetSetting(const std::string& key, const std::string& value) = 0;

  // Record families with an interface of their own (HACKING.md): each
  // works on this store's connection, in its transaction.
  virtual StoredConversations& conversations() = 0;
  virtual Alerts& alerts() = 0;
  virtual ApiKeys& api_keys() = 0;
  virtual Backlog& backlog() = 0;
  virtual Interventions& interventions() = 0;
  virtual Labels& labels() = 0;
  virtual ReviewItems& review_items() = 0;
  virtual WebhookDeliveries& webhook_deliveries() = 0;
  // Only a store that one process writes has a live log; null otherwise.
  virtual LiveLog* live_log() { return nullptr; }

  // Inside a transaction: whether another connection (an ingest, a worker,
  // the sqlite3 shell) committed a change since this one's previous call.
  // The live log's writer drops what it cached then. A shared store's
  // writer reads through its cache anyway (shared()).
  virtual Result<bool> ChangedElsewhere() { return false; }

  // Several processes may write this store at once (PostgreSQL): what a
  // process cached of it may be stale. A conversation read inside a
  // transaction is then held until the transaction ends.
  virtual bool shared() const { return false; }
  // Announcements between the processes that share a store, so that a
  // review-queue change made through one server reaches the live streams of
  // the others. Announce() is delivered when the transaction commits (and
  // dropped if it rolls back); AwaitAnnouncements() waits up to
  // `timeout_ms` for the announcements of other connections. A store that
  // is not shared announces to no one, and cannot await.
  virtual Status Announce(const std::string& payload) { return Status::Ok(); }
  virtual Result<std::vector<std::string>> AwaitAnnouncements(int timeout_ms) {
    return Status::FailedPrecondition("only a shared store (PostgreSQL) carries announcements");
  }
};

// For a long-running writer on a SQLite store, whose commits no longer copy
// the log into the store (Store::DeferCheckpoints, on the writer's own
// connection): a thread with a connection of its own checkpoints every
// `period`, and with `start_writeback` first starts writing the changed
// pages to disk, so that each checkpoint has little left to sync. Nothing
// on a shared store (PostgreSQL checkpoints on its own) or one that cannot
// be opened. The thread stops when this is destroyed.
class BackgroundCheckpoints {
 public:
  BackgroundCheckpoints(const std::string& location, std::chrono::milliseconds period, bool start_writeback);
  ~BackgroundCheckpoints();
  BackgroundCheckpoints(const BackgroundCheckpoints&) = delete;
  BackgroundCheckpoints& operator=(const BackgroundCheckpoints&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// What the store masks in the text it keeps (its "redact" setting, off
// unless set: docs/store-and-ingest.md, "Redaction").
Result<Redaction> StoredRedaction(Store& store);
// Masks, in place, what `r` names in the texts, authors and attribute values
// of `sc` and in the tokens of its explanations, before it is stored. The
// scores, computed on the original text, stay as they are.
void RedactForStorage(const Redaction& r, ScoredConversation* sc);
void RedactForStorage(const Redaction& r, Message* m, std::optional<MessageScore>* score);

// The default location: $CONVSENT_DB, else ./convsent.db.
std::string DefaultStoreLocation();

}  // namespace convsent

#endif  // CONVSENT_STORE_H_
