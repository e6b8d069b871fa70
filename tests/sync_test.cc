// convsent sync against a help desk replayed on loopback (replay_server.h):
// full syncs of Zendesk, Intercom and Front; 429 with Retry-After, 500s, a
// connection dropped mid-body and a refused cursor; a sync killed with
// kill -9 mid-page and started again (exact counts); credentials never in
// the output; the server pulling in the background (its log free of
// credentials); the config's errors.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>

#include "convsent/hooks.h"
#include "convsent/http_client.h"
#include "convsent/store.h"
#include "convsent/sync.h"
#include "replay_server.h"
#include "server_process.h"
#include "test_util.h"

namespace convsent {
namespace {

using testing::HelpDeskReplay;
using testing::RunCommand;
using testing::TempDir;

constexpr char kToken[] = "tok_S3CRET_do_not_print_9f2c";

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!replay_.Load()) GTEST_SKIP() << "needs ../shared/formats (the recorded payloads the replay serves)";
    replay_.Start();
    auto model = Model::Embedded(ModelUse::kConversations);
    ASSERT_TRUE(model.ok()) << model.status().message();
    model_ = *model;
    auto store = Store::Open(dir_.path() + "/store.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }

  SyncSource Source(HelpDesk system) {
    SyncSource s;
    s.system = system;
    s.name = std::string(HelpDeskName(system));
    s.url = replay_.url();
    s.email = system == HelpDesk::kZendesk ? "ops@example.com" : "";
    s.token = kToken;
    s.start_ms = (HelpDeskReplay::kT0 - 3600) * 1000;
    s.requests_per_minute = 0;
    s.first_backoff = std::chrono::milliseconds(20);
    return s;
  }

  Result<SyncSummary> Sync(const SyncSource& s, std::vector<std::string>* waits = nullptr) {
    SyncOptions o;
    o.explain = 0;
    o.on_wait = [waits](const std::string& why, std::chrono::milliseconds) {
      if (waits) waits->push_back(why);
    };
    return RunSync(s, model_, store_.get(), o);
  }

  // Messages one item of `system` yields, imported directly.
  int64_t MessagesPerItem(HelpDesk system) {
    std::vector<ImportResponse> r;
    if (system == HelpDesk::kZendesk) {
      nlohmann::json comments = nlohmann::json::array();
      for (size_t k = 0; k < 4; ++k) comments.push_back(replay_.Comment(0, k));
      r.push_back({"t", "/api/v2/tickets/1.json", nlohmann::json({{"ticket", replay_.Ticket(0)}}).dump()});
      r.push_back({"c", "/api/v2/tickets/1/comments.json",
                   nlohmann::json({{"comments", comments}, {"users", replay_.Users()}}).dump()});
    } else if (system == HelpDesk::kIntercom) {
      r.push_back({"c", "/conversations/ic0", replay_.Intercom(0).dump()});
    }
    ImportResult imported = ImportResponses(system, r);
    EXPECT_EQ(imported.conversations.size(), 1u);
    return imported.conversations.empty() ? 0 : static_cast<int64_t>(imported.conversations[0].messages.size());
  }

  StoreInfo Info() {
    auto info = store_->Info();
    EXPECT_TRUE(info.ok());
    return info.ok() ? *info : StoreInfo{};
  }

  TempDir dir_;
  HelpDeskReplay replay_;
  std::shared_ptr<const Model> model_;
  std::unique_ptr<Store> store_;
};

TEST_F(SyncTest, ZendeskFullSyncThenOnlyWhatChanged) {
  replay_.Add(250);
  SyncSource s = Source(HelpDesk::kZendesk);
  s.page_size = 100;
  auto first = Sync(s);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->fetched, 250);
  EXPECT_EQ(first->stored, 250);
  EXPECT_EQ(first->errors_total, 0) << (first->errors.empty() ? "" : first->errors[0].message);
  const int64_t per = MessagesPerItem(HelpDesk::kZendesk);
  ASSERT_GT(per, 1) << "the recorded ticket has a customer's comment and agents' replies";
  EXPECT_EQ(Info().conversations, 250);
  EXPECT_EQ(Info().messages, 250 * per);
  // 3 export pages, and 2 comment pages per ticket.
  EXPECT_EQ(first->requests, 3 + 2 * 250);
  auto sc = store_->conversations().Get("125");
  ASSERT_TRUE(sc.ok() && *sc);
  EXPECT_EQ((*sc)->conversation.messages.front().role, Role::kCustomer) << "the requester";
  EXPECT_EQ((*sc)->conversation.messages.back().role, Role::kAgent) << "an agent, from the side-loaded users";

