// The Store contract (include/convsent/store.h), run against both
// implementations: SQLite always, PostgreSQL where $CONVSENT_TEST_PG names a
// server (skipped, with the reason, elsewhere).
#include <gtest/gtest.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "convsent/model.h"
#include "convsent/rollup.h"
#include "convsent/store.h"
#include "store/codec.h"
#include "store/postgres/pg_store.h"
#include "store_fixture.h"
#include "test_util.h"

namespace convsent {
namespace {

using testing::PgTestDatabase;

using testing::Backend;
using testing::kDay;
using testing::kT0;
using testing::StoreTest;

TEST_P(StoreTest, AConversationReadsBackAsStored) {
  const ScoredConversation sc = Make("c-1", kT0, {"I was charged twice!!", "Sorry, refunding now.", "thanks, great"});
  ASSERT_TRUE(Put(sc).ok());
  auto got = store_->conversations().Get("c-1");
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_TRUE(got->has_value());
  const ScoredConversation& g = **got;
  EXPECT_EQ(g.conversation.channel, "chat");
  EXPECT_EQ(g.conversation.topic, "billing");
  EXPECT_EQ(g.conversation.team, "tier-1");
  EXPECT_EQ(g.conversation.tags, sc.conversation.tags);
  EXPECT_EQ(g.conversation.attributes, sc.conversation.attributes);
  ASSERT_EQ(g.conversation.events.size(), 1u);
  EXPECT_EQ(g.conversation.events[0].type, "escalated");
  EXPECT_EQ(g.conversation.events[0].at_ms, kT0 + 60000);
  EXPECT_EQ(g.conversation.created_at_ms, kT0);
  EXPECT_EQ(g.conversation.csat, 2);
  EXPECT_EQ(g.conversation.nps, 6);
  ASSERT_EQ(g.conversation.messages.size(), 3u);
  EXPECT_EQ(g.conversation.messages[0].text, "I was charged twice!!");
  EXPECT_EQ(g.conversation.messages[1].role, Role::kAgent);
  EXPECT_EQ(g.conversation.messages[2].at_ms, kT0 + 60000);
  ASSERT_EQ(g.scores.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(g.scores[i].has_value());
    EXPECT_EQ(g.scores[i]->label, sc.scores[i]->label);
    EXPECT_NEAR(g.scores[i]->compound, sc.scores[i]->compound, 1e-3);
  }
  EXPECT_EQ(g.rollup.tone, sc.rollup.tone);
  EXPECT_EQ(g.rollup.trajectory, sc.rollup.trajectory);
  EXPECT_NEAR(g.rollup.score5, sc.rollup.score5, 1e-5);
  EXPECT_EQ(g.rollup.movers, sc.rollup.movers);
  EXPECT_EQ(g.facts.agent_replies, sc.facts.agent_replies);
  EXPECT_EQ(g.facts.first_response_ms, sc.facts.first_response_ms);
  auto missing = store_->conversations().Get("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_EQ(store_->conversations().Get("c-1", "no-such-model").status().code(), StatusCode::kNotFound);
}

// Alone, InTransaction commits or rolls back; inside an open transaction
// it is a savepoint: a failure undoes its writes alone, and what succeeded
// waits for the outer commit (or goes with its rollback).
TEST_P(StoreTest, InTransactionNestsAsASavepoint) {
  const Status failed = Status::InvalidArgument("no");
  EXPECT_FALSE(store_->in_transaction());
  ASSERT_TRUE(store_->InTransaction([&] { return store_->SetSetting("alone", "1"); }).ok());
  EXPECT_EQ(store_->InTransaction([&] { return store_->SetSetting("alone", "2").ok() ? failed : Status::Ok(); }).code(),
            failed.code());
  EXPECT_FALSE(store_->in_transaction());
  EXPECT_EQ(*store_->Setting("alone"), "1");

  ASSERT_TRUE(store_->Begin().ok());
  EXPECT_TRUE(store_->in_transaction());
  ASSERT_TRUE(store_->SetSetting("outer", "1").ok());
  ASSERT_TRUE(store_->InTransaction([&] { return store_->SetSetting("kept", "1"); }).ok());
  EXPECT_EQ(store_->InTransaction([&] { return store_->SetSetting("undone", "1").ok() ? failed : Status::Ok(); }).code(),
            failed.code());
  EXPECT_TRUE(store_->in_transaction()) << "the outer transaction is still open";
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(*store_->Setting("outer"), "1");
  EXPECT_EQ(*store_->Setting("kept"), "1");
  EXPECT_EQ(*store_->Setting("undone"), "");

  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->InTransaction([&] { return store_->SetSetting("rolled", "1"); }).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_EQ(*store_->Setting("rolled"), "") << "a savepoint's writes go with the outer rollback";
}

TEST_P(StoreTest, PuttingAnIdAgainReplacesIt) {
  ASSERT_TRUE(Put(Make("c-1", kT0, {"awful", "sorry", "still awful"})).ok());
  ASSERT_TRUE(Put(Make("c-1", kT0 + kDay, {"great, thanks"}, "email")).ok());
  auto got = store_->conversations().Get("c-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->conversation.messages.size(), 1u);
  EXPECT_EQ((*got)->conversation.channel, "email");
  auto info = store_->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->conversations, 1);
  EXPECT_EQ(info->messages, 1);
  EXPECT_EQ(info->schema_version, kStoreSchemaVersion);
  EXPECT_EQ(*store_->ConversationCount(), 1);
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].created_at_ms, kT0 + kDay);
  ASSERT_TRUE(Put(Make("c-2", kT0, {"hello"})).ok());
  EXPECT_EQ(*store_->ConversationCount(), 2);
}

TEST_P(StoreTest, AppendingAMessageKeepsTheRest) {
  ScoredConversation sc = Make("c-1", kT0, {"hello, my order is late", "Checking now"});
  ASSERT_TRUE(Put(sc).ok());
  ScoredConversation longer = Make("c-1", kT0, {"hello, my order is late", "Checking now", "this is ridiculous"});
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->conversations().Append(longer, model_id_, EncodeConversation(longer)).ok());
  ASSERT_TRUE(store_->Commit().ok());
  auto got = store_->conversations().Get("c-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  ASSERT_EQ((*got)->conversation.messages.size(), 3u);
  EXPECT_EQ((*got)->conversation.messages[2].text, "this is ridiculous");
  EXPECT_EQ((*got)->conversation.tags, sc.conversation.tags);
  ASSERT_TRUE((*got)->scores[2].has_value());
  EXPECT_EQ((*got)->rollup.tone, longer.rollup.tone);
  // Appending to an unknown id stores it whole.
  ScoredConversation fresh = Make("c-2", kT0, {"hi"});
  ASSERT_TRUE(store_->conversations().Append(fresh, model_id_, EncodeConversation(fresh)).ok());
  EXPECT_TRUE(store_->conversations().Get("c-2")->has_value());
}

TEST_P(StoreTest, EachModelKeepsItsScoresAndTheReportFollowsTheCurrentOne) {
  ASSERT_TRUE(Put(Make("c-1", kT0, {"terrible service, I want a refund"})).ok());
  auto other = store_->RegisterModel("other-model-2", "{}");
  ASSERT_TRUE(other.ok());
  ASSERT_NE(*other, model_id_);
  // Another model calls it positive.
  ScoredConversation by_other = Make("c-1", kT0, {"terrible service, I want a refund"});
  by_other.rollup.tone = Sentiment::kPositive;
  by_other.rollup.score5 = 4.5f;
  ASSERT_TRUE(store_->conversations().PutScores("c-1", by_other, *other).ok());
  EXPECT_EQ(store_->conversations().PutScores("nope", by_other, *other).code(), StatusCode::kNotFound);
  // The current model has scored it: the report keeps its tone.
  auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].model, static_cast<uint32_t>(model_id_));
  EXPECT_EQ(rows[0].tone, Sentiment::kNegative);
  ASSERT_TRUE(store_->SetCurrentModel("other-model-2").ok());
  rows = Rows();
  EXPECT_EQ(rows[0].model, static_cast<uint32_t>(*other));
  EXPECT_EQ(rows[0].tone, Sentiment::kPositive);
  EXPECT_FLOAT_EQ(rows[0].score5, 4.5f);
  EXPECT_EQ(rows[0].csat, 2);  // the facts are untouched
  auto old = store_->conversations().Get("c-1", store_->Info()->models[0]);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->rollup.tone, Sentiment::kNegative);
  auto now = store_->conversations().Get("c-1");
  EXPECT_EQ((*now)->rollup.tone, Sentiment::kPositive);
  ASSERT_TRUE(store_->SetCurrentModel(scorer_->model().info().version).ok());
  EXPECT_EQ(Rows()[0].tone, Sentiment::kNegative);
  auto info = store_->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->models.size(), 2u);
  EXPECT_EQ(info->current_model, scorer_->model().info().version);
  // Another connection sees the same current model.
  auto again = OpenAnother();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->Info()->current_model, scorer_->model().info().version);
  EXPECT_EQ(*again->CurrentModel(), scorer_->model().info().version);
}

