// convsent serve over real HTTP on loopback: access control, bad bodies,
// a restart that loses nothing, two servers on one PostgreSQL store, the
// dashboard and the API's documentation. The review queue's: review_queue_test.cc.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <atomic>
#include <filesystem>
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

TEST(Server, AccessControlByRole) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string admin = NewKey(db, "admin"), ingest = NewKey(db, "ingest"), reviewer = NewKey(db, "reviewer"),
                    viewer = NewKey(db, "viewer"), revoked = NewKey(db, "admin");
  ASSERT_EQ(admin.rfind("cs_", 0), 0u);
  ServerProcess server(db);
  ASSERT_GT(server.port(), 0);
  EXPECT_EQ(server.Client().Get("/healthz")->status, 200);  // the only open endpoint
  EXPECT_EQ(Body(server.Client().Get("/healthz"))["conversations"], 0) << "an empty store";
  const std::string msg = R"({"role":"customer","text":"hello"})";
  struct Case {
    std::string method, path;
    std::vector<std::string> allowed;
  };
  const std::vector<Case> cases = {
      {"POST", "/v1/conversations/A/messages", {"admin", "ingest"}},
      {"GET", "/v1/conversations/A", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/report", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/tree", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/alerts", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/interventions", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/discover", {"admin", "reviewer", "viewer"}},
      {"GET", "/v1/me", {"admin", "ingest", "reviewer", "viewer"}},
      {"GET", "/v1/queue", {"admin", "reviewer"}},
      {"GET", "/metrics", {"admin", "viewer"}},
  };
  const std::map<std::string, std::string> keys = {{"admin", admin}, {"ingest", ingest}, {"reviewer", reviewer}, {"viewer", viewer}};
  for (const auto& c : cases) {
    for (const auto& [role, key] : keys) {
      auto client = server.Client(key);
      auto r = c.method == "GET" ? client.Get(c.path) : client.Post(c.path, msg, "application/json");
      ASSERT_TRUE(r) << c.path;
      const bool allowed = std::find(c.allowed.begin(), c.allowed.end(), role) != c.allowed.end();
      EXPECT_EQ(r->status == 403, !allowed) << role << " " << c.method << " " << c.path << " " << r->status;
      if (!allowed) {
        EXPECT_TRUE(Body(r).contains("error"));
      }
    }
    auto anonymous = server.Client();
    auto r = c.method == "GET" ? anonymous.Get(c.path) : anonymous.Post(c.path, msg, "application/json");
    EXPECT_EQ(r->status, 401) << c.path;
  }
  // A revoked key stops working within a second, while the server runs.
  EXPECT_EQ(server.Client(revoked).Get("/v1/report")->status, 200);
  EXPECT_EQ(RunCommand(Binary() + " keys revoke 5 --db " + db + " >/dev/null").exit_code, 0);
  const auto revoked_at = std::chrono::steady_clock::now();
  int status = 200;
  while (status != 401 && std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(3)) {
    status = server.Client(revoked).Get("/v1/report")->status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401);
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(1500));
  EXPECT_EQ(server.Client("cs_not-a-key").Get("/v1/report")->status, 401);
  // Keys are stored hashed: the key itself is nowhere in the store.
  EXPECT_EQ(testing::ReadFile(db).find(admin), std::string::npos);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(Server, BadRequestsGetJsonErrorsAndNeverACrash) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string key = NewKey(db, "admin");
  const std::string config = dir.Write("serve.yaml", "version: 1\nmax_body_bytes: 4096\n");
  ServerProcess server(db, config);
  auto c = server.Client(key);
  struct Bad {
    std::string path, body;
    int status;
    std::string says;
  };
  const std::vector<Bad> bad = {
      {"/v1/conversations/A/messages", "not json", 400, "not JSON"},
      {"/v1/conversations/A/messages", "[1,2]", 400, "object"},
      {"/v1/conversations/A/messages", R"({"role":"customer"})", 400, "text"},
      {"/v1/conversations/A/messages", R"({"text":"x","role":"boss"})", 400, "role"},
      {"/v1/conversations/A/messages", R"({"text":"x","at":"yesterday"})", 400, "at"},
      {"/v1/conversations/A/messages", R"({"text":"x","conversation":{"csat":"great"}})", 400, "conversation.csat"},
      {"/v1/conversations/A/messages", std::string(5000, 'x'), 413, "too large"},
      {"/v1/conversations", "{\"id\":1}\nnope\n", 400, "no valid conversation"},
      {"/v1/queue/999/claim", "{}", 404, "no review item"},
      {"/v1/queue/1/resolve", "{\"label\":\"furious\"}", 400, "label"},
      {"/v1/nothing", "{}", 404, "no such endpoint"},
  };
  for (const auto& b : bad) {
    auto r = c.Post(b.path, b.body, "application/json");
    ASSERT_TRUE(r) << b.path;
    EXPECT_EQ(r->status, b.status) << b.path << " " << b.body.substr(0, 40);
    const json j = Body(r);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_NE(j["error"].get<std::string>().find(b.says), std::string::npos) << j;
  }
  EXPECT_EQ(c.Get("/v1/report?period=month")->status, 400);
  EXPECT_EQ(c.Get("/v1/queue?order=random")->status, 400);
  // A bulk body keeps its good lines and names the bad ones.
  auto bulk = c.Post("/v1/conversations",
                     "{\"id\":\"B1\",\"messages\":[{\"role\":\"customer\",\"text\":\"Thanks!\"}]}\nnot json\n", "application/x-ndjson");
  ASSERT_EQ(bulk->status, 200);
  EXPECT_EQ(Body(bulk)["stored"], 1);
  EXPECT_EQ(Body(bulk)["errors"][0]["line"], 2);
  EXPECT_EQ(server.Client().Get("/healthz")->status, 200);  // still up
  EXPECT_EQ(server.Stop(), 0);
}