  // Nothing changed: one request, nothing stored.
  auto again = Sync(s);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->fetched, 0);
  EXPECT_EQ(again->requests, 1);
  EXPECT_NE(replay_.requests().back().find("cursor=c"), std::string::npos) << "the stored cursor, not a start time";

  // Five new tickets and one updated: six fetched, 255 stored in all.
  replay_.Add(5);
  replay_.Touch(7);
  auto third = Sync(s);
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_EQ(third->fetched, 6);
  EXPECT_EQ(third->stored, 6);
  EXPECT_EQ(Info().conversations, 255);
  EXPECT_EQ(Info().messages, 255 * per) << "an updated ticket replaces itself";
  for (const std::string& a : replay_.authorizations()) EXPECT_EQ(a.rfind("Basic ", 0), 0u) << a;
}

TEST_F(SyncTest, ZendeskRidesOut429sErrorsAndDroppedConnections) {
  replay_.Add(120);
  // A 429 with Retry-After: 1 first; two 500s on one ticket's comments; a
  // connection cut halfway through a body; a 503. Each on a ticket of its
  // own (not on a request number: comments are fetched four at a time, so
  // a number could land on the ticket that answers 500 and hide the cut).
  std::atomic<int> comments_500{0}, cut{0}, busy{0};
  replay_.fault([&](const httplib::Request& req, httplib::Response& res, int64_t n) {
    if (n == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      res.set_content(R"({"error":"APIRateLimitExceeded"})", "application/json");
      return true;
    }
    if (req.path == "/api/v2/tickets/9/comments.json" && comments_500++ < 2) {
      res.status = 500;
      res.set_content("{}", "application/json");
      return true;
    }
    if (req.path == "/api/v2/tickets/20/comments.json" && cut++ == 0) {  // promises 1 MB, sends 10 bytes, hangs up
      res.set_content_provider(1000000, "application/json", [](size_t offset, size_t, httplib::DataSink& sink) {
        if (offset == 0) sink.write("{\"comments", 10);
        return false;
      });
      return true;
    }
    if (req.path == "/api/v2/tickets/30/comments.json" && busy++ == 0) {
      res.status = 503;
      res.set_content("busy", "text/plain");
      return true;
    }
    return false;
  });
  std::vector<std::string> waits;
  const auto start = std::chrono::steady_clock::now();
  auto r = Sync(Source(HelpDesk::kZendesk), &waits);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(950)) << "Retry-After: 1 was honoured";
  EXPECT_EQ(r->stored, 120);
  EXPECT_EQ(Info().conversations, 120);
  EXPECT_EQ(Info().messages, 120 * MessagesPerItem(HelpDesk::kZendesk));
  std::string all;
  for (const auto& w : waits) all += w + "\n";
  EXPECT_NE(all.find("HTTP 429 (Retry-After 1)"), std::string::npos) << all;
  EXPECT_NE(all.find("HTTP 500"), std::string::npos) << all;
  EXPECT_NE(all.find("no answer"), std::string::npos) << "the dropped connection\n" << all;
  EXPECT_NE(all.find("HTTP 503"), std::string::npos) << all;
  EXPECT_EQ(all.find(kToken), std::string::npos);
}

TEST_F(SyncTest, ARefusedCursorStartsAgainFromTheNewestChangeStored) {
  replay_.Add(30);
  SyncSource s = Source(HelpDesk::kZendesk);
  ASSERT_TRUE(Sync(s).ok());
  replay_.Add(4);
  // The cursor expired meanwhile: Zendesk answers 422 to it.
  replay_.fault([](const httplib::Request& req, httplib::Response& res, int64_t) {
    if (!req.has_param("cursor")) return false;
    res.status = 422;
    res.set_content(R"({"error":"InvalidPaginationParameter","description":"cursor expired"})", "application/json");
    return true;
  });
  auto r = Sync(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->stored, 4 + 1) << "the four new tickets, and the last one stored (the newest change, fetched again)";
  ASSERT_FALSE(r->errors.empty());
  EXPECT_NE(r->errors[0].message.find("refused the cursor"), std::string::npos) << r->errors[0].message;
  EXPECT_EQ(Info().conversations, 34);
}

