#include "store/writer.h"

#include <chrono>
#include <cstdio>

#include "convsent/checkpoints.h"
#include "convsent/conversation.h"
#include "convsent/detectors.h"

namespace convsent {

// The rollup and facts of a conversation whose messages changed; the
// scores are the stored ones, nothing is scored again.
void RefreshRollup(ScoredConversation* sc, const RollupOptions& options) {
  std::vector<MessageTone> tones;
  tones.reserve(sc->scores.size());
  for (size_t i = 0; i < sc->scores.size(); ++i) {
    const auto& s = sc->scores[i];
    tones.push_back({sc->conversation.messages[i].role, s ? s->compound : 0.0f, s ? s->label : Sentiment::kNeutral});
  }
  sc->rollup = Rollup(tones, options);
  sc->facts = ComputeFacts(sc->conversation);
}

void WriterContext::Touch(const std::string& id) {
  auto it = cache_.find(id);
  lru_.erase(it->second.second);
  lru_.push_front(id);
  it->second.second = lru_.begin();
}

Result<LiveConversation*> WriterContext::Find(const std::string& id) {
  if (orphans_.count(id)) return Rebuild(id);
  // A store that other servers write to may have moved on since: read it
  // (which, in the transaction, also holds the conversation until commit).
  if (auto it = cache_.find(id); it != cache_.end() && !store_->shared()) {
    Touch(id);
    return &it->second.first;
  }
  ASSIGN_OR_RETURN(auto stored, store_->conversations().Get(id));
  if (!stored) return static_cast<LiveConversation*>(nullptr);
  EncodedConversation encoded = EncodeConversation(*stored);
  return Cache(std::move(*stored), std::move(encoded));
}

LiveConversation* WriterContext::Start(ScoredConversation sc) {
  RefreshRollup(&sc, rollup_);
  EncodedConversation encoded = EncodeConversation(sc);
  return Cache(std::move(sc), std::move(encoded));
}

LiveConversation* WriterContext::Cache(ScoredConversation sc, EncodedConversation encoded) {
  const std::string id = sc.conversation.id;
  if (auto it = cache_.find(id); it != cache_.end()) {
    it->second.first.sc = std::move(sc);
    it->second.first.encoded = std::move(encoded);
    it->second.first.context.reset();
    Touch(id);
    return &it->second.first;
  }
  if (cache_.size() >= kCacheSize) {
    // An evicted conversation with logged messages is rebuilt when needed.
    auto victim = cache_.find(lru_.back());
    if (victim->second.first.unfolded_since_ms != 0) orphans_.insert(victim->first);
    cache_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(id);
  auto [it, inserted] = cache_.emplace(id, std::make_pair(LiveConversation{}, lru_.begin()));
  it->second.first.sc = std::move(sc);
  it->second.first.encoded = std::move(encoded);
  return &it->second.first;
}

void WriterContext::MarkUnfolded(LiveConversation* live) {
  if (live->unfolded_since_ms != 0) return;
  live->unfolded_since_ms = NowMs();
  due_.emplace_back(live->unfolded_since_ms + kFoldDelayMs, live->sc.conversation.id);
}

Status WriterContext::Added(LiveConversation* live, const std::string& message_json, const std::string& score_json) {
  const ScoredConversation& sc = live->sc;
  const size_t position = sc.conversation.messages.size() - 1;
  if (LiveLog* log = store_->live_log()) {
    LiveMessage m;
    m.conversation = sc.conversation.id;
    m.position = static_cast<int64_t>(position);
    if (position == 0) m.header = ConversationToJson(sc.conversation);  // read back without its message
    m.message = message_json;
    m.score = score_json;
    ASSIGN_OR_RETURN(const int64_t seq, log->Append(m));
    live->logged.push_back(seq);
    MarkUnfolded(live);
    return Status::Ok();
  }
  live->encoded.movers = MoversJson(sc.rollup);
  live->encoded.detectors = DetectInConversation(sc.conversation).packed();
  if (position == 0) return store_->conversations().Put(sc, model_id_, &live->encoded);
  return store_->conversations().Append(sc, model_id_, live->encoded);
}

Result<LiveConversation*> WriterContext::Put(ScoredConversation sc) {
  const std::string id = sc.conversation.id;
  EncodedConversation encoded = EncodeConversation(sc);
  // Replaced whole: the store drops what the log held of it.
  RETURN_IF_ERROR(store_->conversations().Put(sc, model_id_, &encoded));
  orphans_.erase(id);
  LiveConversation* live = Cache(std::move(sc), std::move(encoded));
  live->unfolded_since_ms = 0;
  live->logged.clear();
  return live;
}

Result<LiveConversation*> WriterContext::Rebuild(const std::string& id) {
  ASSIGN_OR_RETURN(auto stored, store_->conversations().Get(id));
  std::vector<LiveMessage> logged;  // a store without a live log has its rows up to date
  if (LiveLog* log = store_->live_log()) {
    ASSIGN_OR_RETURN(logged, log->List(id));
  }
  orphans_.erase(id);
  ScoredConversation sc;
  bool have = stored.has_value();
  if (have) sc = std::move(*stored);
  std::vector<int64_t> seqs;
  for (const LiveMessage& m : logged) {
    seqs.push_back(m.seq);
    if (!have && m.position == 0 && !m.header.empty()) {
      RETURN_IF_ERROR(ParseConversationJson(m.header, &sc.conversation));
      sc.conversation.messages.clear();
      have = true;
    }
    // A message already folded (the store's rows have it) is passed over.
    if (!have || m.position != static_cast<int64_t>(sc.conversation.messages.size())) continue;
    RETURN_IF_ERROR(FoldLiveMessage(m, &sc));
  }
  if (!have) {
    // Logged messages of a conversation that was never started cannot be folded.
    if (!seqs.empty()) RETURN_IF_ERROR(store_->live_log()->Delete(seqs));
    return static_cast<LiveConversation*>(nullptr);
  }
  LiveConversation* live = Start(std::move(sc));
  live->logged = std::move(seqs);
  if (!live->logged.empty()) MarkUnfolded(live);
  return live;
}

Status WriterContext::Fold(const std::string& id) {
  LiveConversation* live = nullptr;
  if (orphans_.count(id)) {
    ASSIGN_OR_RETURN(live, Rebuild(id));
  } else if (auto it = cache_.find(id); it != cache_.end()) {
    live = &it->second.first;
  }
  if (live == nullptr || live->unfolded_since_ms == 0) return Status::Ok();
  const ScoredConversation& sc = live->sc;
  live->encoded.movers = MoversJson(sc.rollup);
  live->encoded.detectors = DetectInConversation(sc.conversation).packed();
  RETURN_IF_ERROR(store_->conversations().Append(sc, model_id_, live->encoded));
  RETURN_IF_ERROR(store_->live_log()->Delete(live->logged));  // unfolded: only with a live log
  live->logged.clear();
  live->unfolded_since_ms = 0;
  return Status::Ok();
}

Status WriterContext::FoldDue(int64_t now_ms, size_t limit) {
  for (size_t n = 0; n < limit && !due_.empty() && due_.front().first <= now_ms; ++n) {
    auto next = std::move(due_.front());
    due_.pop_front();
    if (Status s = Fold(next.second); !s.ok()) {
      due_.emplace_back(now_ms + 1000, std::move(next.second));  // tried again later, not at once
      return s;
    }
  }
  return Status::Ok();
}

Status WriterContext::FoldAll() {
  while (!due_.empty()) {
    RETURN_IF_ERROR(Fold(due_.front().second));
    due_.pop_front();
  }
  // Orphans have an entry in due_ too, but the log may also hold
  // conversations from before a restart (Recover).
  while (!orphans_.empty()) RETURN_IF_ERROR(Fold(*orphans_.begin()));
  return Status::Ok();
}

Status WriterContext::Recover() {
  LiveLog* log = store_->live_log();
  if (log == nullptr) return Status::Ok();
  ASSIGN_OR_RETURN(auto logged, log->List(""));
  for (const LiveMessage& m : logged) {
    if (orphans_.insert(m.conversation).second) due_.emplace_back(0, m.conversation);
  }
  return Status::Ok();
}

void WriterContext::DropCache() {
  for (auto& [id, entry] : cache_) {
    if (entry.first.unfolded_since_ms != 0) orphans_.insert(id);
  }
  cache_.clear();
  lru_.clear();
}

Writer::Writer(std::unique_ptr<Store> store, const WriterOptions& options) : Writer(store.get(), options) {
  owned_ = std::move(store);
}

Writer::Writer(Store* store, const WriterOptions& o)
    : store_(store),
      context_(store_, o.model_id, o.rollup, o.model),
      restart_log_every_(o.restart_log_every),
      stop_after_failure_(o.stop_after_failure) {
  // The writer's commits stop copying the log (a pause of a fraction of a
  // second each time, behind the file system's sync); a thread of its own
  // does it. Should the store refuse, the commits go on doing it.
  Checkpoints* log = store_->checkpoints();
  if (o.checkpoint_every.count() > 0 && log != nullptr && log->Defer().ok()) {
    deferred_ = true;
    checkpoints_.emplace(store_->location(), o.checkpoint_every, o.start_writeback);
  }
  thread_ = std::thread([this] { Run(); });
}

Writer::~Writer() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  checkpoints_.reset();
  if (deferred_) (void)store_->checkpoints()->Defer(false);  // the store, as it was given
}

Status Writer::Submit(Op op) { return Post(std::move(op)).get(); }

std::future<Status> Writer::Post(Op op) {
  std::future<Status> done;
  {
    MutexLock lock(mu_);
    if (stop_) {
      std::promise<Status> refused;
      refused.set_value(Status::FailedPrecondition("the store's writer is stopping"));
      return refused.get_future();
    }
    queue_.push_back({std::move(op), {}});
    done = queue_.back().done.get_future();
  }
  cv_.notify_one();
  return done;
}

Status Writer::Fold(const std::string& id) {
  if (store_->live_log() == nullptr) return Status::Ok();  // its rows are always up to date
  return Submit([&id](WriterContext& ctx) { return id.empty() ? ctx.FoldAll() : ctx.Fold(id); });
}

size_t Writer::queued() const {
  MutexLock lock(mu_);
  return queue_.size();
}

void Writer::Run() {
  constexpr size_t kMaxGroup = 512;
  // Folds per commit: enough to keep up, few enough that the messages
  // committed with them do not wait long.
  constexpr size_t kFoldsPerCommit = 32;
  std::vector<Pending> group;
  bool stopping = false;
  int64_t commits = 0;
  for (;;) {
    {
      MutexLock lock(mu_);
      const int64_t due = context_.next_fold_ms();
      const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(due));
      while (!stop_ && queue_.empty()) {
        if (due == 0) {
          cv_.wait(lock.native());
        } else if (cv_.wait_until(lock.native(), at) == std::cv_status::timeout) {
          break;  // a fold is due
        }
      }
      stopping = stop_ && queue_.empty();
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Status> results(group.size());
    // Inside the caller's transaction (ingest --strict), a savepoint of it.
    const bool nested = store_->in_transaction();
    Status begin = nested ? store_->Savepoint() : store_->Begin();
    if (begin.ok()) {
      // Another process replaced conversations (an ingest): the cache may
      // hold their old versions. Rebuilt from the store on demand.
      if (auto changed = store_->ChangedElsewhere(); !changed.ok() || *changed) context_.DropCache();
      for (size_t i = 0; i < group.size(); ++i) {
        if (failed_) {
          results[i] = Status::FailedPrecondition("not written: an earlier write failed");
          continue;
        }
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
        failed_ = !s.ok() && stop_after_failure_;
      }
      // Folding is kept apart: should it fail, the messages still commit
      // (they are in the live log) and the fold is tried again later.
      if (Status s = store_->Savepoint(); s.ok()) {
        s = stopping ? context_.FoldAll() : context_.FoldDue(NowMs(), kFoldsPerCommit);
        s = s.ok() ? store_->Release() : (static_cast<void>(store_->RollbackToSavepoint()), s);
        if (!s.ok()) {
          std::fprintf(stderr, "convsent: folding the live log: %s\n", s.message().c_str());
          context_.DropCache();
        }
      }
      begin = nested ? store_->Release() : store_->Commit();
    }
    if (!begin.ok()) {
      (void)(nested ? store_->RollbackToSavepoint() : store_->Rollback());
      context_.DropCache();
      for (auto& r : results) r = r.ok() ? begin : r;
      failed_ = stop_after_failure_;
      context_.TakeAfterCommit();  // nothing committed: nothing to announce
    } else {
      for (auto& fn : context_.TakeAfterCommit()) fn();
    }
    // Now and then the log starts over (bulk writes): the checkpoint
    // thread has copied most of it, so this waits only for the rest.
    if (Checkpoints* log = store_->checkpoints();
        begin.ok() && !nested && log != nullptr && restart_log_every_ > 0 && ++commits % restart_log_every_ == 0) {
      (void)log->Run(/*restart=*/true);
    }
    for (size_t i = 0; i < group.size(); ++i) group[i].done.set_value(results[i]);
    group.clear();
    if (stopping) return;  // drained and folded
  }
}

}  // namespace convsent