TEST(Server, SigtermDrainsAndARestartLosesNothing) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), reviewer = NewKey(db, "reviewer");
  int acknowledged = 0;
  {
    ServerProcess server(db);
    // Four clients post while the server is told to stop: every message
    // that got a 2xx must be in the store afterwards.
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        auto c = server.Client(ingest);
        for (int i = 0; i < 200; ++i) {
          auto r = c.Post("/v1/conversations/R" + std::to_string(t) + "/messages",
                          i == 0 ? R"({"role":"customer","text":"I am furious, this is the worst!!"})"
                                 : R"({"role":"agent","text":"We are on it."})",
                          "application/json");
          if (!r) break;
          if (r->status == 201) ++ok;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(server.Stop(), 0);
    for (auto& c : clients) c.join();
    acknowledged = ok.load();
  }
  ASSERT_GT(acknowledged, 0);
  ServerProcess again(db);
  int stored = 0;
  size_t conversations = 0;
  const std::string viewer = NewKey(db, "viewer");
  for (int t = 0; t < 4; ++t) {
    const json conv = Body(again.Client(viewer).Get("/v1/conversations/R" + std::to_string(t)));
    if (conv.contains("messages")) stored += static_cast<int>(conv["messages"].size()), ++conversations;
  }
  EXPECT_EQ(stored, acknowledged);
  // The queue survived the restart: each conversation opened furious.
  EXPECT_EQ(Body(again.Client(reviewer).Get("/v1/queue"))["items"].size(), conversations);
  EXPECT_EQ(again.Stop(), 0);
}

