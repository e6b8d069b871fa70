// Ingest and the store, through the command line as a user runs them: bad
// input, --strict, idempotency, CSV, rescore, and a kill -9 in the middle.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "convsent/store.h"
#include "test_util.h"

namespace convsent {
namespace {

using testing::Binary;
using testing::RunCommand;
using testing::CountRows;
using testing::TempDir;

std::string IntegrityCheck(const std::string& db) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::string result = "no answer";
  if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return result;
}

const char* kGood1 =
    R"({"id":"A","channel":"chat","messages":[{"role":"customer","at":"2026-11-02T09:14:00Z","text":"I was charged twice!!"},{"role":"agent","author":"a1","at":"2026-11-02T09:31:00Z","text":"Refunded."}]})";
const char* kGood2 =
    R"({"id":"B","channel":"email","messages":[{"role":"customer","text":"Thanks a lot, works now!"}]})";


// The tests of ingest that concern any store run on both backends: SQLite
// always, PostgreSQL where $CONVSENT_TEST_PG names a server.
using testing::Backend;

class IngestOn : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    db = "'" + location_ + "'";  // as the shell reads it
  }
  // Rows in `table`, read with plain SQL on either backend.
  int64_t Rows(const char* table) {
    if (GetParam() == Backend::kSqlite) return CountRows(location_, table);
    PGconn* c = PQconnectdb(location_.c_str());
    PGresult* r = PQexec(c, (std::string("SELECT count(*) FROM ") + table).c_str());
    const int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK ? std::atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    PQfinish(c);
    return n;
  }

  TempDir& dir = dir_;
  std::string db;
};

TEST_P(IngestOn, BadLinesAreReportedAndTheRestIsStored) {
  const std::string in = dir.Write("in.jsonl", std::string(kGood1) + "\n{broken\n" +
                                                   R"({"id":"C","messages":[{"role":"robot","text":"x"}]})" + "\n\n" +
                                                   kGood2 + "\n");
  auto r = RunCommand(Binary() + " ingest --json --db " + db + " " + in);
  EXPECT_EQ(r.exit_code, 3) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["conversations"], 2);
  EXPECT_EQ(j["messages"], 3);
  EXPECT_EQ(j["skipped"], 2);
  ASSERT_EQ(j["errors"].size(), 2u);
  EXPECT_EQ(j["errors"][0]["file"], in);
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_EQ(j["errors"][1]["line"], 3);
  EXPECT_EQ(j["errors"][1]["field"], "messages[0].role");
  EXPECT_EQ(Rows("conversations"), 2);
}

TEST_P(IngestOn, StrictStopsAtTheFirstErrorAndWritesNothing) {
  const std::string in = dir.Write("in.jsonl", std::string(kGood1) + "\n" + kGood2 + "\n{broken\n");
  auto r = RunCommand(Binary() + " ingest --strict --json --db " + db + " " + in);
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["aborted"].get<bool>());
  EXPECT_EQ(j["errors"][0]["line"], 3);
  EXPECT_EQ(Rows("conversations"), 0);
  EXPECT_EQ(Rows("conversation_messages"), 0);
  // Without errors, --strict stores everything.
  const std::string ok = dir.Write("ok.jsonl", std::string(kGood1) + "\n" + kGood2 + "\n");
  EXPECT_EQ(RunCommand(Binary() + " ingest --strict --db " + db + " " + ok).exit_code, 0);
  EXPECT_EQ(Rows("conversations"), 2);
}

