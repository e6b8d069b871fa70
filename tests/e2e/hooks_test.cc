// POST /v1/hooks/<system> on a running convsent serve: for each of the seven
// help desks, a delivery signed as the vendor documents it (computed here
// from the algorithm, not with convsent's own signer) is stored; a bad
// signature gets 401 and stores nothing; the same delivery again stores
// nothing more; a signed time outside the window gets 401; a system with no
// secret gets 401 saying so. A Zendesk webhook names only the ticket: the
// server fetches it from the replayed API.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>

#include "convsent/store.h"
#include "convsent/write_backs.h"
#include "replay_server.h"
#include "server_process.h"
#include "test_util.h"

namespace convsent {
namespace {

using json = nlohmann::json;
using testing::NewKey;
using testing::ServerProcess;
using testing::TempDir;

// The vendors' algorithms, with OpenSSL directly.
std::string Mac(const EVP_MD* md, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}
std::string B64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  out.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                 reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()))));
  return out;
}
std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) out += d[c >> 4], out += d[c & 15];
  return out;
}
int64_t NowS() { return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count(); }

struct Delivery {
  std::string body, content_type = "application/json";
  httplib::Headers headers;
};

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!replay_.Load()) GTEST_SKIP() << "needs ../shared/formats (the recorded payloads the replay serves)";
    replay_.Add(3);
    replay_.Start();
    for (const char* s : {"zendesk", "intercom", "front", "twilio", "chatwoot", "zammad", "freescout"}) {
      std::ofstream(dir_.path() + "/" + s + ".secret") << "whsec-" << s << "-7d1f\n";
    }
    std::ofstream(dir_.path() + "/api.token") << "api-token-0c4e\n";
    std::ofstream(dir_.path() + "/sync.yaml")
        << "zendesk:\n  url: " << replay_.url() << "\n  email: ops@example.com\n  token_file: api.token\n"
        << "  webhook_secret_file: zendesk.secret\n  write_back: true\n  requests_per_minute: 0\n"
        << "intercom:\n  url: " << replay_.url() << "\n  token_file: api.token\n  webhook_secret_file: intercom.secret\n"
        << "  write_back: true\n  admin_id: 42\n  requests_per_minute: 0\n"
        << "front:\n  url: " << replay_.url() << "\n  token_file: api.token\n  webhook_secret_file: front.secret\n  requests_per_minute: 0\n"
        << "  write_back: true\n"
        << "twilio:\n  webhook_secret_file: twilio.secret\n"
        << "chatwoot:\n  webhook_secret_file: chatwoot.secret\n  write_back: true\n  url: " << replay_.url()
        << "\n  token_file: api.token\n  account_id: 3\n  requests_per_minute: 0\n"
        << "zammad:\n  webhook_secret_file: zammad.secret\n  write_back: true\n  url: " << replay_.url()
        << "\n  token_file: api.token\n  requests_per_minute: 0\n"
        << "freescout:\n  webhook_secret_file: freescout.secret\n";
    db_ = dir_.path() + "/hooks.db";
    admin_ = NewKey(db_, "admin");
    server_ = std::make_unique<ServerProcess>(db_, "", std::vector<std::string>{"--sync-config", dir_.path() + "/sync.yaml"});
    ASSERT_GT(server_->port(), 0);
  }

  std::string Secret(const std::string& s) { return "whsec-" + s + "-7d1f"; }

  httplib::Result Post(const std::string& system, const Delivery& d) {
    auto client = server_->Client();
    return client.Post(("/v1/hooks/" + system).c_str(), d.headers, d.body, d.content_type.c_str());
  }

  // The conversation as the server has it: null when it has none.
  json Conversation(const std::string& id) {
    auto client = server_->Client(admin_);
    auto r = client.Get(("/v1/conversations/" + id).c_str());
    if (!r || r->status != 200) return nullptr;
    return json::parse(r->body);
  }
  size_t Messages(const std::string& id) {
    const json c = Conversation(id);
    return c.is_null() ? 0 : c["messages"].size();
  }

  // Good once (stored), again (nothing more), tampered (401, nothing).
  void GoodRepeatedAndBad(const std::string& system, const Delivery& good, const std::string& id, size_t messages,
                          const std::string& signature_header) {
    SCOPED_TRACE(system);
    auto first = Post(system, good);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->status == 201 || first->status == 200) << first->status << " " << first->body;
    if (messages == 0) messages = Messages(id);  // as the recorded payload maps: at least one
    EXPECT_GT(messages, 0u) << first->body;
    EXPECT_EQ(Messages(id), messages) << first->body;
    auto again = Post(system, good);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;
    EXPECT_NE(again->body.find("\"repeated\":true"), std::string::npos) << again->body;
    EXPECT_EQ(Messages(id), messages) << "a redelivery stores nothing more";
    Delivery bad = good;
    bad.body.insert(bad.body.size() - 1, " ");  // the body changed after signing
    if (good.content_type.find("json") == std::string::npos) bad.body = good.body + "&Extra=1";
    auto refused = Post(system, bad);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401) << refused->body;
    EXPECT_NE(refused->body.find(signature_header), std::string::npos) << refused->body;
    Delivery unsigned_ = good;
    unsigned_.headers.erase(signature_header);
    auto missing = Post(system, unsigned_);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 401);
    EXPECT_EQ(Messages(id), messages);
  }

  TempDir dir_;
  testing::HelpDeskReplay replay_;
  std::string db_, admin_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(HooksTest, ZendeskSignsTimestampAndBodyAndTheTicketIsFetched) {
  Delivery d;
  d.body = R"({"ticket_id":"2","status":"open"})";
  const std::string ts = std::to_string(NowS());
  d.headers = {{"X-Zendesk-Webhook-Signature-Timestamp", ts},
               {"X-Zendesk-Webhook-Signature", B64(Mac(EVP_sha256(), Secret("zendesk"), ts + d.body))}};
  GoodRepeatedAndBad("zendesk", d, "2", 4, "X-Zendesk-Webhook-Signature");
  bool fetched = false;
  for (const auto& r : replay_.requests()) fetched = fetched || r.rfind("GET /api/v2/tickets/2.json", 0) == 0;
  EXPECT_TRUE(fetched) << "the ticket was fetched from the API";
  // Write-back is on for zendesk: the tone as a tag, through the ticket update.
  for (int i = 0; i < 200 && replay_.received("PUT /api/v2/tickets/2.json").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto puts = replay_.received("PUT /api/v2/tickets/2.json");
  ASSERT_EQ(puts.size(), 1u);
  const json update = json::parse(puts[0].second)["ticket"];
  ASSERT_EQ(update["additional_tags"].size(), 1u);
  EXPECT_EQ(update["additional_tags"][0].get<std::string>().rfind("convsent-", 0), 0u) << update.dump();
  EXPECT_EQ(update["remove_tags"].size(), 2u);
  // Signed an hour ago: outside the five-minute window.
  Delivery old = d;
  const std::string then = std::to_string(NowS() - 3600);
  old.body = R"({"ticket_id":"3"})";
  old.headers = {{"X-Zendesk-Webhook-Signature-Timestamp", then},
                 {"X-Zendesk-Webhook-Signature", B64(Mac(EVP_sha256(), Secret("zendesk"), then + old.body))}};
  auto r = Post("zendesk", old);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("replay window"), std::string::npos) << r->body;
  EXPECT_EQ(Messages("3"), 0u);
}

