// The store's single writer: every change to the store by the server and
// by ingest (the worker's and import's too) is an operation run on one
// thread, many per transaction (group commit). Submit returns only after
// the operation's transaction committed, so the server's answer of 2xx
// means stored; an operation that fails is rolled back alone (a savepoint
// each) and the others of its group still commit. Opened inside a
// transaction of the caller's (ingest --strict), a group is a savepoint
// of it, committed or rolled back with it.
#ifndef CONVSENT_SRC_STORE_WRITER_H_
#define CONVSENT_SRC_STORE_WRITER_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "convsent/checkpoints.h"
#include "convsent/rollup.h"
#include "convsent/store.h"
#include "util/mutex.h"

namespace convsent {

// The rollup and facts of a conversation whose messages changed, from the
// scores it has: nothing is scored again.
void RefreshRollup(ScoredConversation* sc, const RollupOptions& options);

// A conversation as the writer keeps it: its state and its encoded
// columns, so that a new message is appended rather than re-encoded.
struct LiveConversation {
  ScoredConversation sc;
  EncodedConversation encoded;  // movers and detectors are brought up to date when folded
  bool queued = false;          // known to be in the review queue: no need to ask the store again
  int64_t unfolded_since_ms = 0;  // messages in the live log since then; 0: the store's rows are up to date
  std::vector<int64_t> logged;    // their seqs, deleted from the log once folded
  // The turns so far, for the context of the next one's score (models that
  // read context); made from the texts when first needed.
  std::optional<ContextTracker> context;
};

// What operations share on the writer thread.
//
// On a store with a live log (SQLite), a new message costs one append to
// the log; the conversation's rows (messages, scores, tone, report row) are
// rewritten once it has been quiet for kFoldDelay, with every message that
// arrived meanwhile, a few conversations per commit. Reads that must see
// the latest messages fold first (Fold, FoldAll). The live log, not this
// cache, is the truth: a conversation whose cached state is dropped (an
// operation rolled back, eviction) is rebuilt from its stored rows and its
// log, and so is every logged conversation when the server starts again.
class WriterContext {
 public:
  static constexpr int64_t kFoldDelayMs = 200;

  WriterContext(Store* store, int64_t model_id, RollupOptions rollup = {}, const Model* model = nullptr)
      : store_(store), model_id_(model_id), rollup_(rollup), model_(model) {}
  // The model whose scores are stored (and its id and rollup): changed only
  // by a reload (Server::ReloadModel), after the log is folded.
  const Model* model() const { return model_; }
  void SwitchModel(const Model* model, int64_t model_id, RollupOptions rollup) {
    model_ = model, model_id_ = model_id, rollup_ = rollup;
  }
  // How the conversations' tone is rolled up (the model's: RollupOptionsFor).
  const RollupOptions& rollup() const { return rollup_; }
  Store& store() { return *store_; }
  int64_t model_id() const { return model_id_; }

  // The live state of a conversation: from the cache, else the store (and
  // its live log), else nullptr. Recently used conversations stay cached,
  // so a message does not read its conversation back.
  Result<LiveConversation*> Find(const std::string& id);
  // A new conversation, not stored yet: Added() stores it.
  LiveConversation* Start(ScoredConversation sc);
  // Records the newest message of `live` (already in live->sc and
  // live->encoded): in the live log, or written through.
  Status Added(LiveConversation* live, const std::string& message_json, const std::string& score_json);
  // Stores a whole conversation (adding or replacing it) and caches it.
  Result<LiveConversation*> Put(ScoredConversation sc);

  // Brings the stored rows up to date: one conversation, those quiet for
  // kFoldDelayMs (oldest first, at most `limit`), or all.
  Status Fold(const std::string& id);
  Status FoldDue(int64_t now_ms, size_t limit);
  Status FoldAll();
  // When the next fold is due (ms since the epoch), or 0 if none is waiting.
  int64_t next_fold_ms() const { return due_.empty() ? 0 : due_.front().first; }
  // At start: every conversation with messages in the live log is folded
  // by the next FoldAll.
  Status Recover();

  // Forgets the cached state (after a rollback); logged messages are kept.
  void DropCache();

  // Run after the group's commit, in order (events, webhooks).
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  std::vector<std::function<void()>> TakeAfterCommit() { return std::exchange(after_commit_, {}); }
  size_t after_commit_size() const { return after_commit_.size(); }
  void TruncateAfterCommit(size_t n) { after_commit_.resize(n); }

 private:
  static constexpr size_t kCacheSize = 20000;
  LiveConversation* Cache(ScoredConversation sc, EncodedConversation encoded);  // adds or replaces
  void Touch(const std::string& id);
  void MarkUnfolded(LiveConversation* live);
  Result<LiveConversation*> Rebuild(const std::string& id);  // an orphan, from its rows and its log

  Store* store_;
  int64_t model_id_;
  RollupOptions rollup_;
  const Model* model_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::pair<LiveConversation, std::list<std::string>::iterator>> cache_;
  // Conversations with logged messages to fold: by when (oldest first; an
  // entry whose conversation was folded since is skipped), and those with
  // no cached state.
  std::deque<std::pair<int64_t, std::string>> due_;
  std::unordered_set<std::string> orphans_;
  std::vector<std::function<void()>> after_commit_;
};

struct WriterOptions {
  int64_t model_id = 0;   // whose scores are stored
  RollupOptions rollup;   // how conversations are rolled up (the model's)
  const Model* model = nullptr;
  // SQLite: the log is copied into the store by a thread with a connection
  // of its own, this often, rather than by the commits (0: by the commits),
  // `start_writeback` first handing the changed pages to the disk.
  std::chrono::milliseconds checkpoint_every{0};
  bool start_writeback = false;
  // Every this many commits the writer waits for the log to be copied into
  // the store and starts it over (0: never). Bulk writes need it: their log
  // would otherwise grow to several times the store's size.
  int restart_log_every = 0;
  // Once an operation or a commit fails, every later operation is refused
  // unrun: a bulk writer's later batches must not commit past a lost one
  // (ingest's with_commit records progress, a sync's cursor).
  bool stop_after_failure = false;
};

class Writer {
 public:
  using Op = std::function<Status(WriterContext&)>;
  // Owns `store` (the server's connection).
  Writer(std::unique_ptr<Store> store, const WriterOptions& options);
  // Writes through the caller's `store`, which must outlive it and take no
  // other writes meanwhile (ingest).
  Writer(Store* store, const WriterOptions& options);
  ~Writer();  // drains what was submitted, then stops; the log copied by the commits again

  // Runs `op` on the writer thread and waits until it committed.
  Status Submit(Op op);
  // Queues `op`; the future holds its status once its transaction
  // committed (or failed). The caller keeps what `op` refers to alive
  // until then.
  std::future<Status> Post(Op op);
  // Waits until the stored rows of a conversation (or, with "", of all)
  // hold every message answered so far: before a read of the store.
  Status Fold(const std::string& id);
  size_t queued() const;

 private:
  void Run();
  struct Pending {
    Op op;
    std::promise<Status> done;
  };
  std::unique_ptr<Store> owned_;
  Store* store_;
  WriterContext context_;
  int restart_log_every_ = 0;
  bool stop_after_failure_ = false;
  bool failed_ = false;  // on the writer's thread only
  bool deferred_ = false;  // the log's copying left to `checkpoints_`
  std::optional<BackgroundCheckpoints> checkpoints_;
  mutable Mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_ GUARDED_BY(mu_);
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace convsent

#endif  // CONVSENT_SRC_STORE_WRITER_H_