// A message is in the store (the live log) when it is answered, and is
// folded into its conversation's rows a moment later. A server killed in
// between loses nothing: the next one folds what it finds before it serves.
TEST(Server, AKilledServerLosesNoAnsweredMessage) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), viewer = NewKey(db, "viewer");
  {
    ServerProcess server(db);
    auto c = server.Client(ingest);
    // K2 is posted whole first, then grows; K1 starts with its header.
    auto bulk = c.Post("/v1/conversations",
                       R"({"id":"K2","channel":"chat","messages":[{"role":"customer","text":"Hello, my card was charged twice."}]})",
                       "application/json");
    ASSERT_TRUE(bulk && bulk->status == 200) << (bulk ? bulk->body : "no answer");
    const char* k1[] = {
        R"({"role":"customer","text":"My order never arrived.","conversation":{"channel":"email","plan":"pro"}})",
        R"({"role":"agent","text":"Sorry to hear that, let me check."})",
        R"({"role":"customer","text":"This is the third time I ask!!"})",
        R"({"role":"agent","text":"A new parcel is on its way today."})"};
    for (const char* body : k1) {
      auto r = c.Post("/v1/conversations/K1/messages", body, "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    }
    for (const char* text : {"Thanks, that was quick.", "Great, all sorted now."}) {
      auto r = c.Post("/v1/conversations/K2/messages", json({{"role", "customer"}, {"text", text}}).dump(), "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    }
    server.Kill();
  }
  // Killed before the fold (which waits for a conversation to be quiet).
  EXPECT_GT(testing::CountRows(db, "live_messages"), 0);
  ServerProcess again(db);
  EXPECT_EQ(testing::CountRows(db, "live_messages"), 0);
  const json k1 = Body(again.Client(viewer).Get("/v1/conversations/K1"));
  ASSERT_TRUE(k1.contains("messages")) << k1.dump();
  ASSERT_EQ(k1["messages"].size(), 4u);
  EXPECT_EQ(k1["channel"], "email");
  EXPECT_EQ(k1["messages"][2]["text"], "This is the third time I ask!!");
  for (const auto& m : k1["messages"]) EXPECT_TRUE(m.contains("score") && m["score"].is_object()) << m.dump();
  EXPECT_TRUE(k1.contains("tone")) << k1.dump();
  const json k2 = Body(again.Client(viewer).Get("/v1/conversations/K2"));
  ASSERT_EQ(k2["messages"].size(), 3u);
  EXPECT_EQ(k2["messages"][0]["text"], "Hello, my card was charged twice.");
  EXPECT_EQ(k2["messages"][2]["text"], "Great, all sorted now.");
  // What the server folded is what the report counts.
  EXPECT_EQ(Body(again.Client(viewer).Get("/v1/report"))["scored"], 2);
  const json pro = Body(again.Client(viewer).Get("/v1/report?where=plan%3Dpro"));
  EXPECT_EQ(pro["scored"], 1) << pro.dump().substr(0, 300);  // K1's header, kept
  EXPECT_EQ(again.Stop(), 0);
}

// A queue webhook is stored with the item it announces, in the same commit:
// a server killed while its receiver hangs sends it when it starts again,
// and records that it was sent.
// With a model that reads context, a posted message is scored with the
// turns before it: the handler scores it alone, the writer adds what the
// conversation says, and after a restart the turns are read again from the
// store.
TEST(Server, ScoresAMessageWithTheTurnsBeforeIt) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string model = testing::WriteTinyContextModel(dir);
  const std::string ingest = NewKey(db, "ingest"), viewer = NewKey(db, "viewer");
  auto post = [&](ServerProcess& server, const std::string& id, const char* role, const char* text) {
    const json body = {{"role", role}, {"text", text}};
    return Body(server.Client(ingest).Post("/v1/conversations/" + id + "/messages", body.dump(), "application/json"));
  };
  const char* kReply = "ok, book the other one";
  {
    ServerProcess server(db, "", {"--model", model});
    for (const char* id : {"refused", "booked", "later"}) post(server, id, "customer", "I need a room for 3 nights");
    post(server, "refused", "agent", "Sorry, there are no rooms left.");
    post(server, "booked", "agent", "Here is your booking, anything else?");
    post(server, "later", "agent", "Sorry, there are no rooms left.");
    const json refused = post(server, "refused", "customer", kReply);
    const json booked = post(server, "booked", "customer", kReply);
    EXPECT_EQ(refused["score"]["label"], "negative") << refused.dump();
    EXPECT_EQ(refused["score"]["context"], true);
    EXPECT_NE(booked["score"]["label"], "negative") << booked.dump();
    const json stored = Body(server.Client(viewer).Get("/v1/conversations/refused"));
    ASSERT_EQ(stored["messages"].size(), 3u) << stored.dump();
    EXPECT_EQ(stored["messages"][2]["score"]["context"], true) << "the store keeps that context was read";
    EXPECT_FALSE(stored["messages"][0]["score"].contains("context")) << "the first turn had none";
    EXPECT_EQ(server.Stop(), 0);
  }
  ServerProcess again(db, "", {"--model", model});
  const json later = post(again, "later", "customer", kReply);
  EXPECT_EQ(later["score"]["label"], "negative") << "the turns before the restart still count: " << later.dump();
  EXPECT_EQ(again.Stop(), 0);
}

// A help desk that keeps the conversation's language (its "language" or
// "locale" attribute) has each message read by that language's model, as
// import does: "ok" alone looks English, and here it is Spanish.
TEST(Server, AMessageIsReadInItsConversationsLanguage) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), viewer = NewKey(db, "viewer");
  ServerProcess server(db);
  auto post = [&](const std::string& id, const json& body) {
    return Body(server.Client(ingest).Post("/v1/conversations/" + id + "/messages", body.dump(), "application/json"));
  };
  const json alone = post("L0", {{"role", "customer"}, {"text", "ok"}});
  ASSERT_TRUE(alone.contains("score")) << alone.dump();
  ASSERT_NE(alone["score"]["language"], "es") << "the test needs a message that does not look Spanish: " << alone.dump();
  const json first = post("L1", {{"role", "customer"}, {"text", "ok"}, {"conversation", {{"locale", "es-MX"}}}});
  EXPECT_EQ(first["score"]["language"], "es") << first.dump();
  const json next = post("L1", {{"role", "customer"}, {"text", "ok"}});
  EXPECT_EQ(next["score"]["language"], "es") << "the conversation's language, kept: " << next.dump();
  const json stored = Body(server.Client(viewer).Get("/v1/conversations/L1"));
  ASSERT_EQ(stored["messages"].size(), 2u) << stored.dump();
  for (const auto& m : stored["messages"]) {
    EXPECT_EQ(m["score"]["language"], "es") << m.dump();
    EXPECT_EQ(m["score"]["language_given"], true) << "given, not identified: " << m.dump();
  }
  EXPECT_EQ(server.Stop(), 0);
}

