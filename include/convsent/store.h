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

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convsent/alerts.h"
#include "convsent/announcements.h"
#include "convsent/api_keys.h"
#include "convsent/backlog.h"
#include "convsent/checkpoints.h"
#include "convsent/conversation.h"
#include "convsent/discovered_issues.h"
#include "convsent/interventions.h"
#include "convsent/labels.h"
#include "convsent/live_log.h"
#include "convsent/redact.h"
#include "convsent/review_queue.h"
#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/status.h"
#include "convsent/stored_conversations.h"
#include "convsent/sync_cursors.h"
#include "convsent/webhook_deliveries.h"
#include "convsent/write_backs.h"

namespace convsent {

inline constexpr int kStoreSchemaVersion = 12;

struct StoreInfo {
  int schema_version = 0;
  int64_t conversations = 0;
  // Customers' turns and agents' replies: a bot's messages and internal
  // notes are kept with their conversation but not counted here.
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
  // Whether a transaction is open on this connection.
  virtual bool in_transaction() const = 0;
  // Runs `writes` in one transaction: committed when it returns OK (the
  // commit's error, if any, returned), rolled back and its error returned
  // when not. What a write path needs instead of pairing the three above.
  // Inside an open transaction (ingest --strict's one, the server's group
  // commit) it is a savepoint of it: undone alone when `writes` fails, and
  // committed with the rest.
  Status InTransaction(const std::function<Status()>& writes);
  // Nested inside a transaction: undo part of it.
  virtual Status Savepoint() = 0;
  virtual Status Release() = 0;
  virtual Status RollbackToSavepoint() = 0;

  // Records `version` as a scoring method and returns its id.
  virtual Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) = 0;
  // The model whose scores reads return by default.
  virtual Status SetCurrentModel(const std::string& version) = 0;
  // That model's version ("" before any): one read, where Info() counts
  // every conversation and message (a scan of the table).
  virtual Result<std::string> CurrentModel() = 0;
  // How many conversations it holds (an index's count, not Info()'s scan):
  // what /healthz reports, on every load balancer's probe.
  virtual Result<int64_t> ConversationCount() = 0;

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
  virtual DiscoveredIssues& discovered_issues() = 0;
  virtual Interventions& interventions() = 0;
  virtual Labels& labels() = 0;
  virtual ReviewItems& review_items() = 0;
  virtual SyncCursors& sync_cursors() = 0;
  virtual WriteBacks& write_backs() = 0;
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
  // Only a shared store carries announcements between its processes, and
  // only a store with a log to manage has checkpoints; null otherwise.
  virtual Announcements* announcements() { return nullptr; }
  virtual Checkpoints* checkpoints() { return nullptr; }
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
