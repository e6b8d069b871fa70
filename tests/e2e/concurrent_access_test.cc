// What may run beside `convsent serve` on one SQLite store, and what a 201
// is worth then: every acknowledged message survives a kill -9 of the
// server while the CLI reads and writes the same file; a second server is
// refused; an ingest beside the server replaces what it says it replaces.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "convsent/store.h"
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

// How long the server is kept under load: CI sets CONVSENT_SOAK_SECONDS=60;
// a developer's run of the suite takes a few seconds.
int SoakSeconds() {
  const char* env = std::getenv("CONVSENT_SOAK_SECONDS");
  const int s = env ? std::atoi(env) : 0;
  return s > 0 ? s : 4;
}

// Four clients post messages and remember every 201; beside them the CLI
// runs show, report, keys create and ingest on the same store, over and
// over. Then the server is killed (no chance to fold or checkpoint), and a
// new one started: every acknowledged message must be there, in order.
// Before the fix, the first CLI command to exit deleted the server's log
// (its process had lost its POSIX locks) and later 201s went nowhere. On
// PostgreSQL two servers share the store and the clients alternate between
// them; both are killed.
class Soak : public testing::BackendTest {};

TEST_P(Soak, CommandsBesideThenKillLoseNoAcknowledgedMessage) {
  const std::string& db = location_;
  const bool shared = GetParam() == testing::Backend::kPostgres;
  const std::string ingest = NewKey(db, "ingest");
  const std::string batch = dir_.Write(
      "batch.jsonl",
      R"({"id":"I-1","channel":"email","messages":[{"role":"customer","text":"Where is my refund?"}]})"
      "\n"
      R"({"id":"I-2","channel":"chat","messages":[{"role":"customer","text":"Thanks, all good now."}]})"
      "\n");
  const std::string quiet = " --db '" + db + "' >/dev/null 2>&1";
  ASSERT_EQ(RunCommand(Binary() + " ingest " + batch + quiet).exit_code, 0);
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> acknowledged;  // conversation -> texts answered 201
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  int commands = 0;
  {
    std::vector<std::unique_ptr<ServerProcess>> servers;
    servers.push_back(std::make_unique<ServerProcess>(db));
    if (shared) servers.push_back(std::make_unique<ServerProcess>(db));
    for (const auto& s : servers) ASSERT_GT(s->port(), 0);
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        // One conversation's messages go through one server, in order.
        auto c = servers[static_cast<size_t>(t) % servers.size()]->Client(ingest);
        for (int n = 0; !stop.load(); ++n) {
          // Twenty messages a conversation, then the next one.
          const std::string id = "T" + std::to_string(t) + "-" + std::to_string(n / 20);
          const std::string text = "message " + std::to_string(n) + (n % 3 == 0 ? ", still waiting!!" : ", thanks");
          auto r = c.Post("/v1/conversations/" + id + "/messages",
                          json({{"role", n % 2 ? "agent" : "customer"}, {"text", text}}).dump(), "application/json");
          if (r && r->status == 201) {
            std::lock_guard lock(mu);
            acknowledged[id].push_back(text);
          } else if (r && r->status != 201) {
            ++failures;
          }
        }
      });
    }
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(SoakSeconds());
    while (std::chrono::steady_clock::now() < until) {
      for (const std::string& command : {Binary() + " show I-1" + quiet, Binary() + " report" + quiet,
                                         Binary() + " keys create --role viewer" + quiet,
                                         Binary() + " ingest " + batch + quiet}) {
        EXPECT_EQ(RunCommand(command).exit_code, 0) << command;
        ++commands;
      }
    }
    stop = true;
    for (auto& c : clients) c.join();
    for (auto& s : servers) s->Kill();
  }
  EXPECT_EQ(failures.load(), 0) << "answers other than 201 while the CLI ran beside the server";
  EXPECT_GE(commands, 4);
  ServerProcess again(db);  // folds what the killed one logged
  ASSERT_GT(again.port(), 0);
  EXPECT_EQ(again.Stop(), 0);
  auto opened = Store::Open(db);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  size_t total = 0;
  for (const auto& [id, texts] : acknowledged) {
    auto got = (*opened)->conversations().Get(id);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_TRUE(got->has_value()) << id << " was acknowledged but is not stored";
    const auto& messages = (*got)->conversation.messages;
    ASSERT_EQ(messages.size(), texts.size()) << id;
    for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(messages[i].text, texts[i]) << id << " message " << i;
    total += texts.size();
  }
  EXPECT_GT(total, 100u);
  std::printf("soak: %zu acknowledged messages in %d s, %d CLI commands beside the server(s), all stored\n", total,
              SoakSeconds(), commands);
}

