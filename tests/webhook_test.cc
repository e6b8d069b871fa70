// WebhookSender directly: a delivery over loopback, retries of a failing
// receiver, and the destinations it refuses (link-local metadata addresses,
// hosts outside an allow-list) without trying them again.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
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

}  // namespace
}  // namespace convsent