// kill -HUP makes a new version of the model file current while clients
// post: every answered message is stored, each under the model that the
// answer names, and a conversation begun before the reload is scored by
// the new model when it grows.
TEST(Server, AReloadedModelTakesOverWithoutLosingAMessage) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string model = dir.path() + "/current.cvsm";
  std::filesystem::copy_file(testing::WriteTinyContextModel(dir), model);
  const std::string next = testing::WriteTinyModel(dir, 12, 7);
  const std::string ingest = NewKey(db, "ingest"), viewer = NewKey(db, "viewer");
  ServerProcess server(db, "", {"--model", model});
  const std::string first = Body(server.Client(viewer).Get("/healthz"))["model"];
  ASSERT_FALSE(first.empty());
  auto post = [&](const std::string& id, const std::string& text) {
    return server.Client(ingest).Post("/v1/conversations/" + id + "/messages",
                                      json{{"role", "customer"}, {"text", text}}.dump(), "application/json");
  };
  ASSERT_EQ(post("before", "I need a room for 3 nights")->status, 201);
  std::atomic<int> answered{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        auto r = post("busy-" + std::to_string(t) + "-" + std::to_string(i % 5), "awful, I hate this " + std::to_string(i));
        if (r && r->status == 201) ++answered;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string tmp = model + ".new";
  std::filesystem::copy_file(next, tmp);
  std::filesystem::rename(tmp, model);
  server.Signal(SIGHUP);
  std::string now = first;
  for (int i = 0; i < 500 && now == first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now = Body(server.Client(viewer).Get("/healthz"))["model"];
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_NE(now, first) << "the server did not take the new model";
  auto grown = post("before", "ok, book the other one");
  ASSERT_EQ(grown->status, 201);
  EXPECT_EQ(json::parse(grown->body)["score"]["model"], now);
  const json before = Body(server.Client(viewer).Get("/v1/conversations/before"));
  ASSERT_EQ(before["messages"].size(), 2u);
  EXPECT_EQ(before["model"], now);
  for (const auto& m : before["messages"]) EXPECT_TRUE(m["score"].is_object()) << before.dump();
  EXPECT_EQ(server.Stop(), 0);
  // Every answered message was stored.
  ServerProcess again(db, "", {"--model", model});
  int stored = 0;
  for (int t = 0; t < 3; ++t) {
    for (int k = 0; k < 5; ++k) {
      const json c = Body(again.Client(viewer).Get("/v1/conversations/busy-" + std::to_string(t) + "-" + std::to_string(k)));
      if (c.contains("messages")) stored += static_cast<int>(c["messages"].size());
    }
  }
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(stored, answered.load());
  EXPECT_EQ(again.Stop(), 0);
}

TEST(Server, KeyNamesAreUnique) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  EXPECT_FALSE(NewKey(db, "reviewer", "bob").empty());
  auto again = RunCommand(Binary() + " keys create --db " + db + " --role reviewer --name bob 2>&1");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.out.find("already named bob"), std::string::npos) << again.out;
  EXPECT_EQ(RunCommand(Binary() + " keys create --db " + db + " --role reviewer --name cs_x 2>/dev/null").exit_code, 2);
}

