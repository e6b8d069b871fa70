// DeliverAlerts and AcknowledgeAlert on a real store, with loopback
// receivers.
#include <gtest/gtest.h>

#include <atomic>

#include "convsent/tree.h"
#include "loopback_server.h"
#include "test_util.h"

namespace convsent {
namespace {

class AlertDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path() + "/s.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  int64_t Add(const std::string& node, const std::string& webhook, const std::string& delivery) {
    AlertRecord a;
    a.node = node, a.kind = "prevalence", a.period = "2026-W48", a.webhook = webhook, a.delivery = delivery;
    a.message = node + " moved", a.created_at_ms = 1000;
    auto id = store_->alerts().Add(a);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
  AlertRecord Get(int64_t id) {
    auto all = store_->alerts().List(false);
    EXPECT_TRUE(all.ok());
    for (const AlertRecord& a : *all) {
      if (a.id == id) return a;
    }
    ADD_FAILURE() << "no alert " << id;
    return {};
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AlertDelivery, PendingAlertsArePostedAndTheirOutcomesStored) {
  std::atomic<int> good_posts{0}, bad_posts{0};
  testing::LoopbackServer good, bad;
  good.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    ++good_posts;
    EXPECT_NE(req.body.find("\"convsent.alert\""), std::string::npos);
    res.status = 200;
  });
  bad.server().Post("/hook", [&](const httplib::Request&, httplib::Response& res) {
    ++bad_posts;
    res.status = 503;
  });
  good.Start();
  bad.Start();
  const auto url = [](const testing::LoopbackServer& s) { return "http://127.0.0.1:" + std::to_string(s.port()) + "/hook"; };
  const int64_t sent = Add("wait_and_effort", url(good), "pending");
  const int64_t failing = Add("billing", url(bad), "pending");
  const int64_t quiet = Add("product", "", "none");
  const TreeConfig config;
  auto undelivered = DeliverAlerts(*store_, config, std::chrono::milliseconds(300));
  ASSERT_TRUE(undelivered.ok()) << undelivered.status().message();
  EXPECT_EQ(good_posts.load(), 1);
  EXPECT_GE(bad_posts.load(), 1);
  EXPECT_EQ(Get(sent).delivery, "sent");
  EXPECT_EQ(Get(sent).attempts, 1);
  const AlertRecord f = Get(failing);
  EXPECT_EQ(f.delivery, "pending");  // retried on the next run
  EXPECT_GE(f.attempts, 1);
  EXPECT_NE(f.last_error.find("503"), std::string::npos) << f.last_error;
  ASSERT_EQ(undelivered->size(), 1u);
  EXPECT_EQ((*undelivered)[0].id, failing);
  EXPECT_EQ(Get(quiet).delivery, "none");
  // The next run posts only what is still pending.
  good_posts = 0;
  ASSERT_TRUE(DeliverAlerts(*store_, config, std::chrono::milliseconds(100)).ok());
  EXPECT_EQ(good_posts.load(), 0);
}

TEST_F(AlertDelivery, AnOpenAlertIsAcknowledgedOnce) {
  const int64_t id = Add("wait_and_effort", "", "none");
  ASSERT_TRUE(AcknowledgeAlert(*store_, id, 5000).ok());
  EXPECT_EQ(Get(id).status, "acknowledged");
  EXPECT_EQ(Get(id).closed_at_ms, 5000);
  const Status again = AcknowledgeAlert(*store_, id, 6000);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("already acknowledged"), std::string::npos) << again.message();
  EXPECT_EQ(Get(id).closed_at_ms, 5000);
  EXPECT_EQ(AcknowledgeAlert(*store_, id + 100, 6000).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace convsent