TEST_P(StoreTest, ReportRowsCarryTheirSegmentsAndRespectTheRange) {
  ASSERT_TRUE(Put(Make("c-1", kT0, {"love it"})).ok());
  ASSERT_TRUE(Put(Make("c-2", kT0 + kDay, {"hate it"}, "email")).ok());
  ASSERT_TRUE(Put(Make("c-3", kT0 + 2 * kDay, {"ok"}, "voice")).ok());
  EXPECT_EQ(Rows().size(), 3u);
  const auto middle = Rows(kT0 + kDay, kT0 + 2 * kDay);
  ASSERT_EQ(middle.size(), 1u);
  auto dict = store_->conversations().LoadReportDictionary();
  ASSERT_TRUE(dict.ok());
  std::set<std::pair<std::string, std::string>> segments;
  for (uint32_t id : middle[0].segments) {
    ASSERT_LT(id, dict->segments.size());
    segments.insert({dict->segments[id].dimension, dict->segments[id].value});
  }
  const std::set<std::pair<std::string, std::string>> expected = {
      {"channel", "email"}, {"topic", "billing"}, {"team", "tier-1"}, {"tag", "refund"},
      {"tag", "vip"},       {"agent", "a-07"},    {"plan", "pro"},      {"language", "en"}};
  EXPECT_EQ(segments, expected);
  EXPECT_EQ(middle[0].tone, Sentiment::kNegative);
  EXPECT_EQ(middle[0].escalated, 1);
  EXPECT_EQ(middle[0].nps, 6);
  ASSERT_GT(dict->models.size(), static_cast<size_t>(model_id_));
  EXPECT_EQ(dict->models[model_id_], scorer_->model().info().version);
  // In id order, and within the range.
  std::vector<std::string> ids;
  ASSERT_TRUE(store_->conversations().ForEach([&](const Conversation& c) { ids.push_back(c.id); return Status::Ok(); },
                                          kT0 + kDay, std::nullopt)
                  .ok());
  EXPECT_EQ(ids, (std::vector<std::string>{"c-2", "c-3"}));
}