TEST_F(HooksTest, IntercomSignsTheBodyWithSha1AndTheConversationIsFetched) {
  const json item = replay_.Intercom(1);
  Delivery d;
  d.body = json({{"type", "notification_event"}, {"topic", "conversation.user.replied"}, {"id", "notif_1"},
                 {"data", {{"item", item}}}}).dump();
  d.headers = {{"X-Hub-Signature", "sha1=" + Hex(Mac(EVP_sha1(), Secret("intercom"), d.body))}};
  GoodRepeatedAndBad("intercom", d, "ic1", 0, "X-Hub-Signature");
  // Write-back: the tag by its id (made by name), as teammate 42; the other
  // tone tags taken off (Intercom's 404 for one not attached is fine).
  for (int i = 0; i < 200 && replay_.received("POST /conversations/ic1/tags").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto tagged = replay_.received("POST /conversations/ic1/tags");
  ASSERT_EQ(tagged.size(), 1u);
  const json tag = json::parse(tagged[0].second);
  EXPECT_EQ(tag["admin_id"], "42");
  EXPECT_EQ(tag["id"].get<std::string>().rfind("t-convsent-", 0), 0u) << tag.dump();
  EXPECT_EQ(replay_.received("DELETE /conversations/ic1/tags/").size(), 2u);
  // A ping is signed too, and stores nothing.
  Delivery ping;
  ping.body = R"({"type":"notification_event","topic":"ping","data":{"item":{"type":"ping"}}})";
  ping.headers = {{"X-Hub-Signature", "sha1=" + Hex(Mac(EVP_sha1(), Secret("intercom"), ping.body))}};
  auto p = Post("intercom", ping);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 200);
  EXPECT_NE(p->body.find("ignored"), std::string::npos);
  // A conversation the API no longer has: 404, nothing stored.
  Delivery gone = d;
  gone.body = json({{"type", "notification_event"}, {"topic", "conversation.user.replied"}, {"id", "notif_2"},
                    {"data", {{"item", {{"type", "conversation"}, {"id", "ic99"}}}}}}).dump();
  gone.headers = {{"X-Hub-Signature", "sha1=" + Hex(Mac(EVP_sha1(), Secret("intercom"), gone.body))}};
  auto g = Post("intercom", gone);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 404) << g->body;
}

