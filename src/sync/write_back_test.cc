// One attempt at a write-back: a tag is sent until it lands; a note at most
// once (recorded before the call, and asked for before it is sent again);
// refusals and the eighth attempt give up; failures back off.
#include <gtest/gtest.h>

#include <vector>

#include "convsent/sync.h"

namespace convsent {
namespace {

struct FakeSender : WriteBackSender {
  Status answer = Status::Ok();
  bool note_there = false;
  int sends = 0, asks = 0;
  Status Send(const std::string&, const std::string&, const std::string&) override { return ++sends, answer; }
  Result<bool> HasNote(const std::string&, const std::string&) override { return ++asks, note_there; }
};

WriteBack Due(const char* kind, int attempts = 0) {
  WriteBack w;
  w.id = 7, w.system = "zendesk", w.conversation = "123", w.kind = kind, w.attempts = attempts;
  w.value = std::string(kind) == "note" ? "convsent review item 7: flagged" : "convsent-negative";
  return w;
}

// Every record the attempt made, in order.
struct Recorder {
  std::vector<WriteBack> records;
  Status answer = Status::Ok();
  Status operator()(const WriteBack& w) { return records.push_back(w), answer; }
};

constexpr int64_t kNow = 1'000'000;
// A clock standing at `at`.
std::function<int64_t()> At(int64_t at) {
  return [at] { return at; };
}

TEST(AttemptWriteBack, ATagIsSentAgainUntilItLandsWithABackoff) {
  FakeSender sender;
  Recorder rec;
  WriteBack w = Due("tag");
  sender.answer = Status::IoError("503");
  AttemptWriteBack(&w, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(w.status, "pending");
  EXPECT_EQ(w.attempts, 1);
  EXPECT_EQ(w.next_at_ms, kNow + 2000);
  EXPECT_EQ(w.last_error, "503");
  AttemptWriteBack(&w, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(w.next_at_ms, kNow + 4000) << "doubling";
  sender.answer = Status::Ok();
  AttemptWriteBack(&w, &sender, At(kNow + 5000), std::ref(rec));
  EXPECT_EQ(w.status, "sent");
  EXPECT_EQ(w.done_at_ms, kNow + 5000);
  EXPECT_EQ(w.last_error, "");
  EXPECT_EQ(sender.sends, 3);
  EXPECT_EQ(sender.asks, 0) << "a tag is never asked for";
  ASSERT_EQ(rec.records.size(), 3u) << "one record per attempt";
}

// A call that waits out a timeout: the outcome is timed after it.
TEST(AttemptWriteBack, TheOutcomeIsTimedAfterTheCall) {
  int64_t clock = kNow;
  struct SlowSender : FakeSender {
    int64_t* clock = nullptr;
    Status Send(const std::string& k, const std::string& c, const std::string& v) override {
      *clock += 30000;
      return FakeSender::Send(k, c, v);
    }
  } sender;
  sender.clock = &clock;
  sender.answer = Status::IoError("timed out");
  Recorder rec;
  WriteBack w = Due("tag");
  AttemptWriteBack(&w, &sender, [&clock] { return clock; }, std::ref(rec));
  EXPECT_EQ(w.next_at_ms, kNow + 30000 + 2000);
}

TEST(AttemptWriteBack, ANoteIsRecordedBeforeItsCallAndNotSentTwice) {
  FakeSender sender;
  Recorder rec;
  WriteBack w = Due("note");
  AttemptWriteBack(&w, &sender, At(kNow), std::ref(rec));
  ASSERT_EQ(rec.records.size(), 2u);
  EXPECT_EQ(rec.records[0].attempts, 1) << "the attempt is on record before the call";
  EXPECT_EQ(rec.records[0].status, "pending");
  EXPECT_EQ(w.status, "sent");
  EXPECT_EQ(sender.asks, 0) << "a first attempt does not ask";
  // A note whose last attempt was cut off: the help desk has it, so it is
  // recorded as sent without a second one.
  WriteBack again = Due("note", 1);
  sender.note_there = true;
  AttemptWriteBack(&again, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(again.status, "sent");
  EXPECT_EQ(sender.asks, 1);
  EXPECT_EQ(sender.sends, 1);
  // Not there: sent.
  WriteBack lost = Due("note", 2);
  sender.note_there = false;
  AttemptWriteBack(&lost, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(lost.status, "sent");
  EXPECT_EQ(sender.sends, 2);
}

TEST(AttemptWriteBack, ANoteWhoseAttemptCannotBeRecordedIsNotSent) {
  FakeSender sender;
  Recorder rec;
  rec.answer = Status::IoError("disk full");
  WriteBack w = Due("note");
  AttemptWriteBack(&w, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(sender.sends, 0);
  EXPECT_EQ(w.attempts, 0) << "not counted: it stays due";
  EXPECT_EQ(w.status, "pending");
  EXPECT_EQ(rec.records.size(), 1u);
}

TEST(AttemptWriteBack, ARefusalTheEighthAttemptOrAHelpDeskNoLongerConfiguredGivesUp) {
  FakeSender sender;
  Recorder rec;
  WriteBack refused = Due("tag");
  sender.answer = Status::InvalidArgument("422: no such ticket");
  AttemptWriteBack(&refused, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(refused.status, "failed");
  EXPECT_EQ(refused.last_error, "422: no such ticket");
  WriteBack tired = Due("tag", kMaxWriteBackAttempts - 1);
  sender.answer = Status::IoError("503");
  AttemptWriteBack(&tired, &sender, At(kNow), std::ref(rec));
  EXPECT_EQ(tired.status, "failed");
  EXPECT_EQ(tired.attempts, kMaxWriteBackAttempts);
  WriteBack orphan = Due("tag");
  AttemptWriteBack(&orphan, nullptr, At(kNow), std::ref(rec));
  EXPECT_EQ(orphan.status, "failed");
  EXPECT_NE(orphan.last_error.find("zendesk is no longer configured"), std::string::npos) << orphan.last_error;
  EXPECT_EQ(rec.records.back().status, "failed") << "the outcome is recorded";
}

}  // namespace
}  // namespace convsent