TEST_F(SyncTest, RefusedCredentialsStopWithoutTheToken) {
  replay_.Add(3);
  replay_.fault([](const httplib::Request&, httplib::Response& res, int64_t) {
    res.status = 401;
    res.set_content(R"({"error":"Couldn't authenticate you"})", "application/json");
    return true;
  });
  auto r = Sync(Source(HelpDesk::kZendesk));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("refused the credentials"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find(kToken), std::string::npos);
  EXPECT_EQ(replay_.requests().size(), 1u) << "a 401 is not retried";
}

// Listed, then deleted before it was fetched: the vendor answers 404. The
// rest of the page is stored, in order, and the summary names the one gone.
TEST_F(SyncTest, AnItemDeletedBetweenListingAndFetchIsSkippedAndNamed) {
  replay_.Add(20);
  replay_.fault([](const httplib::Request& req, httplib::Response& res, int64_t) {
    static const std::set<std::string> deleted = {"/api/v2/tickets/7/comments.json", "/conversations/ic4",
                                                  "/conversations/cnv_4/messages", "/api/v1/tickets/7000004/threads"};
    if (!deleted.count(req.path)) return false;
    res.status = 404;
    res.set_content("{}", "application/json");
    return true;
  });
  const std::map<HelpDesk, std::string> gone = {{HelpDesk::kZendesk, "ticket 7 is gone"},
                                                {HelpDesk::kIntercom, "conversation ic4 is gone"},
                                                {HelpDesk::kFront, "conversation cnv_4 is gone"},
                                                {HelpDesk::kZohoDesk, "ticket 7000004 is gone"}};
  for (const auto& [system, note] : gone) {
    SCOPED_TRACE(HelpDeskName(system));
    SyncSource s = Source(system);
    s.page_size = 8;
    s.org_id = "60001";
    auto r = Sync(s);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->fetched, 20);
    EXPECT_EQ(r->stored, 19);
    EXPECT_EQ(r->skipped, 1);
    EXPECT_EQ(r->errors_total, 1);
    ASSERT_EQ(r->errors.size(), 1u);
    EXPECT_NE(r->errors[0].message.find(note), std::string::npos) << r->errors[0].message;
  }
  EXPECT_EQ(Info().conversations, 4 * 19) << "no half of a deleted ticket stored";
}

TEST_F(SyncTest, IntercomSearchesByUpdateTimeAndFetchesEachConversation) {
  replay_.Add(40);
  SyncSource s = Source(HelpDesk::kIntercom);
  s.page_size = 15;
  auto r = Sync(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->fetched, 40);
  EXPECT_EQ(r->stored, 40);
  EXPECT_EQ(r->requests, 3 + 40);
  EXPECT_EQ(Info().messages, 40 * MessagesPerItem(HelpDesk::kIntercom));
  for (const std::string& a : replay_.authorizations()) EXPECT_EQ(a, std::string("Bearer ") + kToken);
  replay_.Add(2);
  auto next = Sync(s);
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_GE(next->stored, 2);
  EXPECT_LE(next->stored, 42) << "from a minute before the newest change";
  EXPECT_EQ(Info().conversations, 42);
}

TEST_F(SyncTest, FrontResumesARunFromItsNextPage) {
  replay_.Add(25);
  SyncSource s = Source(HelpDesk::kFront);
  s.page_size = 10;
  // The run stops after its first page: the cursor holds the next one.
  SyncOptions o;
  int pages = 0;
  o.progress = [&](const SyncProgress&) { ++pages; };
  o.stop = [&] { return pages >= 1; };
  auto partial = RunSync(s, model_, store_.get(), o);
  ASSERT_TRUE(partial.ok()) << partial.status().message();
  EXPECT_EQ(partial->stored, 10);
  EXPECT_NE(partial->cursor.find("page_token=10"), std::string::npos) << partial->cursor;
  auto rest = Sync(s);
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_EQ(rest->stored, 15) << "the two pages left, not the run again";
  EXPECT_EQ(Info().conversations, 25);
}

TEST_F(SyncTest, GorgiasReadsNewestFirstAndResumesARun) {
  replay_.Add(35);
  SyncSource s = Source(HelpDesk::kGorgias);
  s.email = "ops@example.com";
  s.page_size = 10;
  SyncOptions o;
  int pages = 0;
  o.progress = [&](const SyncProgress&) { ++pages; };
  o.stop = [&] { return pages >= 2; };
  auto partial = RunSync(s, model_, store_.get(), o);
  ASSERT_TRUE(partial.ok()) << partial.status().message();
  EXPECT_EQ(partial->stored, 20);
  auto rest = Sync(s);
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_EQ(rest->stored, 15) << "the pages left";
  EXPECT_EQ(Info().conversations, 35);
  for (const std::string& a : replay_.authorizations()) EXPECT_EQ(a.rfind("Basic ", 0), 0u) << "email and API key";
  // Finished: the next run starts a minute before this one did, and the
  // replay's tickets are all older.
  auto again = Sync(s);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->fetched, 0);
}

