// Several `convsent worker` processes on one backlog: every conversation is
// stored exactly once, also when a worker is killed midway. Run on SQLite
// and, where $CONVSENT_TEST_PG names a server, on PostgreSQL.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "convsent/store.h"
#include "test_util.h"

extern char** environ;

namespace convsent {
namespace {

using testing::Binary;
using testing::RunCommand;


// Starts the CLI with `args`, stdout to `out`; returns its pid.
pid_t Spawn(const std::vector<std::string>& args, const std::string& out) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  std::string binary = Binary();
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The "conversations" of a worker's --json summary.
int64_t Stored(const std::string& path) {
  const auto j = nlohmann::json::parse(testing::ReadFile(path), nullptr, false);
  return j.is_object() && j.contains("conversations") ? j["conversations"].get<int64_t>() : -1;
}

class WorkerTest : public testing::BackendTest {
 protected:
  // Generates and enqueues `n` conversations; returns the input file.
  std::string Enqueue(int n) {
    const std::string in = dir_.path() + "/in.jsonl";
    EXPECT_EQ(RunCommand(Binary() + " generate --seed 3 --conversations " + std::to_string(n) + " -o " + in +
                         " >/dev/null").exit_code, 0);
    EXPECT_EQ(RunCommand(Binary() + " ingest --enqueue --db '" + location_ + "' " + in + " >/dev/null").exit_code, 0);
    return in;
  }
  int64_t Count() {
    auto store = Store::Open(location_);
    EXPECT_TRUE(store.ok());
    return store.ok() ? (*store)->Info()->conversations : -1;
  }
  int64_t Backlog() {
    auto store = Store::Open(location_);
    return store.ok() ? *(*store)->backlog().Size() : -1;
  }

};

TEST_P(WorkerTest, ThreeWorkersStoreEachConversationOnce) {
  const std::string in = Enqueue(1500);
  EXPECT_EQ(Backlog(), 1500);
  std::vector<pid_t> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(Spawn({"worker", "--db", location_, "--until-empty", "--json", "--batch", "50"},
                            dir_.path() + "/w" + std::to_string(i) + ".json"));
    ASSERT_GT(workers.back(), 0);
  }
  int64_t total = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Wait(workers[i]), 0);
    const int64_t stored = Stored(dir_.path() + "/w" + std::to_string(i) + ".json");
    EXPECT_GE(stored, 0);
    total += stored;
  }
  // Each conversation was processed by exactly one worker: the workers'
  // counts add up to the backlog, and the store holds each once.
  EXPECT_EQ(total, 1500);
  EXPECT_EQ(Count(), 1500);
  EXPECT_EQ(Backlog(), 0);
  // And the report equals that of a plain ingest of the same file.
  const std::string plain = dir_.path() + "/plain.db";
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + plain + " " + in + " >/dev/null").exit_code, 0);
  EXPECT_EQ(RunCommand(Binary() + " report --json --db '" + location_ + "'").out,
            RunCommand(Binary() + " report --json --db " + plain).out);
}

TEST_P(WorkerTest, AKilledWorkersClaimGoesToTheOthers) {
  constexpr int kConversations = 4000, kBatch = 400;
  Enqueue(kConversations);
  const pid_t doomed = Spawn({"worker", "--db", location_, "--batch", std::to_string(kBatch)}, dir_.path() + "/doomed.txt");
  ASSERT_GT(doomed, 0);
  // Once it has committed a batch it is busy with the next, claimed and
  // uncommitted: kill it there, with no chance to clean up.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Count() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(kill(doomed, SIGKILL), 0);
  Wait(doomed);
  const int64_t before = Count();
  ASSERT_GT(before, 0);
  ASSERT_LT(before, kConversations) << "the worker finished before it could be killed";
  // Whole batches only: nothing of the batch it held was stored.
  EXPECT_EQ(before % kBatch, 0) << before;
  const pid_t a = Spawn({"worker", "--db", location_, "--until-empty", "--json"}, dir_.path() + "/a.json");
  const pid_t b = Spawn({"worker", "--db", location_, "--until-empty", "--json"}, dir_.path() + "/b.json");
  EXPECT_EQ(Wait(a), 0);
  EXPECT_EQ(Wait(b), 0);
  // The survivors did the rest, the killed worker's claim included.
  EXPECT_EQ(Stored(dir_.path() + "/a.json") + Stored(dir_.path() + "/b.json"), kConversations - before);
  EXPECT_EQ(Count(), kConversations);
  EXPECT_EQ(Backlog(), 0);
}

// A bad line is reported with its place and the rest is enqueued; with
// --strict, nothing is.
TEST_P(WorkerTest, EnqueueReportsBadLinesAndKeepsTheRest) {
  const std::string in = dir_.path() + "/mixed.jsonl";
  std::ofstream(in) << R"({"id":"c-1","messages":[{"role":"customer","text":"hi"}]})" << "\n"
                    << R"({"id":"c-2","messages":[{"role":"robot","text":"??"}]})" << "\n"
                    << "not json\n"
                    << R"({"id":"c-3","messages":[{"role":"agent","text":"hello"}]})" << "\n";
  auto strict = RunCommand(Binary() + " ingest --enqueue --strict --db '" + location_ + "' " + in + " 2>&1");
  EXPECT_NE(strict.exit_code, 0);
  EXPECT_EQ(Backlog(), 0);
  auto r = RunCommand(Binary() + " ingest --enqueue --db '" + location_ + "' " + in + " 2>&1");
  EXPECT_EQ(r.exit_code, 3) << r.out;  // done, some lines skipped
  EXPECT_NE(r.out.find("mixed.jsonl:2: messages[0].role"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mixed.jsonl:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("enqueued 2 conversations"), std::string::npos) << r.out;
  EXPECT_EQ(Backlog(), 2);
  auto w = RunCommand(Binary() + " worker --until-empty --db '" + location_ + "'");
  EXPECT_EQ(w.exit_code, 0);
  EXPECT_NE(w.out.find("worker stored 2 conversations"), std::string::npos) << w.out;
  EXPECT_EQ(Count(), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerTest, testing::kBothBackends, testing::BackendName);

}  // namespace
}  // namespace convsent
