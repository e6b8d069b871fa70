// The server's single writer: every change to the store is an operation
// run on one thread, many per transaction (group commit). Submit returns
// only after the operation's transaction committed, so an answer of 2xx
// means stored; an operation that fails is rolled back alone (a savepoint
// each) and the others of its group still commit.
#ifndef CONVSENT_SRC_SERVER_WRITER_H_
#define CONVSENT_SRC_SERVER_WRITER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "convsent/rollup.h"
#include "convsent/store.h"

namespace convsent {

// A conversation as the writer keeps it: its state and its encoded
// columns, so that a new message is appended rather than re-encoded.
struct LiveConversation {
  ScoredConversation sc;
  EncodedConversation encoded;
  bool queued = false;  // known to be in the review queue: no need to ask the store again
};

// What operations share on the writer thread.
class WriterContext {
 public:
  WriterContext(Store* store, int64_t model_id) : store_(store), model_id_(model_id) {}
  Store& store() { return *store_; }
  int64_t model_id() const { return model_id_; }

  // The live state of a conversation: from the cache, else the store, else
  // nullptr. Recently used conversations stay cached, so a message does not
  // read its conversation back.
  Result<LiveConversation*> Find(const std::string& id);
  LiveConversation* Put(ScoredConversation sc, EncodedConversation encoded);  // adds or replaces
  void DropCache() { cache_.clear(), lru_.clear(); }

  // Run after the group's commit, in order (events, webhooks).
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  std::vector<std::function<void()>> TakeAfterCommit() { return std::exchange(after_commit_, {}); }
  size_t after_commit_size() const { return after_commit_.size(); }
  void TruncateAfterCommit(size_t n) { after_commit_.resize(n); }

 private:
  static constexpr size_t kCacheSize = 20000;
  void Touch(const std::string& id);
  Store* store_;
  int64_t model_id_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::pair<LiveConversation, std::list<std::string>::iterator>> cache_;
  std::vector<std::function<void()>> after_commit_;
};

class Writer {
 public:
  using Op = std::function<Status(WriterContext&)>;
  Writer(std::unique_ptr<Store> store, int64_t model_id);
  ~Writer();  // drains what was submitted, then stops

  // Runs `op` on the writer thread and waits until it committed.
  Status Submit(Op op);
  size_t queued() const;

 private:
  void Run();
  struct Pending {
    Op op;
    std::promise<Status> done;
  };
  std::unique_ptr<Store> store_;
  WriterContext context_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace convsent

#endif  // CONVSENT_SRC_SERVER_WRITER_H_
