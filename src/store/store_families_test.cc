// The store's record families (HACKING.md) against both backends: webhook
// deliveries, alerts, interventions, API keys, the review queue, labels and
// the backlog.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "store_fixture.h"

namespace convsent {
namespace {

using testing::Backend;
using testing::kDay;
using testing::kT0;

class StoreFamiliesTest : public testing::StoreTest {};

TEST_P(StoreFamiliesTest, WebhookDeliveriesArePendingUntilDone) {
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

TEST_P(StoreFamiliesTest, SyncCursorsCommitWithTheirTransaction) {
  SyncCursors& c = store_->sync_cursors();
  auto none = c.Get("zendesk");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->has_value()) << "a sync that never ran has no cursor";
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(c.Set("zendesk", R"({"after_cursor":"a"})", kT0).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_FALSE(c.Get("zendesk")->has_value()) << "a rolled-back cursor is not kept";
  ASSERT_TRUE(c.Set("zendesk", R"({"after_cursor":"a"})", kT0).ok());
  ASSERT_TRUE(c.Set("zendesk", R"({"after_cursor":"b"})", kT0 + 1).ok());
  ASSERT_TRUE(c.Set("front", "{}", kT0).ok());
  EXPECT_EQ(c.Get("zendesk")->value(), R"({"after_cursor":"b"})") << "set again: replaced";
  auto all = c.List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].name, "zendesk");
  EXPECT_EQ((*all)[1].updated_at_ms, kT0 + 1);

  // Webhook events: the first sighting is new, a replay is not, and an
  // entry past the window is forgotten.
  EXPECT_TRUE(*c.FirstSeen("zendesk", "d1", kT0 + kDay, kT0));
  EXPECT_FALSE(*c.FirstSeen("zendesk", "d1", kT0 + kDay, kT0 + 5)) << "a replay";
  EXPECT_TRUE(*c.FirstSeen("front", "d1", kT0 + kDay, kT0 + 5)) << "another system's digest";
  EXPECT_TRUE(*c.FirstSeen("zendesk", "d2", kT0 + 3 * kDay, kT0 + 5));
  EXPECT_TRUE(*c.FirstSeen("zendesk", "d1", kT0 + 3 * kDay, kT0 + 2 * kDay)) << "forgotten once expired";
  EXPECT_FALSE(*c.FirstSeen("zendesk", "d2", kT0 + 4 * kDay, kT0 + 2 * kDay)) << "one not expired is kept";
}

TEST_P(StoreFamiliesTest, WriteBacksAreQueuedOnceByKeyAndDueInOrder) {
  WriteBacks& w = store_->write_backs();
  WriteBack tag;
  tag.system = "zendesk", tag.conversation = "7", tag.kind = "tag", tag.value = "convsent-negative", tag.key = "tag:7:1";
  tag.created_at_ms = tag.next_at_ms = kT0;
  auto first = w.Add(tag);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_GT(*first, 0);
  EXPECT_EQ(*w.Add(tag), 0) << "the same key is queued once";
  WriteBack note = tag;
  note.kind = "note", note.value = "in the review queue", note.key = "note:7:1", note.next_at_ms = kT0 + kDay;
  ASSERT_GT(*w.Add(note), 0);
  EXPECT_EQ(*w.LastTag("zendesk", "7"), "convsent-negative");
  EXPECT_EQ(*w.LastTag("chatwoot", "7"), "") << "another system's conversation";
  auto due = w.Due(kT0, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u) << "the note is not due yet";
  WriteBack sent = (*due)[0];
  EXPECT_EQ(sent.key, "tag:7:1");
  sent.status = "sent", sent.attempts = 1, sent.done_at_ms = kT0 + 5;
  ASSERT_TRUE(w.Update(sent).ok());
  due = w.Due(kT0 + kDay, 10);
  ASSERT_EQ(due->size(), 1u) << "sent ones are not due again";
  EXPECT_EQ((*due)[0].kind, "note");
  auto recent = w.Recent(10);
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[1].status, "sent");
  EXPECT_EQ((*recent)[1].attempts, 1);
}

TEST_P(StoreFamiliesTest, DiscoveredIssuesKeepTheirPhrasesAndAlert) {
  auto empty = store_->discovered_issues().List();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  DiscoveredIssueRecord r;
  r.phrases = {"android", "logs \"me\" out"}, r.period = "2026-W44", r.negative = 15, r.lift = 92.75;
  r.found_at_ms = 1234, r.alert = 7;
  auto id = store_->discovered_issues().Add(r);
  ASSERT_TRUE(id.ok()) << id.status().message();
  DiscoveredIssueRecord plain;
  plain.phrases = {"promo code"}, plain.period = "2026-W45";
  ASSERT_TRUE(store_->discovered_issues().Add(plain).ok());
  auto all = store_->discovered_issues().List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *id);
  EXPECT_EQ((*all)[0].phrases, r.phrases);
  EXPECT_EQ((*all)[0].period, "2026-W44");
  EXPECT_EQ((*all)[0].negative, 15);
  EXPECT_DOUBLE_EQ((*all)[0].lift, 92.75);
  EXPECT_EQ((*all)[0].found_at_ms, 1234);
  EXPECT_EQ((*all)[0].alert, 7);
  EXPECT_EQ((*all)[1].alert, 0);
}

TEST_P(StoreFamiliesTest, AlertsInterventionsAndKeys) {
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

TEST_P(StoreFamiliesTest, TheReviewQueueAndHumanLabels) {
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
TEST_P(StoreFamiliesTest, LabelsAreCheckedAndReachTheReportRow) {
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

// A message label's index counts every message, bots' and notes' too, not
// only the customer and agent turns the row keeps (the floor Add checks first).
TEST_P(StoreFamiliesTest, MessageLabelsCountBotAndNoteMessages) {
  Conversation c;
  c.id = "c-2", c.channel = "chat", c.created_at_ms = kT0;
  for (Role role : {Role::kCustomer, Role::kBot, Role::kNote}) {
    Message m;
    m.role = role, m.at_ms = kT0, m.text = "where is my parcel";
    c.messages.push_back(m);
  }
  ASSERT_TRUE(Put(ScoreConversation(std::move(c), *scorer_)).ok());
  Labels& labels = store_->labels();
  EXPECT_EQ(*labels.MessageCount("c-2"), std::optional<int>(3));
  HumanLabel l;
  l.conversation = "c-2", l.label = Sentiment::kNeutral, l.source = "import", l.at_ms = kT0;
  l.message = 2;
  EXPECT_TRUE(labels.Add(l).ok()) << "the note is message 2";
  l.message = 3;
  EXPECT_EQ(labels.Add(l).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreFamiliesTest, TheBacklogHandsOutEachItemOnce) {
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

TEST_P(StoreFamiliesTest, AReviewItemReadInATransactionIsHeldUntilItEnds) {
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

INSTANTIATE_TEST_SUITE_P(Backends, StoreFamiliesTest, testing::kBothBackends, testing::BackendName);

}  // namespace
}  // namespace convsent