TEST_P(IngestOn, IngestingAgainReplacesTheConversation) {
  const std::string in = dir.Write("in.jsonl", std::string(kGood1) + "\n" + kGood2 + "\n");
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in).exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in).exit_code, 0);
  EXPECT_EQ(Rows("conversations"), 2);
  EXPECT_EQ(Rows("conversation_messages"), 2);
  EXPECT_EQ(Rows("conversation_scores"), 2);
  // A changed conversation replaces the old one, messages included.
  const std::string changed = dir.Write(
      "b.jsonl", R"({"id":"B","channel":"phone","messages":[{"role":"customer","text":"one"},{"role":"customer","text":"two"}]})"
                 "\n");
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + changed).exit_code, 0);
  EXPECT_EQ(Rows("conversations"), 2);
  EXPECT_EQ(Rows("conversation_messages"), 2);
  const auto shown = nlohmann::json::parse(RunCommand(Binary() + " show --json --db " + db + " B").out);
  EXPECT_EQ(shown["channel"], "phone");
  EXPECT_EQ(shown["messages"].size(), 2u);
}

TEST_P(IngestOn, CsvOfMessagesAndStdin) {
  const std::string csv = dir.Write(
      "m.csv",
      "conversation_id,role,at,text,channel,tags,region\n"
      "X1,customer,2026-11-02T09:00:00Z,\"Hi, my order is late\",chat,late;vip,emea\n"
      "X1,agent,2026-11-02T09:05:00Z,\"Sorry! It ships today,\n\"\"promise\"\"\",chat,late;vip,emea\n"
      "X2,customer,2026-11-02T10:00:00Z,great service,email,,\n"
      "X1,customer,2026-11-02T11:00:00Z,again,chat,,\n"
      "X3,wizard,2026-11-02T10:00:00Z,hm,email,,\n");
  auto r = RunCommand(Binary() + " ingest --json --db " + db + " " + csv);
  EXPECT_EQ(r.exit_code, 3);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["conversations"], 2);
  ASSERT_EQ(j["errors"].size(), 2u);
  EXPECT_EQ(j["errors"][0]["line"], 6);  // the quoted newline makes the file's lines shift
  EXPECT_EQ(j["errors"][0]["field"], "conversation_id");
  EXPECT_EQ(j["errors"][1]["field"], "role");
  const auto x1 = nlohmann::json::parse(RunCommand(Binary() + " show --json --db " + db + " X1").out);
  EXPECT_EQ(x1["tags"], (nlohmann::json{"late", "vip"}));
  EXPECT_EQ(x1["messages"][1]["text"], "Sorry! It ships today,\n\"promise\"");
  // Standard input is JSON Lines.
  const auto s = RunCommand("printf '%s\\n' '" + std::string(kGood2) + "' | " + Binary() + " ingest --db " + db + " -");
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(Rows("conversations"), 3);
}

// A row whose field count is not the header's is reported with its line and
// skipped, never cut to fit (before: "I was charged twice, please refund me
// now" was stored as "I was charged twice", exit 0). A byte-order mark
// before the header is not part of the first column's name.
TEST_P(IngestOn, CsvRowsMustMatchTheHeader) {
  const std::string csv = dir.Write("m.csv",
                                    "\xEF\xBB\xBF"
                                    "conversation_id,role,text\n"
                                    "z1,customer,I was charged twice, please refund me now\n"
                                    "z1,agent\n"
                                    "z2,customer,\"I was charged twice, please refund me now\"\n");
  auto r = RunCommand(Binary() + " ingest --json --db " + db + " " + csv);
  EXPECT_EQ(r.exit_code, 3);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["errors"].size(), 2u) << r.out;
  EXPECT_EQ(j["errors"][0]["line"], 2);
  EXPECT_NE(j["errors"][0]["message"].get<std::string>().find("4 fields where the header has 3"), std::string::npos);
  EXPECT_EQ(j["errors"][1]["line"], 3);
  EXPECT_EQ(j["conversations"], 1);
  const auto z2 = nlohmann::json::parse(RunCommand(Binary() + " show --json --db " + db + " z2").out);
  EXPECT_EQ(z2["messages"][0]["text"], "I was charged twice, please refund me now");
  // JSON Lines with a byte-order mark.
  const std::string jsonl = dir.Write("bom.jsonl", "\xEF\xBB\xBF" + std::string(kGood2) + "\n");
  EXPECT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + jsonl + " 2>/dev/null").exit_code, 0);
}