// A claim is its key's, by id: a store from before names were unique may
// hold two keys named "bob", and the second may not release or resolve the
// first one's claim.
TEST(Server, OnlyAdminsSeeTheOwnersWebhooks) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string admin = NewKey(db, "admin"), viewer = NewKey(db, "viewer");
  const std::string tree = dir.path() + "/tree.yaml";
  ASSERT_EQ(RunCommand(Binary() + " tree init -o " + tree + " 2>/dev/null").exit_code, 0);
  std::ifstream in(tree);
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string secret = "https://hooks.slack.com/services/T000/B000/secret";
  const std::string empty_hook = "webhook: \"\"";
  yaml.replace(yaml.find(empty_hook), empty_hook.size(), "webhook: \"" + secret + "\"");
  dir.Write("tree.yaml", yaml);
  ServerProcess server(db, dir.Write("serve.yaml", "tree: " + tree + "\n"));
  ASSERT_GT(server.port(), 0);
  auto as_viewer = server.Client(viewer).Get("/v1/tree");
  ASSERT_TRUE(as_viewer && as_viewer->status == 200);
  EXPECT_EQ(as_viewer->body.find("hooks.slack.com"), std::string::npos);
  auto as_admin = server.Client(admin).Get("/v1/tree");
  ASSERT_TRUE(as_admin && as_admin->status == 200);
  EXPECT_NE(as_admin->body.find(secret), std::string::npos);
}