// What discovery and the tree's phrase drivers read: the conversations of a
// range with one customer tone (or any), with their report rows and
// messages; and the newest conversation's time.
TEST_P(StoreTest, MessagesAreScannedByToneWithTheirRows) {
  auto none = store_->conversations().LatestCreatedAt();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(Put(Make("c-1", kT0, {"love it"})).ok());
  ASSERT_TRUE(Put(Make("c-2", kT0 + kDay, {"hate it"}, "email")).ok());
  ASSERT_TRUE(Put(Make("c-3", kT0 + 2 * kDay, {"hate this, awful"}, "voice")).ok());
  auto latest = store_->conversations().LatestCreatedAt();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->value_or(0), kT0 + 2 * kDay);
  auto scan = [&](std::optional<Sentiment> tone, int64_t from, int64_t to) {
    std::map<std::string, std::string> seen;  // id -> first message
    EXPECT_TRUE(store_->conversations()
                    .ScanMessages(from, to, tone,
                                  [&](const Conversation& c, const ReportRow& r) -> Status {
                                    EXPECT_TRUE(!tone || r.tone == *tone);
                                    EXPECT_FALSE(r.segments.empty());
                                    seen[c.id] = c.messages.empty() ? "" : c.messages[0].text;
                                    return Status::Ok();
                                  })
                    .ok());
    return seen;
  };
  const auto negative = scan(Sentiment::kNegative, INT64_MIN, INT64_MAX);
  EXPECT_EQ(negative, (std::map<std::string, std::string>{{"c-2", "hate it"}, {"c-3", "hate this, awful"}}));
  EXPECT_EQ(scan(Sentiment::kNegative, kT0 + 2 * kDay, INT64_MAX).size(), 1u) << "within the range";
  EXPECT_EQ(scan(std::nullopt, INT64_MIN, INT64_MAX).size(), 3u) << "any tone";
  EXPECT_EQ(scan(Sentiment::kPositive, INT64_MIN, INT64_MAX).count("c-1"), 1u);
  // An error of the callback stops the scan and is returned.
  int calls = 0;
  const Status stopped = store_->conversations().ScanMessages(INT64_MIN, INT64_MAX, std::nullopt,
                                                             [&](const Conversation&, const ReportRow&) -> Status {
                                                               ++calls;
                                                               return Status::Internal("stop");
                                                             });
  EXPECT_EQ(stopped.message(), "stop");
  EXPECT_EQ(calls, 1);
}

