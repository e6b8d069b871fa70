// The writer's fold and rebuild on a real SQLite store, without HTTP: a
// posted message is in the live log at once and in the conversation's rows
// after a fold; a dropped cache and a restart rebuild the conversation from
// its rows and its log, and lose nothing. And the writer itself: a failed
// operation is undone alone, and inside a transaction of the caller's its
// groups are savepoints of it.
#include <gtest/gtest.h>

#include "convsent/model.h"
#include "store/writer.h"
#include "test_util.h"

namespace convsent {
namespace {

class WriterFold : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model = Model::Embedded();
    ASSERT_TRUE(model.ok());
    scorer_ = std::make_unique<Scorer>(*model);
    store_ = Open();
    auto id = store_->RegisterModel((*model)->info().version, "{}");
    ASSERT_TRUE(id.ok());
    model_id_ = *id;
    ASSERT_TRUE(store_->SetCurrentModel((*model)->info().version).ok());
  }
  std::unique_ptr<Store> Open() {
    auto store = Store::Open(dir_.path() + "/w.db");
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // What the server does with one posted message, in one transaction.
  void Post(WriterContext& ctx, const std::string& id, Role role, const std::string& text) {
    Message m;
    m.role = role, m.text = text, m.at_ms = 1000 + static_cast<int64_t>(text.size());
    const std::optional<MessageScore> score = scorer_->Score(text);
    std::string message_json, score_json;
    AppendMessageJson(m, &message_json);
    AppendScoreJson(score, &score_json);
    ASSERT_TRUE(ctx.store().Begin().ok());
    auto live = ctx.Find(id);
    ASSERT_TRUE(live.ok()) << live.status().message();
    LiveConversation* l = *live;
    if (l == nullptr) {
      ScoredConversation fresh;
      fresh.conversation.id = id;
      fresh.conversation.created_at_ms = m.at_ms;
      fresh.conversation.messages.push_back(m);
      fresh.scores.push_back(score);
      l = ctx.Start(std::move(fresh));
    } else {
      l->sc.conversation.messages.push_back(m);
      l->sc.scores.push_back(score);
      RefreshRollup(&l->sc, ctx.rollup());
      AppendToEncoded(message_json, score_json, &l->encoded);
    }
    ASSERT_TRUE(ctx.Added(l, message_json, score_json).ok());
    ASSERT_TRUE(ctx.store().Commit().ok());
  }
  size_t StoredMessages(Store& store, const std::string& id) {
    auto got = store.conversations().Get(id);
    EXPECT_TRUE(got.ok());
    return got.ok() && got->has_value() ? (*got)->conversation.messages.size() : 0;
  }
  size_t Logged(Store& store) {
    auto logged = store.live_log()->List();
    EXPECT_TRUE(logged.ok());
    return logged.ok() ? logged->size() : 0;
  }
  Status InTransaction(Store& store, const std::function<Status()>& fn) {
    RETURN_IF_ERROR(store.Begin());
    RETURN_IF_ERROR(fn());
    return store.Commit();
  }

  testing::TempDir dir_;
  std::unique_ptr<Scorer> scorer_;
  std::unique_ptr<Store> store_;
  int64_t model_id_ = 0;
};

TEST_F(WriterFold, AMessageIsLoggedAtOnceAndInTheRowsAfterAFold) {
  ASSERT_NE(store_->live_log(), nullptr);
  WriterContext ctx(store_.get(), model_id_);
  Post(ctx, "c-1", Role::kCustomer, "my order never arrived");
  Post(ctx, "c-1", Role::kAgent, "sorry, let me check");
  EXPECT_EQ(Logged(*store_), 2u);
  EXPECT_EQ(StoredMessages(*store_, "c-1"), 0u);  // the rows wait for the fold
  EXPECT_NE(ctx.next_fold_ms(), 0);
  ASSERT_TRUE(InTransaction(*store_, [&] { return ctx.Fold("c-1"); }).ok());
  EXPECT_EQ(StoredMessages(*store_, "c-1"), 2u);
  EXPECT_EQ(Logged(*store_), 0u);
  // The folded rows carry the tone of the whole conversation.
  auto got = store_->conversations().Get("c-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_TRUE((*got)->rollup.has_customer);
  EXPECT_EQ((*got)->scores.size(), 2u);
}

TEST_F(WriterFold, ADroppedCacheIsRebuiltFromTheRowsAndTheLog) {
  WriterContext ctx(store_.get(), model_id_);
  Post(ctx, "c-2", Role::kCustomer, "charged twice");
  ASSERT_TRUE(InTransaction(*store_, [&] { return ctx.FoldAll(); }).ok());
  Post(ctx, "c-2", Role::kAgent, "refunding one now");
  Post(ctx, "c-2", Role::kCustomer, "thank you!");
  ctx.DropCache();  // as after a rollback: the log, not the cache, is the truth
  ASSERT_TRUE(store_->Begin().ok());
  auto live = ctx.Find("c-2");
  ASSERT_TRUE(live.ok() && *live != nullptr);
  EXPECT_EQ((*live)->sc.conversation.messages.size(), 3u);
  EXPECT_EQ((*live)->sc.conversation.messages[2].text, "thank you!");
  ASSERT_TRUE(ctx.FoldAll().ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(StoredMessages(*store_, "c-2"), 3u);
  EXPECT_EQ(Logged(*store_), 0u);
}

TEST_F(WriterFold, ARestartFoldsWhatTheLogHeld) {
  {
    WriterContext ctx(store_.get(), model_id_);
    Post(ctx, "c-3", Role::kCustomer, "where is my parcel");
    Post(ctx, "c-4", Role::kCustomer, "app crashes on login");
    Post(ctx, "c-3", Role::kAgent, "it ships today");
  }  // the server stops before folding (a crash)
  store_.reset();
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Logged(*again), 3u);
  WriterContext ctx(again.get(), model_id_);
  ASSERT_TRUE(InTransaction(*again, [&] {
                RETURN_IF_ERROR(ctx.Recover());
                return ctx.FoldAll();
              }).ok());
  EXPECT_EQ(StoredMessages(*again, "c-3"), 2u);
  EXPECT_EQ(StoredMessages(*again, "c-4"), 1u);
  EXPECT_EQ(Logged(*again), 0u);
}

// A conversation of one message, stored by an operation.
Writer::Op PutOne(const std::string& id, int64_t model_id) {
  return [id, model_id](WriterContext& ctx) -> Status {
    ScoredConversation sc;
    sc.conversation.id = id;
    sc.conversation.messages.push_back({});
    sc.conversation.messages.back().text = "hello";
    sc.scores.push_back(std::nullopt);
    return ctx.store().conversations().Put(sc, model_id);
  };
}

TEST_F(WriterFold, AFailedOperationIsUndoneAloneAndTheRestCommit) {
  std::vector<std::future<Status>> posted;
  {
    WriterOptions o;
    o.model_id = model_id_;
    o.checkpoint_every = std::chrono::milliseconds(10);
    o.restart_log_every = 2;
    Writer writer(store_.get(), o);
    for (int i = 0; i < 20; ++i) {
      if (i == 7) {
        posted.push_back(writer.Post([this](WriterContext& ctx) -> Status {
          RETURN_IF_ERROR(PutOne("bad", model_id_)(ctx));  // written, then undone
          return Status::InvalidArgument("refused");
        }));
      }
      posted.push_back(writer.Post(PutOne("c" + std::to_string(i), model_id_)));
    }
    for (size_t i = 0; i < posted.size(); ++i) EXPECT_EQ(posted[i].get().ok(), i != 7) << i;
    EXPECT_TRUE(writer.Submit(PutOne("last", model_id_)).ok());
  }
  EXPECT_EQ(StoredMessages(*store_, "bad"), 0u);
  for (const char* id : {"c0", "c6", "c7", "c19", "last"}) EXPECT_EQ(StoredMessages(*store_, id), 1u) << id;
  int stored = 0;
  ASSERT_TRUE(store_->conversations().ForEach([&](const Conversation&) { return ++stored, Status::Ok(); }).ok());
  EXPECT_EQ(stored, 21);
  EXPECT_FALSE(store_->in_transaction());
}

// A bulk writer's later batches must not commit past a lost one.
TEST_F(WriterFold, AfterAFailureABulkWriterRefusesTheRest) {
  std::vector<std::future<Status>> posted;
  {
    WriterOptions o;
    o.model_id = model_id_;
    o.stop_after_failure = true;
    Writer writer(store_.get(), o);
    posted.push_back(writer.Post(PutOne("before", model_id_)));
    ASSERT_TRUE(posted.back().get().ok());
    posted.push_back(writer.Post([](WriterContext&) { return Status::IoError("disk full"); }));
    for (int i = 0; i < 5; ++i) posted.push_back(writer.Post(PutOne("after" + std::to_string(i), model_id_)));
    EXPECT_EQ(posted[1].get().code(), StatusCode::kIoError);
    for (size_t i = 2; i < posted.size(); ++i) {
      const Status s = posted[i].get();
      EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << i << ": " << s.ToString();
    }
  }
  EXPECT_EQ(StoredMessages(*store_, "before"), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(StoredMessages(*store_, "after" + std::to_string(i)), 0u) << i;
}

TEST_F(WriterFold, InsideTheCallersTransactionItsGroupsAreSavepoints) {
  ASSERT_TRUE(store_->Begin().ok());
  {
    WriterOptions o;
    o.model_id = model_id_;
    Writer writer(store_.get(), o);
    EXPECT_TRUE(writer.Submit(PutOne("a", model_id_)).ok());
    EXPECT_TRUE(writer.Submit(PutOne("b", model_id_)).ok());
  }
  EXPECT_TRUE(store_->in_transaction()) << "the caller's transaction is still open";
  EXPECT_EQ(StoredMessages(*store_, "a"), 1u);
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_EQ(StoredMessages(*store_, "a"), 0u) << "rolled back with the caller's transaction";
  EXPECT_EQ(StoredMessages(*store_, "b"), 0u);
}

}  // namespace
}  // namespace convsent
