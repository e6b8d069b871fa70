// The store's redact setting, end to end: every path that writes text
// (ingest, import, the backlog's workers, the server's single messages and
// bulk posts) stores it masked, and scores what was written.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server_process.h"
#include "test_util.h"

namespace convsent {
namespace {

using json = nlohmann::json;
using testing::Binary;
using testing::RunCommand;
using testing::TempDir;

const char kPrivate[] =
    R"({"id":"P1","channel":"chat","created_at":"2026-11-02T10:00:00Z","attributes":{"requester":"jane@example.com"},)"
    R"("messages":[{"role":"customer","author":"jane@example.com","at":"2026-11-02T10:00:00Z",)"
    R"("text":"Terrible!! You charged my card 4111 1111 1111 1111 twice, call me on +1 415 555 0134 or jane@example.com"},)"
    R"({"role":"agent","author":"a-1","at":"2026-11-02T10:05:00Z","text":"Refunded to DE89 3704 0044 0532 0130 00, sorry!"}]})"
    "\n";

// The card number's groups as typed. A bare "4111" may turn up by chance in a
// timestamp or a key hash, so the checks look for the spaced groups.
const char kCard[] = "4111 1111";

// Whether the card number is anywhere in the store's files (WAL included).
std::string FilesHoldingTheCard(const std::string& db) {
  return RunCommand("grep -F -l '" + std::string(kCard) + "' " + db + "*").out;
}

void ExpectMasked(const std::string& shown) {
  for (const char* secret : {"jane@example.com", kCard, "415 555", "DE89"}) {
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " in " << shown;
  }
  for (const char* mask : {"[email]", "[card]", "[phone]", "[iban]"}) {
    EXPECT_NE(shown.find(mask), std::string::npos) << mask << " not in " << shown;
  }
}

// The stored scores of P1: what the model made of the original text.
json Scores(const std::string& shown) {
  const json j = json::parse(shown);
  json out = json::array();
  for (const auto& m : j["messages"]) out.push_back(m["score"]["compound"]);
  return out;
}

TEST(Redaction, IsOffUntilSetAndSettingsAreChecked) {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  EXPECT_EQ(RunCommand(Binary() + " settings --db " + db).out, "redact=off\n");
  EXPECT_EQ(RunCommand(Binary() + " settings --db " + db + " redact=email,ssn 2>/dev/null").exit_code, 2);
  EXPECT_EQ(RunCommand(Binary() + " settings --db " + db + " colour=red 2>/dev/null").exit_code, 2);
  EXPECT_EQ(RunCommand(Binary() + " settings --db " + db + " redact=card,email").out, "redact=email,card\n");
  EXPECT_EQ(RunCommand(Binary() + " settings --db " + db).out, "redact=email,card\n");
}

TEST(Redaction, IngestAndWorkersStoreMaskedTextScoredOnTheOriginal) {
  TempDir dir;
  const std::string in = dir.Write("p.jsonl", kPrivate);
  const std::string plain = dir.path() + "/plain.db", masked = dir.path() + "/masked.db",
                    queued = dir.path() + "/queued.db";
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + plain + " " + in + " >/dev/null").exit_code, 0);
  const std::string original = RunCommand(Binary() + " show --json --db " + plain + " P1").out;
  EXPECT_NE(original.find("jane@example.com"), std::string::npos);  // off by default

  for (const std::string& db : {masked, queued}) {
    ASSERT_EQ(RunCommand(Binary() + " settings --db " + db + " redact=all >/dev/null").exit_code, 0);
  }
  ASSERT_EQ(RunCommand(Binary() + " ingest --db " + masked + " " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " ingest --enqueue --db " + queued + " " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(RunCommand(Binary() + " worker --until-empty --db " + queued + " >/dev/null").exit_code, 0);
  for (const std::string& db : {masked, queued}) {
    SCOPED_TRACE(db);
    const std::string shown = RunCommand(Binary() + " show --json --db " + db + " P1").out;
    ExpectMasked(shown);
    EXPECT_EQ(Scores(shown), Scores(original));
    EXPECT_EQ(FilesHoldingTheCard(db), "") << "the card number is in the store's files";
  }
}

TEST(Redaction, TheServerStoresMaskedTextAndAnswersTheScore) {
  TempDir dir;
  const std::string db = dir.path() + "/s.db";
  ASSERT_EQ(RunCommand(Binary() + " settings --db " + db + " redact=all >/dev/null").exit_code, 0);
  const std::string key = testing::NewKey(db, "admin");
  std::string original_compound;
  {
    testing::ServerProcess server(db);
    httplib::Client c = server.Client(key);
    const std::string text = "Terrible!! You charged my card 4111 1111 1111 1111 twice, call me on +1 415 555 0134";
    auto one = c.Post("/v1/conversations/P2/messages",
                      json{{"role", "customer"}, {"author", "jane@example.com"}, {"text", text},
                           {"conversation", {{"attributes", {{"requester", "jane@example.com"}}}}}}
                          .dump(),
                      "application/json");
    ASSERT_EQ(one->status, 201) << one->body;
    // The answer scores what was sent.
    const json scored = json::parse(RunCommand("echo '" + text + "' | " + Binary() + " score --for conversations").out);
    EXPECT_EQ(json::parse(one->body)["score"]["compound"], scored["compound"]);
    auto bulk = c.Post("/v1/conversations", kPrivate, "application/x-ndjson");
    ASSERT_EQ(bulk->status, 200) << bulk->body;
    for (const char* id : {"P1", "P2"}) {
      auto got = c.Get(std::string("/v1/conversations/") + id);
      ASSERT_EQ(got->status, 200);
      EXPECT_EQ(got->body.find("jane@example.com"), std::string::npos) << got->body;
      EXPECT_EQ(got->body.find(kCard), std::string::npos) << got->body;
      EXPECT_NE(got->body.find("[card]"), std::string::npos) << got->body;
    }
    EXPECT_EQ(server.Stop(), 0);
  }
  const std::string shown = RunCommand(Binary() + " show --json --db " + db + " P1").out;
  ExpectMasked(shown);
  EXPECT_EQ(FilesHoldingTheCard(db), "");
}

}  // namespace
}  // namespace convsent