TEST_F(SyncTest, ZohoDeskFetchesEachThreadWhole) {
  replay_.Add(25);
  SyncSource s = Source(HelpDesk::kZohoDesk);
  s.org_id = "60001";
  s.page_size = 10;
  auto r = Sync(s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->fetched, 25);
  EXPECT_EQ(r->stored, 25);
  EXPECT_EQ(r->errors_total, 0) << (r->errors.empty() ? "" : r->errors[0].message);
  auto sc = store_->conversations().Get("7000003");
  ASSERT_TRUE(sc.ok() && *sc);
  ASSERT_EQ((*sc)->conversation.messages.size(), 1u);
  EXPECT_NE((*sc)->conversation.messages[0].text.find("in full"), std::string::npos)
      << "the thread's content, not the list's summary: " << (*sc)->conversation.messages[0].text;
  for (const std::string& a : replay_.authorizations()) EXPECT_EQ(a, std::string("Zoho-oauthtoken ") + kToken);
}

// The binary, as cron runs it: a five-line sync.yaml with a token file;
// killed with kill -9 in the middle of a page, then run again.
TEST_F(SyncTest, KilledMidPageAndStartedAgainLosesAndRepeatsNothing) {
  replay_.Add(600);
  replay_.set_delay(std::chrono::milliseconds(1));
  const std::string config = dir_.path() + "/sync.yaml";
  {
    std::ofstream(dir_.path() + "/zendesk.token") << kToken << "\n";
    std::ofstream(config) << "zendesk:\n  url: " << replay_.url()
                          << "\n  email: ops@example.com\n  token_file: zendesk.token\n  start: 2026-09-01\n"
                          << "  page_size: 100\n  requests_per_minute: 0\n";
  }
  const std::string db = dir_.path() + "/cron.db";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1), dup2(devnull, 2);
    execl(testing::Binary().c_str(), "convsent", "sync", "zendesk", "--db", db.c_str(), "--config", config.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Killed once a page and its cursor are committed, in the middle of a
  // later page: waiting on the file, not on a request count, keeps this
  // true on a slow or busy machine.
  for (int i = 0; i < 20000 && testing::CountRows(db, "sync_cursors") <= 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GT(testing::CountRows(db, "sync_cursors"), 0) << "no page committed in 20 s";
  for (size_t seen = replay_.requests().size(), i = 0; replay_.requests().size() < seen + 30 && i < 20000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "it finished before it was killed: slow the replay down";
  const size_t before = replay_.requests().size();

  const auto again = RunCommand(testing::Binary() + " sync zendesk --json --db " + db + " --config " + config + " 2>&1");
  ASSERT_EQ(again.exit_code, 0) << again.out;
  auto summary = nlohmann::json::parse(again.out.substr(again.out.find('{')));
  EXPECT_LT(summary["fetched"].get<int64_t>(), 600) << "resumed from the stored cursor, not from the start";
  EXPECT_EQ(summary["errors_total"], 0);
  auto reopened = Store::Open(db);
  ASSERT_TRUE(reopened.ok());
  auto info = (*reopened)->Info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->conversations, 600);
  EXPECT_EQ(info->messages, 600 * MessagesPerItem(HelpDesk::kZendesk)) << "no message lost or stored twice";
  const auto log = replay_.requests();
  ASSERT_GT(log.size(), before);
  EXPECT_NE(log[before].find("cursor=c"), std::string::npos) << "the second run starts at the cursor: " << log[before];
  EXPECT_EQ(again.out.find(kToken), std::string::npos);
}

// The story of docs/sync.md as a new user lives it: a five-line sync.yaml
// with a token file, `convsent sync zendesk --once`, then `convsent serve
// --sync` keeps pulling what changes. Intercom, in the same config, answers
// every search with an error that echoes the token back: the server logs
// the failure and goes on, and neither the log nor any output carries a
// credential.
TEST_F(SyncTest, OnceFromCronThenTheServerKeepsPullingAndLogsNoCredential) {
  replay_.Add(30);
  replay_.fault([](const httplib::Request& req, httplib::Response& res, int64_t) {
    if (req.path != "/conversations/search") return false;
    res.status = 400;
    res.set_content("{\"errors\":[{\"message\":\"token not valid: " + req.get_header_value("Authorization") + "\"}]}",
                    "application/json");
    return true;
  });
  const std::string config = dir_.path() + "/sync.yaml";
  {
    std::ofstream(dir_.path() + "/zendesk.token") << kToken << "\n";
    std::ofstream(dir_.path() + "/zendesk.secret") << "whsec-zendesk-2b71\n";
    std::ofstream(config) << "zendesk:\n  url: " << replay_.url()
                          << "\n  email: ops@example.com\n  token_file: zendesk.token\n  start: 2026-09-01\n"
                          << "  webhook_secret_file: zendesk.secret\n  poll_seconds: 1\n  requests_per_minute: 0\n"
                          << "intercom:\n  url: " << replay_.url() << "\n  token_file: zendesk.token\n"
                          << "  poll_seconds: 1\n  max_attempts: 1\n  requests_per_minute: 0\n";
  }
  const std::string db = dir_.path() + "/desk.db";
  const auto once = RunCommand(testing::Binary() + " sync zendesk --once --json --db " + db + " --config " + config + " 2>&1");
  ASSERT_EQ(once.exit_code, 0) << once.out;
  EXPECT_NE(once.out.find("\"stored\":30"), std::string::npos) << once.out;
  const auto refused = RunCommand(testing::Binary() + " sync intercom --once --db " + db + " --config " + config + " 2>&1");
  EXPECT_NE(refused.exit_code, 0) << refused.out;
  EXPECT_NE(refused.out.find("token not valid"), std::string::npos) << "the vendor's words are kept: " << refused.out;

  const std::string log = dir_.path() + "/serve.log";
  {
    testing::ServerProcess server(db, "", {"--sync-config", config, "--sync"}, log);
    ASSERT_GT(server.port(), 0);
    replay_.Add(5);  // five tickets changed after the cron run
    const auto conversations = [&] { return testing::CountRows(db, "conversations"); };
    for (int i = 0; i < 1000 && conversations() < 35; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(conversations(), 35) << "the background pull stored the changed tickets";
    EXPECT_EQ(server.Stop(), 0) << "a stop ends the background pulls too";
  }
  const std::string logged = testing::ReadFile(log);
  EXPECT_NE(logged.find("sync intercom"), std::string::npos) << "the failing pull is logged: " << logged;
  for (const std::string& out : {once.out, refused.out, logged}) {
    EXPECT_EQ(out.find(kToken), std::string::npos) << out;
    EXPECT_EQ(out.find("whsec-zendesk-2b71"), std::string::npos) << out;
  }
}

TEST(SyncConfigTest, ReadsCredentialsFromAFileOrVariableAndNamesItsErrors) {
  TempDir dir;
  std::ofstream(dir.path() + "/z.token") << "  " << kToken << "\n";
  const std::string path = dir.path() + "/sync.yaml";
  auto c = ParseSyncConfig("zendesk:\n  url: https://acme.zendesk.com/\n  email: a@b.c\n  token_file: z.token\n", path);
  ASSERT_TRUE(c.ok()) << c.status().message();
  const SyncSource* z = c->Find(HelpDesk::kZendesk);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->token, kToken) << "relative to the config's folder, trimmed";
  EXPECT_EQ(z->url, "https://acme.zendesk.com");
  EXPECT_EQ(z->requests_per_minute, 160) << "under Zendesk's lowest plan's limit";

  setenv("CONVSENT_TEST_INTERCOM_TOKEN", kToken, 1);
  auto i = ParseSyncConfig("intercom:\n  token_env: CONVSENT_TEST_INTERCOM_TOKEN\n", path);
  ASSERT_TRUE(i.ok()) << i.status().message();
  EXPECT_EQ(i->Find(HelpDesk::kIntercom)->url, "https://api.intercom.io");

  auto expect_error = [&](const std::string& yaml, const std::string& want) {
    auto r = ParseSyncConfig(yaml, path);
    ASSERT_FALSE(r.ok()) << yaml;
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find(kToken), std::string::npos);
  };
  expect_error("zendesk:\n  url: https://a.zendesk.com\n", path + ":2: zendesk: missing token_file or token_env");
  expect_error("zendesk:\n  url: http://a.zendesk.com\n  token_file: z.token\n", ":2: zendesk.url: expected an https:// URL");
  expect_error("zendesk:\n  url: https://a.zendesk.com\n  token_file: nope.token\n", "cannot read");
  expect_error("zendesk:\n  url: https://a.zendesk.com\n  token_env: CONVSENT_UNSET_VAR_X\n", "CONVSENT_UNSET_VAR_X is not set");
  expect_error("zendesk:\n  url: https://a.zendesk.com\n  token_file: z.token\n  colour: red\n", ":4: zendesk.colour: unknown key");
  expect_error("freshdesk:\n  url: https://a.freshdesk.com\n", "not a help desk");
  expect_error("zendesk:\n  url: https://a.zendesk.com\n  token_file: z.token\n  start: yesterday\n", "'yesterday' is not a date");
}

