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
#include "test_util.h"

namespace convsent {
namespace {

using testing::PgTestDatabase;

using testing::Backend;

class StoreTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto store = Store::Open(location_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    auto model = Model::Embedded();
    ASSERT_TRUE(model.ok());
    scorer_ = std::make_unique<Scorer>(*model);
    auto id = store_->RegisterModel((*model)->info().version, "{}");
    ASSERT_TRUE(id.ok()) << id.status().message();
    model_id_ = *id;
    ASSERT_TRUE(store_->SetCurrentModel((*model)->info().version).ok());
  }

  std::unique_ptr<Store> OpenAnother() {
    auto store = Store::Open(location_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  ScoredConversation Make(const std::string& id, int64_t created_at_ms, std::vector<std::string> texts,
                          const std::string& channel = "chat") {
    Conversation c;
    c.id = id;
    c.channel = channel;
    c.topic = "billing";
    c.team = "tier-1";
    c.tags = {"refund", "vip"};
    c.attributes = {{"agent", "a-07"}, {"plan", "pro"}};
    c.created_at_ms = created_at_ms;
    c.csat = 2;
    c.nps = 6;
    c.events = {{"escalated", created_at_ms + 60000}};
    for (size_t i = 0; i < texts.size(); ++i) {
      Message m;
      m.role = i % 2 == 0 ? Role::kCustomer : Role::kAgent;
      m.author = i % 2 == 0 ? "u-1" : "a-07";
      m.at_ms = created_at_ms + static_cast<int64_t>(i) * 30000;
      m.text = texts[i];
      c.messages.push_back(std::move(m));
    }
    return ScoreConversation(std::move(c), *scorer_);
  }

  Status Put(const ScoredConversation& sc) {
    RETURN_IF_ERROR(store_->Begin());
    RETURN_IF_ERROR(store_->conversations().Put(sc, model_id_));
    return store_->Commit();
  }

  std::vector<ReportRow> Rows(int64_t from = INT64_MIN, int64_t to = INT64_MAX) {
    std::vector<ReportRow> rows;
    EXPECT_TRUE(store_->conversations().ScanForReport(from, to, [&](const ReportRow& r) { rows.push_back(r); }).ok());
    return rows;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Scorer> scorer_;
  int64_t model_id_ = 0;
};

constexpr int64_t kDay = 86400000;
constexpr int64_t kT0 = 1793000000000;  // 2026-10-26

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
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].created_at_ms, kT0 + kDay);
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
      {"tag", "vip"},       {"agent", "a-07"},    {"plan", "pro"}};
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
TEST_P(StoreTest, WebhookDeliveriesArePendingUntilDone) {
  WebhookDeliveries& w = store_->webhook_deliveries();
  WebhookDelivery d;
  d.url = "http://hooks.example/a", d.payload = R"({"id":1})", d.created_at_ms = kT0, d.next_at_ms = kT0;
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(w.Add(d).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_TRUE(w.Pending(10)->empty()) << "a rolled-back delivery is not pending";

  auto first = w.Add(d);
  d.url = "http://hooks.example/b";
  auto second = w.Add(d);
  ASSERT_TRUE(first.ok() && second.ok()) << first.status().message();
  auto pending = w.Pending(10);
  ASSERT_TRUE(pending.ok()) << pending.status().message();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, *first) << "oldest first";
  EXPECT_EQ((*pending)[0].payload, R"({"id":1})");
  EXPECT_EQ(w.Pending(1)->size(), 1u);

  WebhookDelivery sent = (*pending)[0];
  sent.status = "sent", sent.attempts = 2, sent.done_at_ms = kT0 + 5000, sent.last_error = "";
  ASSERT_TRUE(w.Update(sent).ok());
  WebhookDelivery retry = (*pending)[1];
  retry.attempts = 1, retry.next_at_ms = kT0 + 2000, retry.last_error = "HTTP 503";
  ASSERT_TRUE(w.Update(retry).ok());
  pending = w.Pending(10);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, *second);
  EXPECT_EQ((*pending)[0].next_at_ms, kT0 + 2000);
  EXPECT_EQ((*pending)[0].last_error, "HTTP 503");
  auto recent = w.Recent(10);
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[1].status, "sent");
  EXPECT_EQ((*recent)[1].attempts, 2);

  sent.id = 999;
  EXPECT_EQ(w.Update(sent).code(), StatusCode::kNotFound);
  EXPECT_EQ(*w.Prune(kT0 + 1000), 0) << "finished after the cut-off";
  EXPECT_EQ(*w.Prune(kT0 + 6000), 1);
  EXPECT_EQ(w.Recent(10)->size(), 1u) << "a pending delivery is never pruned";
}

