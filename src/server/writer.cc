#include "server/writer.h"

namespace convsent {

void WriterContext::Touch(const std::string& id) {
  auto it = cache_.find(id);
  lru_.erase(it->second.second);
  lru_.push_front(id);
  it->second.second = lru_.begin();
}

Result<LiveConversation*> WriterContext::Find(const std::string& id) {
  // A store that other servers write to may have moved on since: read it
  // (which, in the transaction, also holds the conversation until commit).
  if (auto it = cache_.find(id); it != cache_.end() && !store_->shared()) {
    Touch(id);
    return &it->second.first;
  }
  ASSIGN_OR_RETURN(auto stored, store_->GetConversation(id));
  if (!stored) return static_cast<LiveConversation*>(nullptr);
  EncodedConversation encoded = EncodeConversation(*stored);
  return Put(std::move(*stored), std::move(encoded));
}

LiveConversation* WriterContext::Put(ScoredConversation sc, EncodedConversation encoded) {
  const std::string id = sc.conversation.id;
  if (auto it = cache_.find(id); it != cache_.end()) {
    it->second.first = {std::move(sc), std::move(encoded)};
    Touch(id);
    return &it->second.first;
  }
  if (cache_.size() >= kCacheSize) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(id);
  auto [it, inserted] = cache_.emplace(id, std::make_pair(LiveConversation{std::move(sc), std::move(encoded)}, lru_.begin()));
  return &it->second.first;
}

Writer::Writer(std::unique_ptr<Store> store, int64_t model_id)
    : store_(std::move(store)), context_(store_.get(), model_id), thread_([this] { Run(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status Writer::Submit(Op op) {
  std::future<Status> done;
  {
    std::lock_guard lock(mu_);
    if (stop_) return Status::FailedPrecondition("the server is stopping");
    queue_.push_back({std::move(op), {}});
    done = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return done.get();
}

size_t Writer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void Writer::Run() {
  constexpr size_t kMaxGroup = 512;
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;  // drained
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results(group.size());
    Status begin = store_->Begin();
    if (begin.ok()) {
      for (size_t i = 0; i < group.size(); ++i) {
        // A savepoint each: a failed operation leaves no trace, the rest commit.
        const size_t announced = context_.after_commit_size();
        Status s = store_->Savepoint();
        if (s.ok()) {
          s = group[i].op(context_);
          s = s.ok() ? store_->Release() : (static_cast<void>(store_->RollbackToSavepoint()), s);
          if (!s.ok()) {
            context_.DropCache();  // the cache may hold what was rolled back
            context_.TruncateAfterCommit(announced);
          }
        }
        results[i] = s;
      }
      begin = store_->Commit();
    }
    if (!begin.ok()) {
      (void)store_->Rollback();
      context_.DropCache();
      for (auto& r : results) r = r.ok() ? begin : r;
      context_.TakeAfterCommit();  // nothing committed: nothing to announce
    } else {
      for (auto& fn : context_.TakeAfterCommit()) fn();
    }
    for (size_t i = 0; i < group.size(); ++i) group[i].done.set_value(results[i]);
    group.clear();
  }
}

}  // namespace convsent