TEST(Ingest, MissingFilesAndBadStores) {
  TempDir dir;
  auto r = RunCommand(Binary() + " ingest --json --db " + dir.path() + "/t.db /nonexistent.jsonl");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("cannot open"), std::string::npos);
  const std::string junk = dir.Write("junk.db", "this is not a database, just text that is long enough to be read");
  EXPECT_EQ(RunCommand(Binary() + " ingest --db " + junk + " /dev/null 2>/dev/null").exit_code, 1);
  // --json answers with one object even when the store fails.
  auto failed = RunCommand(Binary() + " ingest --json --db " + junk + " /dev/null 2>/dev/null");
  EXPECT_EQ(failed.exit_code, 1);
  const auto j = nlohmann::json::parse(failed.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << failed.out;
  EXPECT_TRUE(j.contains("error"));
  EXPECT_EQ(j["aborted"], true);
  EXPECT_EQ(RunCommand(Binary() + " show --db " + dir.path() + "/t.db nope 2>/dev/null").exit_code, 1);
}

TEST(Store, RefusesANewerSchema) {
  TempDir dir;
  const std::string db = dir.path() + "/t.db";
  ASSERT_TRUE(Store::Open(db).ok());
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_exec(h, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  auto again = Store::Open(db);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("schema version 99"), std::string::npos);
}

// A store this user cannot write (a copy for an analyst, a read-only
// mount) is read by report, show and tree, with and without a writable
// folder; a write names the store as read-only and changes nothing. Root
// writes any file, so as root the commands run as nobody (setpriv).
TEST(Store, AReadOnlyStoreCanBeRead) {
  TempDir dir;
  const std::string in = dir.path() + "/s.jsonl", db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 40 --seed 3 -o " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  const std::string report = RunCommand(Binary() + " report --json --db " + db).out;
  const std::string shown = RunCommand(Binary() + " show --json --db " + db + " C-7").out;
  ASSERT_FALSE(shown.empty());
  const std::string as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  for (const bool folder_writable : {true, false}) {
    SCOPED_TRACE(folder_writable ? "writable folder" : "read-only folder");
    ASSERT_EQ(chmod(db.c_str(), 0444), 0);
    ASSERT_EQ(chmod(dir.path().c_str(), folder_writable ? 0777 : 0555), 0);
    EXPECT_EQ(RunCommand(as + Binary() + " report --json --db " + db).out, report);
    EXPECT_EQ(RunCommand(as + Binary() + " show --json --db " + db + " C-7").out, shown);
    EXPECT_EQ(RunCommand(as + Binary() + " tree --json --db " + db + " >/dev/null").exit_code, 0);
    auto write = RunCommand(as + Binary() + " ingest --db " + db + " " + in + " 2>&1");
    EXPECT_EQ(write.exit_code, 1);
    EXPECT_NE(write.out.find("is read-only"), std::string::npos) << write.out;
    ASSERT_EQ(chmod(dir.path().c_str(), 0700), 0);
    ASSERT_EQ(chmod(db.c_str(), 0600), 0);
    EXPECT_EQ(RunCommand(Binary() + " report --json --db " + db).out, report);
  }
}