// Every endpoint the server has is in the OpenAPI document, and it parses.
// The dashboard's files need no key (they hold no data), say what they are,
// and are sent with headers that keep the page to its own origin; the API
// tells a key who it is, and the tree takes the report's filter.
// Several servers on one PostgreSQL store: a SIGHUP to one reloads them all,
// each from its own --model file (deployed before the signal); a server
// whose file was not replaced says so and keeps its model.
TEST(Server, AReloadOnASharedStoreReachesEveryServer) {
  testing::PgTestDatabase pg;
  SKIP_WITHOUT_POSTGRESQL(pg);
  testing::TempDir dir;
  const std::string db = "'" + pg.url() + "'";
  const std::string viewer = NewKey(db, "viewer");
  const std::string first = testing::WriteTinyContextModel(dir), next = testing::WriteTinyModel(dir, 12, 7);
  const std::string model_a = dir.path() + "/a.cvsm", model_b = dir.path() + "/b.cvsm", model_c = dir.path() + "/c.cvsm";
  for (const auto& m : {model_a, model_b, model_c}) std::filesystem::copy_file(first, m);
  ServerProcess a(pg.url(), "", {"--model", model_a}), b(pg.url(), "", {"--model", model_b}),
      c(pg.url(), "", {"--model", model_c});
  const std::string before = Body(b.Client(viewer).Get("/healthz"))["model"];
  ASSERT_FALSE(before.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // all three listen
  // The new model deployed to a and b; c's file stays the old one.
  for (const auto& m : {model_a, model_b}) {
    std::filesystem::copy_file(next, m + ".new");
    std::filesystem::rename(m + ".new", m);
  }
  a.Signal(SIGHUP);
  auto model_of = [&](const ServerProcess& s) { return Body(s.Client(viewer).Get("/healthz"))["model"].get<std::string>(); };
  std::string now_b = before;
  for (int i = 0; i < 500 && now_b == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    now_b = model_of(b);
  }
  EXPECT_NE(now_b, before) << "b followed a's reload";
  EXPECT_EQ(model_of(a), now_b);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(model_of(c), before) << "c's file is the old model: it keeps it";
  auto store = Store::Open(pg.url());
  ASSERT_TRUE(store.ok());
  auto info = (*store)->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->current_model, now_b) << "and does not set the store's current model back";
  EXPECT_EQ(a.Stop(), 0);
  EXPECT_EQ(b.Stop(), 0);
  EXPECT_EQ(c.Stop(), 0);
}

