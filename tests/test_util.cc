#include "test_util.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>

#include "convsent/train.h"

namespace convsent::testing {

std::string TinyTrainingRows() {
  std::string rows = "label\ttext\n";
  for (int i = 0; i < 30; ++i) {
    rows += "positive\tI love this, great job " + std::to_string(i) + "\n";
    rows += "negative\tawful, I hate this " + std::to_string(i) + "\n";
    rows += "neutral\tthe meeting is at " + std::to_string(i) + " today\n";
  }
  return rows;
}

int64_t CountRows(const std::string& db, const char* table) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(h, 100);  // another process may be writing it
  sqlite3_stmt* s = nullptr;
  const std::string sql = std::string("SELECT count(*) FROM ") + table;
  int64_t n = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    n = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return n;
}

TrainOptions TinyTrainOptions(const TempDir& dir, int bucket_bits, int epochs) {
  TrainOptions o;
  o.train = {{dir.Write("tiny_train.tsv", TinyTrainingRows()), 1.0, ""}};
  o.bucket_bits = bucket_bits;
  o.epochs = epochs;
  o.lexicon_examples = 0;
  return o;
}

std::string WriteTinyModel(const TempDir& dir, int bucket_bits, int epochs) {
  auto trained = TrainModel(TinyTrainOptions(dir, bucket_bits, epochs), nullptr);
  EXPECT_TRUE(trained.ok()) << trained.status().ToString();
  return trained.ok() ? dir.Write("tiny.cvsm", trained->model_bytes) : "";
}

std::string TinyContextConversations() {
  std::string out;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    const char* split = i % 4 == 3 ? "dev" : "train";
    // The same customer words, judged by what they answer.
    out += std::string("{\"id\":\"r") + n + "\",\"split\":\"" + split +
           "\",\"messages\":[{\"role\":\"customer\",\"text\":\"I need a room for " + n +
           " nights\",\"label\":\"neutral\"},{\"role\":\"agent\",\"text\":\"Sorry, there are no rooms left.\","
           "\"label\":null},{\"role\":\"customer\",\"text\":\"ok, book the other one\",\"label\":\"negative\"}],"
           "\"overall\":{\"label\":\"negative\"}}\n";
    out += std::string("{\"id\":\"h") + n + "\",\"split\":\"" + split +
           "\",\"messages\":[{\"role\":\"customer\",\"text\":\"I need a room for " + n +
           " nights\",\"label\":\"neutral\"},{\"role\":\"agent\",\"text\":\"Here is your booking, anything else?\","
           "\"label\":null},{\"role\":\"customer\",\"text\":\"ok, book the other one\",\"label\":\"neutral\"}],"
           "\"overall\":{\"label\":\"neutral\"}}\n";
  }
  return out;
}

std::string WriteTinyContextModel(const TempDir& dir) {
  TrainOptions o;
  o.train = {{dir.Write("tiny_train.tsv", TinyTrainingRows()), 1.0, ""},
             {dir.Write("tiny_conversations.jsonl", TinyContextConversations()) + "#train", 1.0, ""}};
  o.bucket_bits = 12;
  o.epochs = 8;
  o.lexicon_examples = 0;
  auto trained = TrainModel(o, nullptr);
  EXPECT_TRUE(trained.ok()) << trained.status().ToString();
  return trained.ok() ? dir.Write("tiny_context.cvsm", trained->model_bytes) : "";
}

namespace {

// Runs one statement on the server of `url`; the error, or "".
std::string PgExec(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return error;
}

}  // namespace

PgTestDatabase::PgTestDatabase() {
  const char* env = std::getenv("CONVSENT_TEST_PG");
  if (env == nullptr || *env == 0) {
    skip_reason_ = "PostgreSQL tests skipped: CONVSENT_TEST_PG is not set (start a throw-away server with "
                   "scripts/pg-test-cluster.sh start DIR and set it to the URL printed)";
    return;
  }
  admin_url_ = env;
  static std::atomic<int> counter{0};
  name_ = "convsent_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  if (const std::string e = PgExec(admin_url_, "CREATE DATABASE " + name_); !e.empty()) {
    skip_reason_ = "PostgreSQL tests skipped: cannot create a database on " + admin_url_ + ": " + e;
    return;
  }
  // The same server, the new database: replace the URL's path.
  const size_t host = admin_url_.find("://") + 3;
  const size_t query = admin_url_.find('?', host);
  const size_t slash = admin_url_.find('/', host);
  const std::string base = admin_url_.substr(0, slash != std::string::npos && slash < query ? slash : query);
  url_ = base + "/" + name_ + (query == std::string::npos ? "" : admin_url_.substr(query));
}

PgTestDatabase::~PgTestDatabase() {
  if (!url_.empty()) PgExec(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace convsent::testing
