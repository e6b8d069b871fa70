// WebhookSender directly: a delivery over loopback, retries of a failing
// receiver, the destinations it refuses (link-local metadata addresses,
// hosts outside an allow-list) without trying them again, the deadline that
// ends a receiver trickling its answer, and a slow destination that does
// not hold up another.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "convsent/webhook.h"
#include "loopback_server.h"

namespace convsent {
namespace {

using std::chrono::milliseconds;

WebhookOptions Quick(std::vector<std::string> allowed_hosts = {}) {
  WebhookOptions o;
  o.max_attempts = 3;
  o.first_backoff = milliseconds(10);
  o.allowed_hosts = std::move(allowed_hosts);
  return o;
}

// A receiver on loopback that answers `status` and counts what it got.
class Receiver {
 public:
  explicit Receiver(int status) {
    http_.server().Post("/hook", [this, status](const httplib::Request& req, httplib::Response& res) {
      ++received_;
      last_ = req.body;
      res.status = status;
    });
    http_.Start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_.port()) + "/hook"; }
  int received() const { return received_.load(); }
  std::string last() const { return last_; }

 private:
  std::atomic<int> received_{0};
  std::string last_;
  testing::LoopbackServer http_;  // last: stopped before what its handler touches goes
};

TEST(WebhookSender, DeliversAndRetriesAFailingReceiver) {
  Receiver ok(200), failing(503);
  WebhookSender sender(Quick());
  sender.Send(1, ok.url(), R"({"a":1})");
  sender.Send(2, failing.url(), R"({"b":2})");
  const auto outcomes = sender.Wait(milliseconds(5000));
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes) {
    if (o.id == 1) {
      EXPECT_TRUE(o.delivered && o.attempts == 1);
    } else {
      EXPECT_TRUE(o.gave_up && o.attempts == 3) << o.error;
    }
  }
  EXPECT_EQ(ok.last(), R"({"a":1})");
  EXPECT_EQ(failing.received(), 3);
}

TEST(WebhookSender, RefusesMetadataAddressesAndHostsOutsideTheAllowList) {
  WebhookSender open(Quick());
  open.Send(1, "http://169.254.169.254/latest/meta-data/", "{}");
  open.Send(2, "http://[fe80::1]:8080/x", "{}");
  for (const auto& o : open.Wait(milliseconds(5000))) {
    EXPECT_TRUE(o.gave_up) << o.id;
    EXPECT_EQ(o.attempts, 1) << "refused, not retried";
    EXPECT_NE(o.error.find("link-local"), std::string::npos) << o.error;
  }
  Receiver ok(200);
  WebhookSender listed(Quick({"hooks.example.com"}));
  listed.Send(3, ok.url(), "{}");
  const auto outcomes = listed.Wait(milliseconds(5000));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].gave_up);
  EXPECT_NE(outcomes[0].error.find("allow-list"), std::string::npos) << outcomes[0].error;
  EXPECT_EQ(ok.received(), 0);
}

// A receiver that answers 200 and then its body a byte every 100 ms, until
// it goes: each read gets something, so no read timeout ever fires.
class TricklingReceiver {
 public:
  TricklingReceiver() {
    http_.server().Post("/hook", [this](const httplib::Request&, httplib::Response& res) {
      ++received_;
      res.set_chunked_content_provider("application/json", [this](size_t, httplib::DataSink& sink) {
        while (!stopping_.load()) {
          std::this_thread::sleep_for(milliseconds(100));
          if (!sink.write(" ", 1)) return false;
        }
        sink.done();
        return true;
      });
    });
    http_.Start();
  }
  ~TricklingReceiver() { stopping_ = true; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_.port()) + "/hook"; }
  int received() const { return received_.load(); }

 private:
  std::atomic<int> received_{0};
  std::atomic<bool> stopping_{false};
  testing::LoopbackServer http_;
};

TEST(WebhookSender, AReceiverThatTricklesIsCutOffAtTheDeadline) {
  TricklingReceiver slow;
  WebhookOptions o = Quick();
  o.max_attempts = 2, o.deadline = milliseconds(300), o.timeout = milliseconds(2000);
  WebhookSender sender(o);
  const auto start = std::chrono::steady_clock::now();
  sender.Send(1, slow.url(), "{}");
  const auto outcomes = sender.Wait(milliseconds(10000));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].gave_up);
  EXPECT_EQ(outcomes[0].attempts, 2);
  EXPECT_NE(outcomes[0].error.find("within 300 ms"), std::string::npos) << outcomes[0].error;
  EXPECT_EQ(slow.received(), 2);
  EXPECT_LT(took, milliseconds(2000)) << "two attempts of 300 ms, not the read timeout";
}

// Every attempt goes to on_attempt, retries with when the next is due; a
// slow destination holds at most per_destination threads, so another
// destination's deliveries go out meanwhile; and the destructor cuts off
// the attempts in flight without reporting them.
TEST(WebhookSender, ASlowDestinationDoesNotHoldUpAnother) {
  TricklingReceiver slow;
  Receiver ok(200), failing(503);
  std::mutex mu;
  std::map<int64_t, std::vector<WebhookOutcome>> seen;
  WebhookOptions o = Quick();
  o.threads = 4, o.per_destination = 2, o.deadline = milliseconds(5000), o.max_attempts = 3;
  o.on_attempt = [&](const WebhookOutcome& outcome) {
    std::lock_guard lock(mu);
    seen[outcome.id].push_back(outcome);
  };
  auto sender = std::make_unique<WebhookSender>(o);
  for (int i = 0; i < 6; ++i) sender->Send(100 + i, slow.url(), "{}");
  for (int i = 0; i < 5; ++i) sender->Send(i, ok.url(), "{}");
  sender->Send(50, failing.url(), "{}");
  for (int waited = 0; waited < 3000 && (ok.received() < 5 || failing.received() < 3); waited += 10) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(ok.received(), 5) << "delivered while the slow destination holds its two threads";
  EXPECT_EQ(failing.received(), 3);
  EXPECT_EQ(slow.received(), 2) << "at most per_destination attempts to one destination at once";
  std::this_thread::sleep_for(milliseconds(50));  // the last callback
  const auto start = std::chrono::steady_clock::now();
  sender.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000)) << "the destructor cuts attempts off";
  std::lock_guard lock(mu);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(seen[i].size(), 1u);
    EXPECT_TRUE(seen[i][0].delivered);
  }
  ASSERT_EQ(seen[50].size(), 3u);
  EXPECT_EQ(seen[50][0].retry_in, milliseconds(10));
  EXPECT_EQ(seen[50][1].retry_in, milliseconds(20));
  EXPECT_TRUE(seen[50][2].gave_up);
  EXPECT_NE(seen[50][2].error.find("HTTP 503"), std::string::npos);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(seen[100 + i].empty()) << "a cut-off attempt is not an outcome";
}

}  // namespace
}  // namespace convsent
