// The review queue through convsent serve over real HTTP on loopback: its
// life cycle, server-sent events and people's labels, webhooks that survive
// a kill, claims held by keys, and the continuous audit.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "convsent/labels.h"
#include "convsent/server.h"
#include "convsent/status.h"
#include "convsent/store.h"
#include "loopback_server.h"
#include "server_process.h"
#include "test_util.h"

namespace convsent {
namespace {

using json = nlohmann::json;
using testing::Binary;
using testing::Body;
using testing::NewKey;
using testing::RunCommand;
using testing::ServerProcess;

TEST(ServerQueue, QueueLifeCycleEventsAndHumanLabels) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), ana = NewKey(db, "reviewer", "ana"), bob = NewKey(db, "reviewer", "bob"),
                    viewer = NewKey(db, "viewer");
  ServerProcess server(db);
  // Listen to the event stream first.
  testing::EventStream events(server, ana, "event: resolved", 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto in = server.Client(ingest);
  auto first = in.Post("/v1/conversations/C9/messages", R"({"role":"customer","text":"Hi, where is my parcel?","conversation":{"channel":"chat"}})", "application/json");
  ASSERT_EQ(first->status, 201);
  EXPECT_TRUE(Body(first)["queued"].is_null());
  auto sour = in.Post("/v1/conversations/C9/messages", R"({"role":"customer","text":"This is useless. Worst service ever!!"})", "application/json");
  ASSERT_EQ(sour->status, 201);
  const json queued = Body(sour)["queued"];
  ASSERT_TRUE(queued.is_object()) << sour->body;
  EXPECT_EQ(queued["severity"], "high");
  // Once: another bad message does not queue it again.
  auto again = in.Post("/v1/conversations/C9/messages", R"({"role":"customer","text":"Terrible. Awful."})", "application/json");
  EXPECT_TRUE(Body(again)["queued"].is_null());
  const std::string id = std::to_string(queued["id"].get<int64_t>());
  auto list = Body(server.Client(ana).Get("/v1/queue"));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["conversation"], "C9");
  // Claim, a second claim, release by another, resolve with a label.
  EXPECT_EQ(server.Client(ana).Post("/v1/queue/" + id + "/claim", "{}", "application/json")->status, 200);
  EXPECT_EQ(server.Client(bob).Post("/v1/queue/" + id + "/claim", "{}", "application/json")->status, 409);
  EXPECT_EQ(server.Client(bob).Post("/v1/queue/" + id + "/release", "{}", "application/json")->status, 409);
  EXPECT_EQ(server.Client(bob).Post("/v1/queue/" + id + "/resolve", R"({"label":"negative"})", "application/json")->status, 409);
  auto resolved = server.Client(ana).Post("/v1/queue/" + id + "/resolve", R"({"label":"negative","note":"angry about the parcel"})", "application/json");
  ASSERT_EQ(resolved->status, 200);
  EXPECT_EQ(Body(resolved)["label"], "negative");
  EXPECT_EQ(Body(server.Client(ana).Get("/v1/queue"))["items"].size(), 0u);
  events.Join();
  const std::string stream = events.Text();
  EXPECT_NE(stream.find("event: queued"), std::string::npos) << stream;
  EXPECT_NE(stream.find("\"conversation\":\"C9\""), std::string::npos);
  EXPECT_NE(stream.find("event: claimed"), std::string::npos);
  EXPECT_NE(stream.find("event: resolved"), std::string::npos);
  // The label is kept beside the model's: the report measures agreement.
  const json report = Body(server.Client(viewer).Get("/v1/report"));
  EXPECT_EQ(report["method"]["human_agreement"]["labelled"], 1);
  EXPECT_EQ(report["method"]["human_agreement"]["agreement"], 1.0);
  // The conversation, with its three messages, scores and tone.
  const json conv = Body(server.Client(viewer).Get("/v1/conversations/C9"));
  EXPECT_EQ(conv["messages"].size(), 3u);
  EXPECT_EQ(conv["tone"]["label"], "negative");
  EXPECT_EQ(server.Client(viewer).Get("/v1/conversations/nope")->status, 404);
  // Metrics in Prometheus's text format.
  const std::string metrics = server.Client(viewer).Get("/metrics")->body;
  EXPECT_NE(metrics.find("convsent_http_requests_total{route=\"post_message\",code=\"201\"} 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("convsent_messages_scored_total 3"), std::string::npos);
  EXPECT_NE(metrics.find("convsent_review_queue_open 0"), std::string::npos);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(ServerQueue, QueueWebhooksSurviveAKill) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest");
  std::atomic<bool> hang{true}, stopping{false};
  std::mutex mu;
  std::multiset<int64_t> delivered;
  testing::LoopbackServer receiver;
  receiver.server().Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    if (hang.load()) {  // until the sender gives up on it, or its server is gone
      while (!stopping.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return void(res.status = 503);
    }
    const json body = json::parse(req.body);
    std::lock_guard lock(mu);
    delivered.insert(body["item"]["id"].get<int64_t>());
  });
  receiver.Start();
  // Its hanging handlers end before it is stopped, even when an assertion
  // returns early.
  const std::unique_ptr<void, std::function<void(void*)>> release(&stopping, [&](void*) { stopping = true; });
  const std::string config = dir.path() + "/serve.yaml";
  std::ofstream(config) << "version: 1\nqueue:\n  webhook: \"http://127.0.0.1:" << receiver.port() << "/hook\"\n";
  std::set<int64_t> queued;
  {
    ServerProcess server(db, config);
    auto c = server.Client(ingest);
    for (int i = 0; i < 3; ++i) {
      auto r = c.Post("/v1/conversations/W" + std::to_string(i) + "/messages",
                      R"({"role":"customer","text":"This is useless. Worst service ever!!"})", "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
      ASSERT_TRUE(Body(r)["queued"].is_object()) << r->body;
      queued.insert(Body(r)["queued"]["id"].get<int64_t>());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // attempts in flight, hanging
    EXPECT_EQ(testing::CountRows(db, "webhook_deliveries WHERE status = 'pending'"), 3);
    server.Kill();
  }
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(delivered.empty());
  }
  hang = false;
  ServerProcess again(db, config);
  for (int waited = 0; waited < 10000; waited += 20) {
    {
      std::lock_guard lock(mu);
      if (delivered.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(std::set<int64_t>(delivered.begin(), delivered.end()), queued);
    EXPECT_EQ(delivered.size(), 3u) << "each once";
  }
  EXPECT_EQ(again.Stop(), 0);
  EXPECT_EQ(testing::CountRows(db, "webhook_deliveries WHERE status = 'sent' AND attempts = 1"), 3);
}

// A review claim names its key: a second key may not take the same name,
// even after the first was revoked (before: a second "bob" could release
// bob's claims).
TEST(ServerQueue, AClaimIsItsKeysNotItsNames) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), bob = NewKey(db, "reviewer", "bob");
  const std::string other_bob = NewApiKey();
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ApiKeyRecord k;
    k.name = "bob", k.role = "reviewer", k.prefix = other_bob.substr(0, 8), k.hash = HashApiKey(other_bob);
    ASSERT_TRUE((*store)->api_keys().Add(k).ok());
  }
  ServerProcess server(db);
  auto r = server.Client(ingest).Post("/v1/conversations/B1/messages",
                                      R"({"role":"customer","text":"This is useless. Worst service ever!!"})",
                                      "application/json");
  ASSERT_TRUE(r && r->status == 201);
  const std::string id = std::to_string(Body(r)["queued"]["id"].get<int64_t>());
  EXPECT_EQ(server.Client(bob).Post("/v1/queue/" + id + "/claim", "{}", "application/json")->status, 200);
  EXPECT_EQ(server.Client(other_bob).Post("/v1/queue/" + id + "/release", "{}", "application/json")->status, 409);
  EXPECT_EQ(server.Client(other_bob).Post("/v1/queue/" + id + "/resolve", R"({"label":"neutral"})", "application/json")->status,
            409);
  EXPECT_EQ(server.Client(bob).Post("/v1/queue/" + id + "/resolve", R"({"label":"negative"})", "application/json")->status,
            200);
  EXPECT_EQ(server.Stop(), 0);
}

// Continuous audit: new conversations drawn at random become audit items;
// a flag later raises the item without taking it out of the sample, and its
// resolution is an audit label (what the report's estimate reads).
TEST(ServerQueue, ContinuousAuditDrawsNewConversations) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), ana = NewKey(db, "reviewer", "ana");
  const std::string bad = dir.Write("bad.yaml", "version: 1\nqueue:\n  audit_rate: 2\n");
  const auto refused = RunCommand(Binary() + " serve --db " + db + " --config " + bad + " --port 0 2>&1");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("bad.yaml:3: queue.audit_rate"), std::string::npos) << refused.out;

  ServerProcess server(db, dir.Write("serve.yaml", "version: 1\nqueue:\n  audit_rate: 1\n"));
  auto in = server.Client(ingest);
  auto calm = in.Post("/v1/conversations/A1/messages", R"({"role":"customer","text":"Where is my parcel?"})",
                      "application/json");
  ASSERT_EQ(calm->status, 201);
  EXPECT_TRUE(Body(calm)["queued"].is_null()) << "an audit is not a flag";
  auto list = Body(server.Client(ana).Get("/v1/queue"));
  ASSERT_EQ(list["items"].size(), 1u) << list;
  EXPECT_EQ(list["items"][0]["severity"], "audit");
  EXPECT_EQ(list["items"][0]["audit"], true);
  const int64_t id = list["items"][0]["id"];
  auto angry = in.Post("/v1/conversations/A1/messages", R"({"role":"customer","text":"This is useless. Worst service ever!!"})",
                       "application/json");
  const json flagged = Body(angry)["queued"];
  ASSERT_TRUE(flagged.is_object()) << angry->body;
  EXPECT_EQ(flagged["id"], id) << "the same item, raised";
  EXPECT_EQ(flagged["severity"], "high");
  EXPECT_EQ(flagged["audit"], true);
  auto bulk = in.Post("/v1/conversations",
                      R"({"id":"A2","messages":[{"role":"customer","text":"Thanks, all good"}]})"
                      "\n"
                      R"({"id":"A3","messages":[{"role":"customer","text":"ok"}]})",
                      "application/x-ndjson");
  ASSERT_EQ(bulk->status, 200) << bulk->body;
  EXPECT_EQ(Body(server.Client(ana).Get("/v1/queue"))["items"].size(), 3u);
  const std::string path = "/v1/queue/" + std::to_string(id);
  EXPECT_EQ(server.Client(ana).Post(path + "/claim", "{}", "application/json")->status, 200);
  EXPECT_EQ(server.Client(ana).Post(path + "/resolve", R"({"label":"negative"})", "application/json")->status, 200);
  EXPECT_EQ(server.Stop(), 0);
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  std::vector<HumanLabel> labels;
  ASSERT_TRUE((*store)->labels().ForEach([&](const HumanLabel& l) {
    labels.push_back(l);
    return Status::Ok();
  }).ok());
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].conversation, "A1");
  EXPECT_EQ(labels[0].source, "audit");
}

// Owners' webhook URLs are credentials: the tree shows them to admins only.

}  // namespace
}  // namespace convsent