TEST_F(HooksTest, ChatwootTwilioZammadAndFreescoutMessagesAreStored) {
  {
    Delivery d;
    d.body = R"({"event":"message_created","id":901,"content":"My order never arrived and nobody answers!","message_type":"incoming","private":false,"created_at":1790000000,"conversation":{"id":77,"channel":"Channel::WebWidget"},"sender":{"type":"contact"},"account":{"id":1}})";
    const std::string ts = std::to_string(NowS());
    d.headers = {{"X-Chatwoot-Timestamp", ts},
                 {"X-Chatwoot-Signature", "sha256=" + Hex(Mac(EVP_sha256(), Secret("chatwoot"), ts + "." + d.body))}};
    GoodRepeatedAndBad("chatwoot", d, "77", 1, "X-Chatwoot-Signature");
    const json c = Conversation("77");
    EXPECT_EQ(c["messages"][0]["role"], "customer");
    EXPECT_EQ(c["messages"][0]["score"]["label"], "negative") << c.dump();
  }
  {
    Delivery d;
    d.content_type = "application/x-www-form-urlencoded";
    d.body = "EventType=onMessageAdded&ConversationSid=CH00000000000000000000000000000001&MessageSid=IM0001"
             "&Author=whatsapp%3A%2B15551234567&Body=Thanks%2C+that+fixed+it%21&Source=WHATSAPP"
             "&DateCreated=2026-12-01T10%3A00%3A00Z";
    // Sorted parameters, each name then value, after the URL Twilio called.
    std::vector<std::pair<std::string, std::string>> params = {
        {"EventType", "onMessageAdded"}, {"ConversationSid", "CH00000000000000000000000000000001"},
        {"MessageSid", "IM0001"}, {"Author", "whatsapp:+15551234567"}, {"Body", "Thanks, that fixed it!"},
        {"Source", "WHATSAPP"}, {"DateCreated", "2026-12-01T10:00:00Z"}};
    std::sort(params.begin(), params.end());
    std::string data = "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/hooks/twilio";
    for (const auto& [k, v] : params) data += k + v;
    d.headers = {{"X-Twilio-Signature", B64(Mac(EVP_sha1(), Secret("twilio"), data))}};
    GoodRepeatedAndBad("twilio", d, "CH00000000000000000000000000000001", 1, "X-Twilio-Signature");
    const json c = Conversation("CH00000000000000000000000000000001");
    EXPECT_EQ(c["messages"][0]["role"], "customer");
    EXPECT_EQ(c["channel"], "whatsapp");
  }
  {
    Delivery d;
    d.body = R"({"ticket":{"id":31,"number":"31001","title":"Refund"},"article":{"id":5,"body":"<p>I was charged <b>twice</b>, this is unacceptable.</p>","content_type":"text/html","sender":"Customer","internal":false,"created_at":"2026-12-01T09:00:00Z"}})";
    d.headers = {{"X-Hub-Signature", "sha1=" + Hex(Mac(EVP_sha1(), Secret("zammad"), d.body))}};
    GoodRepeatedAndBad("zammad", d, "31", 1, "X-Hub-Signature");
    const json c = Conversation("31");
    EXPECT_EQ(c["messages"][0]["text"], "I was charged twice, this is unacceptable.") << c.dump();
  }
  {
    Delivery d;
    d.body = R"({"id":12,"number":12,"subject":"Login","type":"email","createdAt":"2026-12-01T08:00:00Z","_embedded":{"threads":[{"id":3,"type":"message","body":"Done: your password is reset.","createdAt":"2026-12-01T08:10:00Z"},{"id":2,"type":"lineitem","body":"","createdAt":"2026-12-01T08:05:00Z"},{"id":1,"type":"customer","body":"I cannot log in.","createdAt":"2026-12-01T08:00:00Z"}]}})";
    d.headers = {{"X-FreeScout-Event", "convo.agent.reply.created"},
                 {"X-FreeScout-Signature", B64(Mac(EVP_sha1(), Secret("freescout"), d.body))}};
    GoodRepeatedAndBad("freescout", d, "12", 2, "X-FreeScout-Signature");
    const json c = Conversation("12");
    EXPECT_EQ(c["messages"][0]["role"], "customer") << "oldest first";
  }
}