// Twilio signs a JSON body through the URL: bodySHA256 must be the body's
// digest, or the body could be swapped under a valid signature.
TEST(HookSignatureTest, TwilioJsonBodiesAreBoundByTheirDigest) {
  const std::string body = R"({"EventType":"onMessageAdded"})";
  const std::string digest = "4a9a3f4ad1d0a7e4c4e4b4c5b2a8c0c7";  // not the body's
  HookRequest r;
  r.body = body;
  r.content_type = "application/json";
  std::string sig;
  r.header = [&](const std::string& h) { return h == "X-Twilio-Signature" ? sig : std::string(); };
  auto sha256 = [](const std::string& s) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
    return HexEncode(std::string(reinterpret_cast<char*>(d), n));
  };
  r.url = "https://cs.example/v1/hooks/twilio?bodySHA256=" + sha256(body);
  sig = Base64Encode(Hmac("sha1", "tok", r.url));
  EXPECT_TRUE(VerifyHook(HookSystem::kTwilio, "tok", r, 0, 1).ok) << VerifyHook(HookSystem::kTwilio, "tok", r, 0, 1).error;
  r.body = R"({"EventType":"onMessageAdded","Body":"swapped"})";
  const HookCheck swapped = VerifyHook(HookSystem::kTwilio, "tok", r, 0, 1);
  EXPECT_FALSE(swapped.ok);
  EXPECT_NE(swapped.error.find("bodySHA256"), std::string::npos) << swapped.error;
  r.url = "https://cs.example/v1/hooks/twilio?bodySHA256=" + std::string(digest);
  EXPECT_FALSE(VerifyHook(HookSystem::kTwilio, "tok", r, 0, 1).ok);
}