TEST_P(StoreTest, AlertsInterventionsAndKeys) {
  AlertRecord a;
  a.node = "wait", a.kind = "prevalence", a.period = "2026-W44", a.before = 0.1, a.after = 0.25, a.p = 0.001;
  a.owner = "ops", a.message = "wait up";
  auto id = store_->alerts().Add(a);
  ASSERT_TRUE(id.ok()) << id.status().message();
  a.id = *id;
  a.status = "acknowledged", a.delivery = "failed", a.attempts = 3, a.last_error = "timeout";
  ASSERT_TRUE(store_->alerts().Update(a).ok());
  auto all = store_->alerts().List(false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].status, "acknowledged");
  EXPECT_EQ((*all)[0].attempts, 3);
  EXPECT_DOUBLE_EQ((*all)[0].after, 0.25);
  EXPECT_TRUE(store_->alerts().List(true)->empty());
  a.id = 999;
  EXPECT_EQ(store_->alerts().Update(a).code(), StatusCode::kNotFound);

  InterventionRecord v;
  v.node = "billing", v.at_ms = kT0, v.owner = "finance", v.note = "new refund flow";
  v.segment = {{"channel", "chat"}, {"tag", "refund"}};
  ASSERT_TRUE(store_->interventions().Add(v).ok());
  auto vs = store_->interventions().List();
  ASSERT_TRUE(vs.ok());
  ASSERT_EQ(vs->size(), 1u);
  EXPECT_EQ((*vs)[0].segment, v.segment);

  ApiKeyRecord k;
  k.name = "ci", k.role = "viewer", k.prefix = "cs_ab", k.hash = "deadbeef", k.created_at_ms = kT0;
  auto kid = store_->api_keys().Add(k);
  ASSERT_TRUE(kid.ok());
  auto found = store_->api_keys().Find("deadbeef");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->role, "viewer");
  ASSERT_TRUE(store_->api_keys().Revoke(*kid, kT0 + 1).ok());
  EXPECT_FALSE(store_->api_keys().Find("deadbeef")->has_value());
  EXPECT_EQ(store_->api_keys().Revoke(*kid, kT0 + 2).code(), StatusCode::kNotFound);
  EXPECT_EQ((*store_->api_keys().List())[0].revoked_at_ms, kT0 + 1);
}