// A version-1 store (before the report rows) is migrated on open, in one
// transaction, and the report reads the same figures as on a new store.
TEST(Store, MigratesVersion1AndRebuildsTheReportRows) {
  TempDir dir;
  const std::string in = dir.path() + "/s.jsonl", db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 300 --seed 5 -o " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  // Part of it rescored by another model, which becomes the current one: the
  // rows kept up to date on every write must equal the rows rebuilt whole.
  const std::string lite = testing::SourceDir() + "/models/convsent-msg-lite.cvsm";
  ASSERT_EQ(RunCommand(Binary() + " rescore --db " + db + " --model " + lite + " --from 2026-10-05 >/dev/null").exit_code, 0);
  const std::string fresh = RunCommand(Binary() + " report --json --period day --db " + db).out;
  ASSERT_NE(fresh.find("convsent-msg-1-lite"), std::string::npos) << fresh.substr(0, 400);
  // Take the store back to version 1: what version 2 added is gone, and
  // what version 5 dropped is back (and what versions 6 and 7 added is gone).
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  ASSERT_EQ(sqlite3_exec(h, "DROP TABLE report_rows; DROP TABLE segment_values; DROP TABLE alerts; DROP TABLE interventions; DROP TABLE api_keys; DROP TABLE review_queue; DROP TABLE human_labels; DROP TABLE backlog; DROP TABLE live_messages; DROP TABLE webhook_deliveries; DROP TABLE discovered_issues; DROP TABLE sync_cursors; DROP TABLE hook_events; DROP TABLE write_backs; DROP TABLE conversation_labels; "
                            "CREATE TABLE conversation_tags(tag TEXT NOT NULL, conversation INTEGER NOT NULL, PRIMARY KEY(tag, conversation)) WITHOUT ROWID; "
                            "UPDATE meta SET value='1' WHERE key='schema_version'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
  const std::string migrated = RunCommand(Binary() + " report --json --period day --db " + db).out;
  EXPECT_EQ(CountRows(db, "report_rows"), 300);
  EXPECT_EQ(migrated, fresh);
  EXPECT_EQ(IntegrityCheck(db), "ok");
}

// Version 12 moved each conversation's latest label and audit label from
// its report row to a table of their own: a version-11 store keeps them,
// and its report's estimate is the one it gave before.
TEST(Store, MigratesVersion11AndKeepsTheLabelsTheReportReads) {
  TempDir dir;
  const std::string in = dir.path() + "/s.jsonl", db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 200 --seed 3 -o " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  std::string audit = "conversation_id,label\n", review = "conversation_id,label\n";
  for (int i = 1; i <= 120; ++i) {
    const char* labels[] = {"negative", "neutral", "positive"};
    (i <= 90 ? audit : review) += "C-" + std::to_string(i) + "," + labels[(i * 7) % 3] + "\n";
  }
  audit += "C-5,positive\n";  // labelled again: the latest label counts
  const std::string audit_csv = dir.Write("audit.csv", audit), review_csv = dir.Write("review.csv", review);
  const std::string import = Binary() + " labels import --db " + db;
  ASSERT_EQ(RunCommand(import + " --audit " + audit_csv + " >/dev/null 2>&1").exit_code, 0);
  ASSERT_EQ(RunCommand(import + " " + review_csv + " >/dev/null 2>&1").exit_code, 0);
  const std::string fresh = RunCommand(Binary() + " report --json --db " + db).out;
  const auto estimate = nlohmann::json::parse(fresh)["estimate"];
  ASSERT_TRUE(estimate.is_object()) << fresh.substr(0, 400);
  EXPECT_EQ(estimate["labels"], 90);
  EXPECT_EQ(CountRows(db, "conversation_labels"), 120);
  // Back to version 11: the labels on the report rows, no table of their own.
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  ASSERT_EQ(sqlite3_exec(h,
                         "UPDATE report_rows SET human_label = (SELECT human_label FROM conversation_labels l WHERE "
                         "l.conversation = report_rows.conversation), audit_label = (SELECT audit_label FROM "
                         "conversation_labels l WHERE l.conversation = report_rows.conversation); "
                         "DROP TABLE conversation_labels; UPDATE meta SET value='11' WHERE key='schema_version'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  EXPECT_EQ(RunCommand(Binary() + " report --json --db " + db).out, fresh);
  EXPECT_EQ(CountRows(db, "conversation_labels"), 120);
  EXPECT_EQ(IntegrityCheck(db), "ok");
}

TEST_P(IngestOn, RescoreKeepsTheOldModelsScores) {
  const std::string other = testing::WriteTinyModel(dir, 10, 2);  // a different method version
  ASSERT_FALSE(other.empty());
  const std::string in = dir.Write("in.jsonl", std::string(kGood1) + "\n" + kGood2 + "\n");
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + db + " " + in).exit_code, 0);
  const auto before = nlohmann::json::parse(RunCommand(Binary() + " show --json --db " + db + " A").out);
  auto r = RunCommand(Binary() + " rescore --db " + db + " --model " + other);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Rows("models"), 2);
  EXPECT_EQ(Rows("conversation_scores"), 4);  // both models' scores
  const auto after = nlohmann::json::parse(RunCommand(Binary() + " show --json --db " + db + " A").out);
  EXPECT_NE(after["model"], before["model"]);
  const auto old = nlohmann::json::parse(
      RunCommand(Binary() + " show --json --db " + db + " --model " + before["model"].get<std::string>() + " A").out);
  EXPECT_EQ(old["messages"][0]["score"], before["messages"][0]["score"]);
  // The report follows the current model: every tone is now the new model's.
  const auto report = nlohmann::json::parse(RunCommand(Binary() + " report --json --db " + db).out);
  ASSERT_EQ(report["method"]["models"].size(), 1u);
  EXPECT_EQ(report["method"]["models"].begin().key(), after["model"].get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestOn, testing::kBothBackends, testing::BackendName);

// kill -9 in the middle of an ingest loses no committed batch and corrupts
// nothing; running the ingest again completes it.
TEST(Ingest, SurvivesKill9AndResumes) {
  TempDir dir;
  const std::string in = dir.path() + "/big.jsonl";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 30000 --seed 7 -o " + in + " >/dev/null").exit_code, 0);
  const std::string db = dir.path() + "/t.db";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl(Binary().c_str(), Binary().c_str(), "ingest", "--db", db.c_str(), in.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until some batches are committed, then kill without warning.
  for (int i = 0; i < 600 && CountRows(db, "tones") < 4000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the ingest finished before it could be killed";
  const int64_t committed = CountRows(db, "conversations");
  EXPECT_EQ(IntegrityCheck(db), "ok");
  EXPECT_GT(committed, 0);
  EXPECT_LT(committed, 30000);
  EXPECT_EQ(committed % 2000, 0) << "only whole batches are committed";
  EXPECT_EQ(CountRows(db, "tones"), committed);  // every stored conversation is whole
  // Again: completes, and nothing is doubled.
  auto r = RunCommand(Binary() + " ingest --json --db " + db + " " + in);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(CountRows(db, "conversations"), 30000);
  EXPECT_EQ(CountRows(db, "tones"), 30000);
  EXPECT_EQ(IntegrityCheck(db), "ok");
}

TEST(Generate, SameSeedSameDataAndTheTruth) {
  TempDir dir;
  const std::string a = dir.path() + "/a.jsonl", b = dir.path() + "/b.jsonl", c = dir.path() + "/c.jsonl";
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 500 --seed 3 -o " + a + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 500 --seed 3 -o " + b + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " generate --conversations 500 --seed 4 -o " + c + " >/dev/null").exit_code, 0);
  EXPECT_EQ(testing::ReadFile(a), testing::ReadFile(b));
  EXPECT_NE(testing::ReadFile(a), testing::ReadFile(c));
  const auto truth = nlohmann::json::parse(testing::ReadFile(a + ".truth.json"));
  std::vector<std::string> causes;
  for (const auto& p : truth["planted"]) causes.push_back(p["cause"]);
  EXPECT_EQ(causes, (std::vector<std::string>{"slow_first_response", "billing_bug", "painful_pocket", "curt_agent",
                                              "neutral_drift", "model_change"}));
  // Every line is a valid conversation.
  auto r = RunCommand(Binary() + " ingest --json --strict --db " + dir.path() + "/t.db " + a);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(RunCommand(Binary() + " generate --conversations 0 -o " + c + " 2>/dev/null").exit_code, 2);
}

}  // namespace
}  // namespace convsent