TEST(HttpClientTest, SecretsAreMaskedAndNetworkErrorsRetried) {
  HttpClientOptions o;
  o.secrets = {kToken};
  o.max_attempts = 3;
  o.first_backoff = std::chrono::milliseconds(1);
  HttpClient client(o);
  HttpRequest r;
  r.url = std::string("http://127.0.0.1:1/x?token=") + kToken;  // nothing listens on port 1
  auto res = client.Send(r);
  ASSERT_FALSE(res.ok());
  EXPECT_NE(res.status().message().find("after 3 attempts"), std::string::npos) << res.status().message();
  EXPECT_EQ(res.status().message().find(kToken), std::string::npos) << res.status().message();
  EXPECT_NE(res.status().message().find("token=***"), std::string::npos);
  r.url = "ftp://example.com/";
  EXPECT_EQ(client.Send(r).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UrlEncode("after:12 a/b"), "after%3A12%20a%2Fb");
}

// A server whose certificate no CA in the bundle signed is refused at
// once; trusted explicitly (ca_file), the same server answers.
TEST(HttpClientTest, TlsCertificatesAreVerified) {
  TempDir dir;
  const std::string key = dir.path() + "/key.pem", cert = dir.path() + "/cert.pem";
  const auto made = RunCommand("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                               "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>&1");
  if (made.exit_code != 0) GTEST_SKIP() << "no openssl command to make a certificate: " << made.out;
  httplib::SSLServer server(cert.c_str(), key.c_str());
  server.Get("/ok", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread t([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  HttpRequest r;
  r.url = "https://127.0.0.1:" + std::to_string(port) + "/ok";
  HttpClientOptions o;
  o.first_backoff = std::chrono::milliseconds(1);
  {
    HttpClient client(o);  // Debian's CA bundle
    auto res = client.Send(r);
    ASSERT_FALSE(res.ok());
    EXPECT_NE(res.status().message().find("TLS failed"), std::string::npos) << res.status().message();
  }
  {
    o.ca_file = cert;
    HttpClient client(o);
    auto res = client.Send(r);
    ASSERT_TRUE(res.ok()) << res.status().message();
    EXPECT_EQ(res->status, 200);
  }
  server.stop();
  t.join();
}

}  // namespace
}  // namespace convsent