TEST_P(StoreTest, TheReviewQueueAndHumanLabels) {
  ASSERT_TRUE(Put(Make("c-1", kT0, {"cancel my account"})).ok());
  ReviewItem r;
  r.conversation = "c-1", r.reason = "cancellation intent", r.severity = "medium", r.compound = -0.6;
  r.created_at_ms = kT0;
  auto id = store_->review_items().Add(r);
  ASSERT_TRUE(id.ok() && id->has_value());
  EXPECT_FALSE(store_->review_items().Add(r)->has_value()) << "a conversation enters the queue once";
  ReviewItem high = r;
  high.conversation = "c-2", high.severity = "high", high.created_at_ms = kT0 + 1;
  ASSERT_TRUE(store_->review_items().Add(high)->has_value());
  ReviewItem audit = r;  // drawn at random, the oldest: after the flagged ones all the same
  audit.conversation = "c-0", audit.severity = "audit", audit.created_at_ms = kT0 - 1;
  ASSERT_TRUE(store_->review_items().Add(audit)->has_value());
  auto by_severity = store_->review_items().List("", "severity", 10);
  ASSERT_TRUE(by_severity.ok());
  ASSERT_EQ(by_severity->size(), 3u);
  EXPECT_EQ((*by_severity)[0].conversation, "c-2");
  EXPECT_EQ((*by_severity)[1].conversation, "c-1");
  EXPECT_EQ((*by_severity)[2].conversation, "c-0");
  EXPECT_EQ((*store_->review_items().List("", "age", 10))[0].conversation, "c-0");
  EXPECT_EQ(store_->review_items().List("open", "age", 1)->size(), 1u);

  auto item = store_->review_items().Get(**id);
  ASSERT_TRUE(item.ok() && item->has_value());
  ReviewItem claimed = **item;
  claimed.status = "claimed", claimed.claimed_by = "rita", claimed.claimed_key = 7, claimed.claimed_at_ms = kT0 + 5;
  ASSERT_TRUE(store_->review_items().Update(claimed).ok());
  EXPECT_EQ((*store_->review_items().Get(**id))->claimed_by, "rita");
  EXPECT_EQ((*store_->review_items().Get(**id))->claimed_key, 7);
  EXPECT_TRUE(store_->review_items().List("claimed", "age", 10)->size() == 1);
  EXPECT_FALSE(store_->review_items().Get(12345)->has_value());

  // The random sample stays whole: an audit item meeting a flagged one, or
  // a flag meeting an audit item, make one audit item with the flag's
  // severity, open again when it was resolved.
  ReviewItem drawn = r;
  drawn.conversation = "c-3", drawn.severity = "audit", drawn.audit = true, drawn.reason = "random audit";
  const auto a3 = store_->review_items().Add(drawn);
  ASSERT_TRUE(a3.ok() && a3->has_value());
  EXPECT_FALSE(store_->review_items().Add(drawn)->has_value()) << "drawn once";
  ReviewItem flag3 = r;
  flag3.conversation = "c-3", flag3.severity = "high", flag3.reason = "very negative", flag3.compound = -0.9;
  EXPECT_EQ(*store_->review_items().Add(flag3), *a3) << "the flag raises the audit item";
  auto merged = *store_->review_items().Get(**a3);
  EXPECT_TRUE(merged->audit);
  EXPECT_EQ(merged->severity, "high");
  EXPECT_EQ(merged->reason, "very negative");
  EXPECT_DOUBLE_EQ(merged->compound, -0.9);
  EXPECT_FALSE(store_->review_items().Add(flag3)->has_value()) << "raised once";
  EXPECT_FALSE(store_->review_items().Add(drawn)->has_value()) << "already an audit item";
  // A resolved flagged item drawn later opens again, as an audit item.
  ReviewItem done = **item;
  done.status = "resolved", done.label = "neutral", done.resolved_at_ms = kT0 + 6;
  ASSERT_TRUE(store_->review_items().Update(done).ok());
  ReviewItem drawn1 = drawn;
  drawn1.conversation = "c-1";
  EXPECT_EQ(*store_->review_items().Add(drawn1), **id);
  auto reopened = *store_->review_items().Get(**id);
  EXPECT_TRUE(reopened->audit);
  EXPECT_EQ(reopened->status, "open");
  EXPECT_EQ(reopened->severity, "medium") << "keeps the flag's severity";
  EXPECT_EQ(reopened->label, "");
  EXPECT_EQ(reopened->claimed_key, 0);
  EXPECT_EQ(reopened->resolved_at_ms, 0);

  HumanLabel l;
  l.conversation = "c-1", l.label = Sentiment::kNeutral, l.reviewer = "rita", l.note = "just leaving", l.at_ms = kT0 + 9;
  ASSERT_TRUE(store_->labels().Add(l).ok());
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].human, Sentiment::kNeutral);
  EXPECT_FALSE(rows[0].audit.has_value()) << "a review label is not an audit";
  // A conversation stored again keeps its human label.
  ASSERT_TRUE(Put(Make("c-1", kT0, {"cancel my account", "done"})).ok());
  EXPECT_EQ(Rows()[0].human, Sentiment::kNeutral);
}

// The labels family: conversation and message labels, checked against the
// stored conversation; the latest conversation label on the report row,
// and the latest audit label apart (only audits correct the shares).
TEST_P(StoreTest, LabelsAreCheckedAndReachTheReportRow) {
  ASSERT_TRUE(Put(Make("c-1", kT0, {"I was charged twice!!", "Sorry, refunding now.", "thanks"})).ok());
  Labels& labels = store_->labels();
  EXPECT_EQ(*labels.MessageCount("c-1"), std::optional<int>(3));
  EXPECT_FALSE(labels.MessageCount("nope")->has_value());
  HumanLabel l;
  l.conversation = "c-1", l.label = Sentiment::kNegative, l.source = "audit", l.reviewer = "ana", l.model = "m1";
  l.at_ms = kT0 + 1;
  ASSERT_TRUE(labels.Add(l).ok());
  EXPECT_EQ(Rows()[0].audit, Sentiment::kNegative);
  EXPECT_EQ(Rows()[0].human, Sentiment::kNegative);
  // A later review label is the human label; the audit label stays.
  HumanLabel review = l;
  review.source = "review", review.label = Sentiment::kNeutral, review.reviewer = "bob";
  ASSERT_TRUE(labels.Add(review).ok());
  EXPECT_EQ(Rows()[0].audit, Sentiment::kNegative);
  EXPECT_EQ(Rows()[0].human, Sentiment::kNeutral);
  // A message label leaves the row alone.
  HumanLabel message = l;
  message.message = 2, message.label = Sentiment::kPositive;
  ASSERT_TRUE(labels.Add(message).ok());
  EXPECT_EQ(Rows()[0].audit, Sentiment::kNegative);
  message.message = 3;
  EXPECT_EQ(labels.Add(message).code(), StatusCode::kInvalidArgument) << "c-1 has 3 messages";
  message.conversation = "nope", message.message = 0;
  EXPECT_EQ(labels.Add(message).code(), StatusCode::kNotFound);
  std::vector<HumanLabel> all;
  ASSERT_TRUE(labels.ForEach([&](const HumanLabel& x) { return all.push_back(x), Status::Ok(); }).ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].source, "audit");
  EXPECT_EQ(all[0].message, -1);
  EXPECT_EQ(all[0].model, "m1");
  EXPECT_EQ(all[0].at_ms, kT0 + 1);
  EXPECT_EQ(all[1].reviewer, "bob");
  EXPECT_EQ(all[2].message, 2);
  EXPECT_EQ(all[2].label, Sentiment::kPositive);
  // A conversation stored again keeps both.
  ASSERT_TRUE(Put(Make("c-1", kT0, {"I was charged twice!!", "Sorry, refunding now."})).ok());
  EXPECT_EQ(Rows()[0].audit, Sentiment::kNegative);
}