INSTANTIATE_TEST_SUITE_P(Backends, Soak, testing::kBothBackends, testing::BackendName);

// A second server on the same SQLite file would hand out the same message
// positions: it is refused, and starts once the first has stopped.
TEST(ConcurrentAccess, ASecondServerOnOneSqliteStoreIsRefused) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest");
  ServerProcess first(db);
  ASSERT_GT(first.port(), 0);
  {
    ServerProcess second(db);
    EXPECT_EQ(second.port(), 0) << "a second server started on the same store";
    EXPECT_EQ(second.Stop(), 1);
  }
  auto r = first.Client(ingest).Post("/v1/conversations/A/messages", R"({"role":"customer","text":"hello"})",
                                     "application/json");
  ASSERT_TRUE(r && r->status == 201);
  EXPECT_EQ(first.Stop(), 0);
  ServerProcess next(db);
  EXPECT_GT(next.port(), 0);
  EXPECT_EQ(next.Stop(), 0);
}

// A stop that comes right after "listening on" is not lost (httplib's
// stop() did nothing before its listen loop had started, and the server
// never stopped: the soak test's restart hung on it).
TEST(ConcurrentAccess, AStopRightAfterTheStartIsNotLost) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  for (int i = 0; i < 10; ++i) {
    ServerProcess server(db);
    ASSERT_GT(server.port(), 0);
    ASSERT_EQ(server.Stop(5), 0) << "round " << i;
  }
}

// Ingesting an id replaces that conversation, also when the server holds it
// in its live log: the next message posted goes after the ingested ones.
TEST(ConcurrentAccess, AnIngestBesideTheServerReplacesTheConversation) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/s.db";
  const std::string ingest = NewKey(db, "ingest"), viewer = NewKey(db, "viewer");
  ServerProcess server(db);
  auto c = server.Client(ingest);
  for (const char* text : {"one", "two", "three"}) {
    auto r = c.Post("/v1/conversations/X/messages", json({{"role", "customer"}, {"text", text}}).dump(),
                    "application/json");
    ASSERT_TRUE(r && r->status == 201);
  }
  json x = {{"id", "X"}, {"channel", "email"}, {"messages", json::array()}};
  for (int i = 1; i <= 5; ++i) x["messages"].push_back({{"role", "customer"}, {"text", "file " + std::to_string(i)}});
  const std::string file = dir.Write("x.jsonl", x.dump() + "\n");
  EXPECT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + file + " >/dev/null 2>&1").exit_code, 0);
  auto r = c.Post("/v1/conversations/X/messages", R"({"role":"customer","text":"after"})", "application/json");
  ASSERT_TRUE(r && r->status == 201);
  const json got = Body(server.Client(viewer).Get("/v1/conversations/X"));
  ASSERT_TRUE(got.contains("messages")) << got.dump();
  ASSERT_EQ(got["messages"].size(), 6u) << got.dump();
  EXPECT_EQ(got["channel"], "email");
  EXPECT_EQ(got["messages"][0]["text"], "file 1");
  EXPECT_EQ(got["messages"][4]["text"], "file 5");
  EXPECT_EQ(got["messages"][5]["text"], "after");
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace convsent