TEST_F(HooksTest, FrontSignsTimestampColonBody) {
  Delivery d;
  d.body = R"({"type":"inbound","id":"evt_1","conversation":{"id":"cnv_1"},"target":{"_meta":{"type":"message"},"data":{"id":"msg_1","is_inbound":true,"text":"Where is my refund?","created_at":1790000000}}})";
  const std::string ts = std::to_string(NowS() * 1000);
  d.headers = {{"X-Front-Request-Timestamp", ts},
               {"X-Front-Signature", B64(Mac(EVP_sha256(), Secret("front"), ts + ":" + d.body))}};
  GoodRepeatedAndBad("front", d, "cnv_1", 0, "X-Front-Signature");
  for (int i = 0; i < 200 && replay_.received("POST /conversations/cnv_1/tags").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto tagged = replay_.received("POST /conversations/cnv_1/tags");
  ASSERT_EQ(tagged.size(), 1u);
  EXPECT_EQ(json::parse(tagged[0].second)["tag_ids"].size(), 1u);
  EXPECT_EQ(replay_.received("GET /tags").size(), 1u) << "the tags' ids are looked up once";
  Delivery no_colon = d;
  no_colon.headers = {{"X-Front-Request-Timestamp", ts},
                      {"X-Front-Signature", B64(Mac(EVP_sha256(), Secret("front"), ts + d.body))}};
  auto refused = Post("front", no_colon);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
}

// Write-back: the tone goes back as a tag (the team's own labels kept), and
// a conversation entering the review queue gets one internal note, however
// often its webhook is redelivered or its next message arrives.
TEST_F(HooksTest, ToneTagsAndReviewNotesAreWrittenBackOnce) {
  auto chatwoot = [&](int message, const std::string& text) {
    Delivery d;
    d.body = json({{"event", "message_created"}, {"id", message}, {"content", text}, {"message_type", "incoming"},
                   {"private", false}, {"conversation", {{"id", 88}}}, {"account", {{"id", 3}}}}).dump();
    const std::string ts = std::to_string(NowS());
    d.headers = {{"X-Chatwoot-Timestamp", ts},
                 {"X-Chatwoot-Signature", "sha256=" + Hex(Mac(EVP_sha256(), Secret("chatwoot"), ts + "." + d.body))}};
    return d;
  };
  const Delivery angry = chatwoot(1, "This is the third time I'm asking and nobody answers. Useless!! I want to cancel.");
  auto first = Post("chatwoot", angry);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  ASSERT_NE(first->body.find("\"queued\":{"), std::string::npos) << "the rules queue it: " << first->body;
  ASSERT_TRUE(Post("chatwoot", angry)) << "redelivered";
  auto again = Post("chatwoot", chatwoot(2, "Still nothing. Terrible service."));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 201) << again->body;
  // The sender runs apart from scoring: wait for it.
  const std::string base = "POST /api/v1/accounts/3/conversations/88/";
  for (int i = 0; i < 200 && (replay_.received(base + "labels").empty() || replay_.received(base + "messages").empty()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // room for a duplicate to show
  const auto labels = replay_.received(base + "labels");
  ASSERT_EQ(labels.size(), 1u) << "one tone, one tag";
  EXPECT_EQ(json::parse(labels[0].second)["labels"], json({"vip", "convsent-negative"}))
      << "the team's label kept, the old tone tag replaced";
  const auto notes = replay_.received(base + "messages");
  ASSERT_EQ(notes.size(), 1u) << "one review item, one note";
  const json note = json::parse(notes[0].second);
  EXPECT_EQ(note["private"], true);
  EXPECT_NE(note["content"].get<std::string>().find("review queue"), std::string::npos) << note.dump();

  // Zammad: a customer's article, then the tag through its tags API.
  Delivery z;
  z.body = R"({"ticket":{"id":40,"title":"Broken"},"article":{"id":8,"body":"Thank you so much, it works perfectly now!","sender":"Customer","internal":false}})";
  z.headers = {{"X-Hub-Signature", "sha1=" + Hex(Mac(EVP_sha1(), Secret("zammad"), z.body))}};
  auto zr = Post("zammad", z);
  ASSERT_TRUE(zr);
  ASSERT_EQ(zr->status, 201) << zr->body;
  for (int i = 0; i < 200 && replay_.received("POST /api/v1/tags/add").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto added = replay_.received("POST /api/v1/tags/add");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(json::parse(added[0].second), json({{"object", "Ticket"}, {"o_id", "40"}, {"item", "convsent-positive"}}));
  EXPECT_EQ(replay_.received("DELETE /api/v1/tags/remove").size(), 2u) << "the other two tone tags removed";
  EXPECT_TRUE(replay_.received("POST /api/v1/ticket_articles").empty()) << "not queued: no note";
}

TEST(HooksConfigTest, ASystemWithoutASecretIsRefusedAndSaysSo) {
  TempDir dir;
  const std::string db = dir.path() + "/h.db";
  ServerProcess server(db);
  auto client = server.Client();
  auto r = client.Post("/v1/hooks/zammad", R"({"ticket":{"id":1}})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("no webhook secret is configured for zammad"), std::string::npos) << r->body;
  auto unknown = client.Post("/v1/hooks/helpscout", "{}", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

// The crash window of write-back: a server stopped between the help desk
// taking a note and the store recording it. The attempt was recorded before
// the call, so the next server asks the help desk first: the note it finds
// is not sent again; the one it does not find is sent, once.
TEST(WriteBackAfterACrash, ANoteAlreadyThereIsNotSentAgain) {
  TempDir dir;
  testing::HelpDeskReplay replay;
  if (!replay.Load()) GTEST_SKIP() << "needs ../shared/formats (the recorded payloads the replay serves)";
  const std::string there = "convsent review item 7: this conversation is in the review queue (high): \"Useless\"";
  const std::string lost = "convsent review item 8: this conversation is in the review queue (high): \"Refund now\"";
  replay.fault([&](const httplib::Request& req, httplib::Response& res, int64_t) {
    if (req.method != "GET" || req.path != "/api/v1/accounts/3/conversations/88/messages") return false;
    res.set_content(json({{"payload", {{{"content", there}, {"private", true}}}}}).dump(), "application/json");
    return true;
  });
  replay.Start();
  const std::string db = dir.path() + "/crash.db";
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    for (const auto& [conversation, text] : {std::pair{"88", there}, std::pair{"89", lost}}) {
      WriteBack w;
      w.system = "chatwoot", w.conversation = conversation, w.kind = "note", w.value = text;
      w.key = std::string("note:") + conversation;
      auto id = (*store)->write_backs().Add(w);
      ASSERT_TRUE(id.ok() && *id > 0);
      w.id = *id, w.attempts = 1;  // tried, and its outcome never recorded
      ASSERT_TRUE((*store)->write_backs().Update(w).ok());
    }
  }
  std::ofstream(dir.path() + "/api.token") << "api-token-0c4e\n";
  std::ofstream(dir.path() + "/chatwoot.secret") << "whsec-chatwoot\n";
  std::ofstream(dir.path() + "/sync.yaml") << "chatwoot:\n  webhook_secret_file: chatwoot.secret\n  write_back: true\n  url: "
                                           << replay.url() << "\n  token_file: api.token\n  account_id: 3\n"
                                           << "  requests_per_minute: 0\n";
  ServerProcess server(db, "", {"--sync-config", dir.path() + "/sync.yaml"});
  ASSERT_GT(server.port(), 0);
  for (int i = 0; i < 300 && testing::CountRows(db, "write_backs WHERE status = 'sent'") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(testing::CountRows(db, "write_backs WHERE status = 'sent'"), 2);
  const std::string base = "/api/v1/accounts/3/conversations/";
  EXPECT_EQ(replay.received("POST " + base + "88/messages").size(), 0u) << "it was there: not sent again";
  ASSERT_EQ(replay.received("POST " + base + "89/messages").size(), 1u) << "it was not: sent once";
  EXPECT_EQ(json::parse(replay.received("POST " + base + "89/messages")[0].second)["content"], lost);
  size_t asked = 0;
  for (const std::string& r : replay.requests()) asked += r.rfind("GET " + base, 0) == 0 && r.find("/messages") != std::string::npos;
  EXPECT_EQ(asked, 2u) << "each asked about once";
}

}  // namespace
}  // namespace convsent
