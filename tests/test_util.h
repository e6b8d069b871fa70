// Helpers shared by the tests: paths of the shared data and the built CLI,
// and running a command with its output captured.
#ifndef CONVSENT_TESTS_TEST_UTIL_H_
#define CONVSENT_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "convsent/train.h"

namespace convsent::testing {

inline std::string SharedDir() { return CONVSENT_SHARED_DIR; }
inline std::string SourceDir() { return CONVSENT_SOURCE_DIR; }
inline std::string Binary() { return CONVSENT_BINARY; }

// Skips the current test with a clear message when ../shared is absent.
#define SKIP_WITHOUT_SHARED_DATA()                                                                 \
  do {                                                                                             \
    if (!std::filesystem::exists(::convsent::testing::SharedDir() + "/data/README.md")) {          \
      GTEST_SKIP() << "shared data not found at " << ::convsent::testing::SharedDir()            \
                   << "; set -DCONVSENT_SHARED_DIR to run this test";                             \
    }                                                                                              \
  } while (false)

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

// Runs `command` with /bin/sh, capturing stdout.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  std::FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A fresh temporary folder, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/convsent_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

// Labeled rows (TSV with header) that a tiny model learns in seconds.
std::string TinyTrainingRows();

// Training options for a tiny model of TinyTrainingRows(), written into `dir`.
TrainOptions TinyTrainOptions(const TempDir& dir, int bucket_bits = 12, int epochs = 5);
// A tiny model trained on the spot: a second, different method version for
// tests that need one. Written to `dir`; returns its path.
std::string WriteTinyModel(const TempDir& dir, int bucket_bits = 12, int epochs = 5);
// Conversations (conversations.jsonl, splits train and dev) where the
// customer's "ok, book the other one" is negative after the agent's
// refusal and neutral after a booking: only the turn before tells them
// apart.
std::string TinyContextConversations();
// A tiny model that reads context, trained on those and TinyTrainingRows().
std::string WriteTinyContextModel(const TempDir& dir);

// The number of rows of `table` in the SQLite store at `db` (-1 if unreadable).
int64_t CountRows(const std::string& db, const char* table);

// A fresh PostgreSQL database for one test, dropped when the object goes.
// The server is the one $CONVSENT_TEST_PG names (scripts/pg-test-cluster.sh
// starts one); without it, url() is empty and skip_reason() says why.
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  const std::string& url() const { return url_; }
  const std::string& skip_reason() const { return skip_reason_; }

 private:
  std::string admin_url_, name_, url_, skip_reason_;
};

// CI sets CONVSENT_TEST_PG_REQUIRED: there, a missing server is a failure.
#define SKIP_WITHOUT_POSTGRESQL(db)                                           \
  do {                                                                        \
    if ((db).url().empty()) {                                                 \
      if (std::getenv("CONVSENT_TEST_PG_REQUIRED")) FAIL() << (db).skip_reason(); \
      GTEST_SKIP() << (db).skip_reason();                                     \
    }                                                                         \
  } while (false)

// The stores a test of the Store runs on: INSTANTIATE_TEST_SUITE_P(Backends,
// Suite, kBothBackends, BackendName), and SKIP_WITHOUT_POSTGRESQL in SetUp.
enum class Backend { kSqlite, kPostgres };
inline const auto kBothBackends = ::testing::Values(Backend::kSqlite, Backend::kPostgres);
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
}

// A test run on each backend: SetUp() picks the store's location, a file in
// dir_ or a fresh PostgreSQL database, and skips without a server. A
// derived SetUp() calls it first and returns if IsSkipped().
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      SKIP_WITHOUT_POSTGRESQL(pg_);
      location_ = pg_.url();
    } else {
      location_ = dir_.path() + "/store.db";
    }
  }
  TempDir dir_;
  PgTestDatabase pg_;
  std::string location_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_TEST_UTIL_H_