// Two servers on one PostgreSQL store: messages of one conversation posted
// through either are all kept, a conversation queued through one reaches the
// other's live stream (LISTEN/NOTIFY), and an item claimed through one
// cannot be claimed through the other.
TEST(Server, TwoServersShareOnePostgresStore) {
  testing::PgTestDatabase pg;
  SKIP_WITHOUT_POSTGRESQL(pg);
  const std::string db = "'" + pg.url() + "'";
  const std::string ingest = NewKey(db, "ingest"), ana = NewKey(db, "reviewer", "ana"), bob = NewKey(db, "reviewer", "bob");
  ASSERT_FALSE(ingest.empty());
  ServerProcess a(pg.url()), b(pg.url());
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  testing::EventStream events(b, bob, "event: claimed", 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // One conversation, its messages through both servers in turn.
  const char* texts[] = {"Hi, where is my parcel?", "It was due on Monday", "Any news?", "ok thanks"};
  for (int i = 0; i < 4; ++i) {
    const ServerProcess& via = i % 2 == 0 ? a : b;
    const std::string body = std::string(R"({"role":"customer","text":")") + texts[i] + R"(","conversation":{"channel":"chat"}})";
    auto r = via.Client(ingest).Post("/v1/conversations/C1/messages", body, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  const json conv = Body(b.Client(ana).Get("/v1/conversations/C1"));
  ASSERT_EQ(conv["messages"].size(), 4u) << conv.dump();
  EXPECT_EQ(conv["messages"][3]["text"], "ok thanks");
  // Queued through a; b's stream hears of it.
  auto sour = a.Client(ingest).Post("/v1/conversations/C2/messages", R"({"role":"customer","text":"This is useless. Worst service ever!!"})", "application/json");
  ASSERT_EQ(sour->status, 201);
  const json queued = Body(sour)["queued"];
  ASSERT_TRUE(queued.is_object()) << sour->body;
  const std::string id = std::to_string(queued["id"].get<int64_t>());
  EXPECT_EQ(a.Client(ana).Post("/v1/queue/" + id + "/claim", "{}", "application/json")->status, 200);
  EXPECT_EQ(b.Client(bob).Post("/v1/queue/" + id + "/claim", "{}", "application/json")->status, 409);
  EXPECT_EQ(Body(b.Client(bob).Get("/v1/queue?status=claimed"))["items"][0]["claimed_by"], "ana");
  events.Join();
  const std::string stream = events.Text();
  EXPECT_NE(stream.find("event: queued"), std::string::npos) << stream;
  EXPECT_NE(stream.find("\"conversation\":\"C2\""), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: claimed"), std::string::npos) << stream;
  EXPECT_EQ(a.Stop(), 0);
  EXPECT_EQ(b.Stop(), 0);
}

TEST(Server, ServesTheDashboardAndWhatItReads) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 200 -o " + dir.path() + "/c.jsonl >/dev/null && " + Binary() +
                       " ingest --db " + db + " " + dir.path() + "/c.jsonl >/dev/null")
                .exit_code,
            0);
  ASSERT_EQ(RunCommand(Binary() + " intervention add --db " + db +
                       " --node billing_dispute --at 2026-10-26 --owner Ana --note fixed --segment topic=billing >/dev/null")
                .exit_code,
            0);
  const std::string viewer = NewKey(db, "viewer", "vera");
  ServerProcess server(db);
  auto anonymous = server.Client();
  auto page = anonymous.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("convsent"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(anonymous.Get("/assets/app.js")->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(anonymous.Get("/assets/app.css")->status, 200);
  EXPECT_EQ(anonymous.Get("/assets/nope.js")->status, 404);

  const json me = Body(server.Client(viewer).Get("/v1/me"));
  EXPECT_EQ(me["name"], "vera");
  EXPECT_EQ(me["role"], "viewer");
  const json interventions = Body(server.Client(viewer).Get("/v1/interventions"));
  ASSERT_EQ(interventions["interventions"].size(), 1u);
  EXPECT_EQ(interventions["interventions"][0]["node"], "billing_dispute");
  EXPECT_EQ(interventions["interventions"][0]["segment"], "topic=billing");
  EXPECT_TRUE(interventions["interventions"][0]["verdict"].is_string());

  const json all = Body(server.Client(viewer).Get("/v1/tree"));
  const json social = Body(server.Client(viewer).Get("/v1/tree?where=channel%3Dsocial"));
  EXPECT_LT(social["root"]["conversations"].get<int>(), all["root"]["conversations"].get<int>());
  EXPECT_EQ(server.Client(viewer).Get("/v1/tree?where=oops")->status, 400);

  const json found = Body(server.Client(viewer).Get("/v1/discover"));
  EXPECT_TRUE(found["issues"].is_array());
  EXPECT_TRUE(found["drilldown"].is_array());
  EXPECT_TRUE(found["known"].is_array());
  EXPECT_EQ(server.Client(viewer).Get("/v1/discover?period=month")->status, 400);
  EXPECT_EQ(server.Client(viewer).Get("/v1/discover?to=yesterday")->status, 400);
  EXPECT_EQ(server.Client(viewer).Get("/v1/discover?to=2020-01-01")->status, 404);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(Server, OpenApiDocumentsEveryEndpoint) {
  const YAML::Node doc = YAML::LoadFile(testing::SourceDir() + "/docs/openapi.yaml");
  ASSERT_TRUE(doc["paths"].IsMap());
  for (const char* path : {"/healthz", "/metrics", "/v1/conversations", "/v1/conversations/{id}/messages",
                           "/v1/conversations/{id}", "/v1/report", "/v1/tree", "/v1/alerts", "/v1/queue",
                           "/v1/queue/events", "/v1/queue/{id}/claim", "/v1/queue/{id}/release", "/v1/queue/{id}/resolve",
                           "/v1/me", "/v1/interventions", "/v1/discover", "/"}) {
    EXPECT_TRUE(doc["paths"][path]) << path;
  }
}

}  // namespace
}  // namespace convsent