TEST_P(StoreTest, ARolledBackBatchLeavesNothing) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->conversations().Put(Make("c-1", kT0, {"hi"}), model_id_).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_FALSE(store_->conversations().Get("c-1")->has_value());
  // A savepoint undoes part of a batch.
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(store_->conversations().Put(Make("c-2", kT0, {"kept"}), model_id_).ok());
  ASSERT_TRUE(store_->Savepoint().ok());
  ASSERT_TRUE(store_->conversations().Put(Make("c-3", kT0, {"undone"}), model_id_).ok());
  ASSERT_TRUE(store_->RollbackToSavepoint().ok());
  ASSERT_TRUE(store_->Savepoint().ok());
  ASSERT_TRUE(store_->conversations().Put(Make("c-4", kT0, {"released"}), model_id_).ok());
  ASSERT_TRUE(store_->Release().ok());
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_TRUE(store_->conversations().Get("c-2")->has_value());
  EXPECT_FALSE(store_->conversations().Get("c-3")->has_value());
  EXPECT_TRUE(store_->conversations().Get("c-4")->has_value());
  EXPECT_EQ(store_->Info()->conversations, 2);
}

// The webhook deliveries family: recorded in the store's transaction (a
// rolled-back item announces nothing), pending until sent or given up,
// finished ones pruned.
TEST_P(StoreTest, AStoreOfANewerSchemaIsRefused) {
  store_.reset();
  const char* sql = "UPDATE meta SET value = '99' WHERE key = 'schema_version'";
  if (GetParam() == Backend::kPostgres) {
    PGconn* c = PQconnectdb(location_.c_str());
    PGresult* r = PQexec(c, sql);
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
  } else {
    sqlite3* h = nullptr;
    sqlite3_open(location_.c_str(), &h);
    EXPECT_EQ(sqlite3_exec(h, sql, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(h);
  }
  auto again = Store::Open(location_);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("schema version 99"), std::string::npos) << again.status().message();
}

// Two servers on one store: a review item read in a transaction is held
// (PostgreSQL: the row; SQLite: the whole store), so that two reviewers
// claiming it at once cannot both get it.
TEST(PgStore, ProcessesStartingTogetherMigrateOnce) {
  PgTestDatabase pg;
  SKIP_WITHOUT_POSTGRESQL(pg);
  std::vector<std::future<Status>> opened;
  for (int i = 0; i < 4; ++i) {
    opened.push_back(std::async(std::launch::async, [&] {
      auto s = Store::Open(pg.url());
      if (!s.ok()) return s.status();
      auto info = (*s)->Info();
      return info.ok() && info->schema_version == kStoreSchemaVersion ? Status::Ok() : Status::Internal("bad schema");
    }));
  }
  for (auto& f : opened) {
    const Status s = f.get();
    EXPECT_TRUE(s.ok()) << s.message();
  }
}

// A dimension keeps at most kMaxSegmentValues values; once full, its values
// are all cached and a new one costs no query (a per-customer attribute
// would otherwise cost one on every conversation).
// A new SQLite store and its log are readable by their owner only.
TEST(SqliteStore, IsCreatedForItsOwnerOnly) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Begin().ok());
  ASSERT_TRUE((*store)->RegisterModel("m", "{}").ok());
  ASSERT_TRUE((*store)->Commit().ok());
  for (const std::string& file : {db, db + "-wal", db + "-shm"}) {
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

// Processes that create one new store at once all open it (before: all but
// one failed with "table meta already exists").
TEST(SqliteStore, ProcessesCreatingOneStoreTogetherAllOpenIt) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  std::vector<pid_t> children;
  for (int i = 0; i < 6; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto opened = Store::Open(db);
      if (!opened.ok()) std::fprintf(stderr, "%s\n", opened.status().message().c_str());
      _exit(opened.ok() ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

TEST(SegmentDictionary, AFullDimensionStopsGrowingAndStopsAsking) {
  std::map<std::pair<std::string, std::string>, int64_t> table;
  int queries = 0;
  store::SegmentDictionary::Table t;
  t.find = [&](std::string_view d, std::string_view v) -> Result<std::optional<int64_t>> {
    ++queries;
    auto it = table.find({std::string(d), std::string(v)});
    return it == table.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
  t.count = [&](std::string_view d) -> Result<int64_t> {
    ++queries;
    int64_t n = 0;
    for (const auto& [k, id] : table) n += k.first == d;
    return n;
  };
  t.all = [&](std::string_view d, const std::function<void(int64_t, std::string)>& each) {
    ++queries;
    for (const auto& [k, id] : table) {
      if (k.first == d) each(id, k.second);
    }
    return Status::Ok();
  };
  t.add = [&](std::string_view d, std::string_view v) -> Result<int64_t> {
    const auto id = static_cast<int64_t>(table.size() + 1);
    table[{std::string(d), std::string(v)}] = id;
    return id;
  };
  store::SegmentDictionary dict(t);
  for (int64_t i = 0; i < kMaxSegmentValues; ++i) {
    auto id = dict.Id("customer", "u-" + std::to_string(i));
    ASSERT_TRUE(id.ok() && id->has_value());
  }
  EXPECT_EQ(*dict.Id("customer", "u-7"), table.at({"customer", "u-7"}));
  EXPECT_FALSE(dict.Id("customer", "u-new")->has_value());
  const int asked = queries;
  EXPECT_FALSE(dict.Id("customer", "u-newer")->has_value());
  EXPECT_EQ(*dict.Id("customer", "u-9"), table.at({"customer", "u-9"}));
  EXPECT_EQ(queries, asked) << "a full dimension is answered from the cache";
  EXPECT_TRUE(dict.Id("channel", "chat")->has_value()) << "other dimensions still grow";
  // A conversation's row lists its values in order, without the capped one.
  Conversation c;
  c.channel = "chat", c.topic = "billing", c.attributes = {{"customer", "u-other"}, {"plan", "pro"}};
  auto row = dict.RowSegments(c, Language::kSpanish);
  ASSERT_TRUE(row.ok());
  std::vector<uint32_t> ids;
  store::DecodeSegmentIds(*row, &ids);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], table.at({"channel", "chat"}));
  EXPECT_EQ(ids[2], table.at({"language", "es"})) << "the conversation's language is a segment";
  EXPECT_EQ(ids[3], table.at({"plan", "pro"}));
}

// Messages name a PostgreSQL store without its password.
TEST(PgStore, MessagesNeverShowThePassword) {
  EXPECT_EQ(RedactPgUrl("postgresql://ann:s3cret@db:5432/cs"), "postgresql://ann:***@db:5432/cs");
  EXPECT_EQ(RedactPgUrl("postgresql://db/cs?user=ann&password=s3cret&sslmode=require"),
            "postgresql://db/cs?user=ann&password=***&sslmode=require");
  EXPECT_EQ(RedactPgUrl("postgresql://ann@db/cs"), "postgresql://ann@db/cs");
  auto refused = Store::Open("postgresql://ann:s3cret@127.0.0.1:1/cs?connect_timeout=2");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().find("s3cret"), std::string::npos) << refused.status().message();
  EXPECT_NE(refused.status().message().find("cannot connect to postgresql://ann:***@127.0.0.1:1/cs"), std::string::npos)
      << refused.status().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, testing::kBothBackends, testing::BackendName);

}  // namespace
}  // namespace convsent