TEST_P(StoreTest, TheBacklogHandsOutEachItemOnce) {
  std::vector<std::string> items;
  for (int i = 0; i < 10; ++i) items.push_back("{\"id\":\"b-" + std::to_string(i) + "\",\"note\":\"tab\\there\"}");
  ASSERT_TRUE(store_->backlog().Enqueue(items, kT0).ok());
  EXPECT_EQ(*store_->backlog().Size(), 10);
  // A rollback puts claimed items back.
  ASSERT_TRUE(store_->Begin().ok());
  auto first = store_->backlog().Claim(4);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->size(), 4u);
  EXPECT_EQ((*first)[0].conversation, items[0]);
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_EQ(*store_->backlog().Size(), 10);
  // A commit removes them for good.
  ASSERT_TRUE(store_->Begin().ok());
  auto taken = store_->backlog().Claim(4);
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_EQ(taken->size(), 4u);
  EXPECT_EQ((*taken)[3].conversation, items[3]);
  EXPECT_EQ(*store_->backlog().Size(), 6);
  if (GetParam() != Backend::kPostgres) return;
  // Two workers claiming at once get different items.
  auto other = OpenAnother();
  ASSERT_TRUE(other);
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(other->Begin().ok());
  auto mine = store_->backlog().Claim(3);
  auto theirs = other->backlog().Claim(10);
  ASSERT_TRUE(mine.ok() && theirs.ok());
  EXPECT_EQ(mine->size(), 3u);
  EXPECT_EQ(theirs->size(), 3u);
  std::set<int64_t> ids;
  for (const auto& b : *mine) ids.insert(b.id);
  for (const auto& b : *theirs) ids.insert(b.id);
  EXPECT_EQ(ids.size(), 6u);
  ASSERT_TRUE(store_->Commit().ok());
  ASSERT_TRUE(other->Commit().ok());
  EXPECT_EQ(*store_->backlog().Size(), 0);
}

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
TEST_P(StoreTest, AReviewItemReadInATransactionIsHeldUntilItEnds) {
  ReviewItem r;
  r.conversation = "c-1", r.reason = "souring", r.severity = "high", r.created_at_ms = kT0;
  auto id = store_->review_items().Add(r);
  ASSERT_TRUE(id.ok() && id->has_value());
  auto other = OpenAnother();
  ASSERT_TRUE(other);
  // Both read it as open, in their own transactions, and claim it if open.
  auto claim = [&](Store* s, const std::string& who) -> std::string {
    if (!s->Begin().ok()) return "error";
    auto item = s->review_items().Get(**id);
    if (!item.ok() || !item->has_value()) return "error";
    ReviewItem it = **item;
    std::string result = "conflict";
    if (it.status == "open") {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      it.status = "claimed", it.claimed_by = who;
      if (!s->review_items().Update(it).ok()) return "error";
      result = "claimed";
    }
    return s->Commit().ok() ? result : "error";
  };
  auto a = std::async(std::launch::async, claim, store_.get(), "ann");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto b = std::async(std::launch::async, claim, other.get(), "bob");
  const std::string ra = a.get(), rb = b.get();
  EXPECT_EQ(ra, "claimed");
  EXPECT_EQ(rb, "conflict");
  EXPECT_EQ((*store_->review_items().Get(**id))->claimed_by, "ann");
}

// Processes that open a new PostgreSQL database at the same moment migrate
// it once: the others wait on the advisory lock, then find it done.
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
  auto row = dict.RowSegments(c);
  ASSERT_TRUE(row.ok());
  std::vector<uint32_t> ids;
  store::DecodeSegmentIds(*row, &ids);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], table.at({"channel", "chat"}));
  EXPECT_EQ(ids[2], table.at({"plan", "pro"}));
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
