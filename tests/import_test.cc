// convsent import: each system on the real payloads of ../shared/formats,
// checked against what a person reads in them; text cleaning; bad input.
#include "convsent/import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "import/clean_text.h"
#include "test_util.h"

namespace convsent {
namespace {

using import_internal::CleanBody;
using import_internal::HtmlToText;
using import_internal::StripQuotedEmail;
using testing::Binary;
using testing::RunCommand;
using testing::SharedDir;
using testing::TempDir;

#define SKIP_WITHOUT_FORMATS()                                                                            \
  do {                                                                                                    \
    if (!std::filesystem::exists(SharedDir() + "/formats/README.md")) {                                   \
      GTEST_SKIP() << "help-desk payloads not found at " << SharedDir()                                  \
                   << "/formats; set -DCONVSENT_SHARED_DIR to run this test";                            \
    }                                                                                                     \
  } while (false)

std::string Format(const std::string& name) { return SharedDir() + "/formats/" + name; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const Conversation* Find(const ImportResult& r, const std::string& id) {
  for (const auto& c : r.conversations) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

int CountRole(const Conversation& c, Role role) {
  return static_cast<int>(std::count_if(c.messages.begin(), c.messages.end(), [role](const Message& m) { return m.role == role; }));
}

int CountEvents(const Conversation& c, const std::string& type) {
  return static_cast<int>(std::count_if(c.events.begin(), c.events.end(), [&](const Event& e) { return e.type == type; }));
}

std::string Attribute(const Conversation& c, const std::string& key) {
  for (const auto& [k, v] : c.attributes) {
    if (k == key) return v;
  }
  return "";
}

int64_t Time(const char* rfc3339) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseTime(rfc3339, &ms)) << rfc3339;
  return ms;
}

// --- text ---------------------------------------------------------------

TEST(CleanTextTest, HtmlBecomesTheTextAPersonReads) {
  EXPECT_EQ(HtmlToText("<div class=\"zd-comment\">Hello,<br><br>The <b>order</b> &amp; refund &#8212; done.</div>"),
            "Hello,\n\nThe order & refund \u2014 done.");
  EXPECT_EQ(HtmlToText("<p>Steps:</p><ul><li>restart</li><li>log in</li></ul>"), "Steps:\n- restart\n- log in");
  EXPECT_EQ(HtmlToText("Thanks &#128077<br>bye"), "Thanks \U0001F44D\nbye");  // no semicolon, as Gorgias sends it
  EXPECT_EQ(HtmlToText("<style>p{color:red}</style><script>x()</script>fine &nbsp;&nbsp; ok"), "fine ok");
  EXPECT_EQ(HtmlToText("a < b and AT&T"), "a < b and AT&T");  // not tags, not entities
  EXPECT_EQ(HtmlToText("cut <a href=\"x\""), "cut");           // a tag cut off at the end
}

TEST(CleanTextTest, QuotedHistoryIsLeftOut) {
  // Gmail's reply, as Front stores it.
  EXPECT_EQ(CleanBody("<div dir=\"ltr\">response 123</div><br /><div class=\"gmail_quote\"><div dir=\"ltr\">On Tue, "
                      "Nov 19, 2024 at 2:34 PM tester &lt;<a href=\"mailto:t@x.com\">t@x.com</a>&gt; wrote:<br /></div>"
                      "<blockquote class=\"gmail_quote\"><div dir=\"ltr\">testing 123</div></blockquote></div>",
                      true),
            "response 123");
  EXPECT_EQ(StripQuotedEmail("Still broken.\n\nOn Thu, Nov 14, 2024, at 02:17 PM, John Support <a@b.com> wrote:\n"
                             "lllll\n"),
            "Still broken.");
  EXPECT_EQ(StripQuotedEmail("It works now, thanks!\nOn Mon, 3 Jun 2019 at 10:00, Support Team <s@x.com>\nwrote:\n> old"),
            "It works now, thanks!");
  EXPECT_EQ(StripQuotedEmail("See below.\n> you said this\nand I disagree"), "See below.\nand I disagree");
  EXPECT_EQ(StripQuotedEmail("Fine.\n\n-- \nAnn Smith\nACME Corp"), "Fine.");
  EXPECT_EQ(StripQuotedEmail("Ok\n\nSent from my iPhone"), "Ok");
  EXPECT_EQ(StripQuotedEmail("Please refund.\n\nFrom: Support <s@x.com>\nSent: Monday\nTo: me\nSubject: Re: order\n\nold"),
            "Please refund.");
  EXPECT_EQ(StripQuotedEmail("Merci\n\nLe lun. 3 juin 2019 à 10:00, Support <s@x.com> a écrit :\n> vieux"), "Merci");
  // A message that only quotes is empty: it is not scored.
  EXPECT_EQ(CleanBody("<div><br></div><div>On Thu, Nov 14, 2024, at 02:25 PM, John wrote:</div><blockquote>this is "
                      "another</blockquote>",
                      true),
            "");
}

// --- systems on real payloads ------------------------------------------

TEST(ImportTest, ZendeskTicketWithItsComments) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kZendesk, {Format("zendesk/nango-get-ticket.test.json"),
                                             Format("zendesk/nango-get-ticket-comments.test.json")});
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "1");
  EXPECT_EQ(c.channel, "sample_ticket");
  EXPECT_EQ(c.tags, std::vector<std::string>{"zendesk_accelerated_setup"});
  EXPECT_EQ(c.created_at_ms, Time("2026-05-06T07:46:23Z"));
  EXPECT_FALSE(c.csat.has_value());  // "unoffered" is no rating
  EXPECT_EQ(Attribute(c, "priority"), "normal");
  ASSERT_EQ(c.messages.size(), 4u);  // the comments file, joined through the request path /tickets/1/comments
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);  // the requester
  EXPECT_EQ(c.messages[0].text.substr(0, 25), "Hello, let's see how you ");
  EXPECT_NE(c.messages[0].text.find("support@nango-1049.zendesk.com"), std::string::npos);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(c.messages[i].role, Role::kAgent);  // the assignee
    EXPECT_EQ(c.messages[i].text, "Test update from Nango action");
  }
  EXPECT_EQ(c.messages[3].at_ms, Time("2026-05-06T08:47:45Z"));
  EXPECT_TRUE(c.events.empty());  // status open
}

TEST(ImportTest, ZendeskJoinsEveryKindOfPayload) {
  SKIP_WITHOUT_FORMATS();
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(Format("zendesk"))) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  auto r = ImportFiles(HelpDesk::kZendesk, files);
  EXPECT_EQ(r.files, 10);

  // Ticket 2 (a solved email ticket, in ticket.json and tickets.json).
  const Conversation* t2 = Find(r, "2");
  ASSERT_NE(t2, nullptr);
  EXPECT_EQ(t2->channel, "email");
  EXPECT_EQ(CountEvents(*t2, "resolved"), 1);
  // The side-loaded groups name the team.
  EXPECT_EQ(t2->team, "Support");
  // Without its comments, a ticket's description is its first message.
  ASSERT_EQ(t2->messages.size(), 1u);
  EXPECT_EQ(t2->messages[0].text, "Mail to create fixture ticket for testing\n\nnukosuke (●ↀ ω ↀ●)");
  EXPECT_EQ(t2->messages[0].role, Role::kCustomer);

  // Ticket 4, side-loaded: the requester is an admin, yet the ticket's customer.
  const Conversation* t4 = Find(r, "4");
  ASSERT_NE(t4, nullptr);
  EXPECT_EQ(Attribute(*t4, "priority"), "urgent");
  EXPECT_EQ(t4->messages.at(0).role, Role::kCustomer);

  // Ticket 666, from audits only: a private comment is a note.
  const Conversation* t666 = Find(r, "666");
  ASSERT_NE(t666, nullptr);
  ASSERT_EQ(t666->messages.size(), 1u);
  EXPECT_EQ(t666->messages[0].role, Role::kNote);
  EXPECT_EQ(t666->messages[0].text, "This is a new private comment");
  EXPECT_EQ(t666->messages[0].at_ms, Time("2011-09-25T22:35:44Z"));

  // Ticket 123, from the incremental ticket events export.
  const Conversation* t123 = Find(r, "123");
  ASSERT_NE(t123, nullptr);
  EXPECT_EQ(t123->messages.at(0).text, "Test comment");
  EXPECT_EQ(t123->messages.at(0).at_ms, Time("2024-07-01T00:00:00Z"));

  // Ticket 1 keeps its four comments; ticket 35436 has only a rating.
  EXPECT_EQ(Find(r, "1")->messages.size(), 4u);
  EXPECT_EQ(Find(r, "35436"), nullptr);
  EXPECT_EQ(r.conversations.size(), 6u);  // 1, 2, 3, 4, 666, 123

  // The errors: the hand-made comments fixture does not say its ticket,
  // and there are several.
  // A rating of a ticket not in the import is dropped without a word.
  ASSERT_EQ(r.errors.size(), 2u);
  int orphan = 0;
  for (const auto& e : r.errors) {
    if (e.message.find("does not say its ticket") != std::string::npos) {
      ++orphan;
      EXPECT_NE(e.file.find("go-zendesk-ticket_comments.json"), std::string::npos);
      EXPECT_TRUE(e.field == "comments[0]" || e.field == "comments[1]") << e.field;
    }
  }
  EXPECT_EQ(orphan, 2);
}

TEST(ImportTest, ZendeskCommentsOfTheOnlyTicketAndRatings) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kZendesk,
                       {Format("zendesk/go-zendesk-ticket.json"), Format("zendesk/go-zendesk-ticket_comments.json")});
  ASSERT_EQ(r.conversations.size(), 1u);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.conversations[0].messages.size(), 2u);  // the comments replace the description
  EXPECT_EQ(CountRole(r.conversations[0], Role::kCustomer), 2);
  EXPECT_EQ(r.conversations[0].events.at(0).at_ms, Time("2019-06-05T01:13:24Z"));

  // A satisfaction rating joins its ticket by ticket_id: good is 5, bad is 1.
  auto rated = ImportDocuments(
      HelpDesk::kZendesk,
      {{"t.json", R"({"tickets":[{"id":35436,"requester_id":7,"description":"Where is my order?","created_at":"2024-01-02T03:04:05Z"},
                                 {"id":9,"requester_id":7,"description":"Broken","satisfaction_rating":{"score":"bad"}}]})"},
       {"r.json", R"({"satisfaction_ratings":[{"ticket_id":35436,"score":"good"}]})"}});
  ASSERT_EQ(rated.conversations.size(), 2u);
  EXPECT_EQ(Find(rated, "35436")->csat, 5);
  EXPECT_EQ(Find(rated, "9")->csat, 1);
}

TEST(ImportTest, ZendeskAuditsGiveEvents) {
  auto r = ImportDocuments(HelpDesk::kZendesk, {{"a.json", R"({"audits":[
    {"ticket_id":5,"created_at":"2024-01-01T10:00:00Z","author_id":1,"events":[{"type":"Comment","id":11,"body":"My card was charged twice!","public":true}]},
    {"ticket_id":5,"created_at":"2024-01-01T11:00:00Z","author_id":2,"events":[{"type":"Change","field_name":"group_id","value":"20","previous_value":"10"}]},
    {"ticket_id":5,"created_at":"2024-01-01T12:00:00Z","author_id":2,"events":[{"type":"Change","field_name":"assignee_id","value":"3","previous_value":"2"},
                                                                       {"type":"Comment","id":12,"html_body":"<p>Refunded.</p>","public":true}]},
    {"ticket_id":5,"created_at":"2024-01-01T13:00:00Z","author_id":2,"events":[{"type":"Change","field_name":"status","value":"solved","previous_value":"open"}]},
    {"ticket_id":5,"created_at":"2024-01-02T09:00:00Z","author_id":1,"events":[{"type":"Change","field_name":"status","value":"open","previous_value":"solved"}]},
    {"ticket_id":5,"created_at":"2024-01-02T09:30:00Z","author_id":9,"events":[{"type":"Comment","id":13,"body":"I'm cc'd: still charged twice.","public":true}]}]})"},
                                                {"t.json", R"({"ticket":{"id":5,"requester_id":1}})"},
                                                {"u.json", R"({"users":[{"id":9,"role":"end-user"},{"id":2,"role":"agent"}]})"}});
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(CountEvents(c, "escalated"), 1);
  EXPECT_EQ(CountEvents(c, "reassigned"), 1);
  EXPECT_EQ(CountEvents(c, "resolved"), 1);
  EXPECT_EQ(CountEvents(c, "reopened"), 1);
  ASSERT_EQ(c.messages.size(), 3u);
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);  // the requester
  EXPECT_EQ(c.messages[1].role, Role::kAgent);
  EXPECT_EQ(c.messages[1].text, "Refunded.");
  EXPECT_EQ(c.messages[2].role, Role::kCustomer);  // an end-user, by the users list read after
  EXPECT_EQ(c.messages[2].at_ms, Time("2024-01-02T09:30:00Z"));
}

TEST(ImportTest, IntercomConversationsPartsAndEvents) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kIntercom, {Format("intercom/nango-get-conversation.test.json"),
                                              Format("intercom/nango-list-conversations.test.json"),
                                              Format("intercom/nango-search-conversations.test.json")});
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.conversations.size(), 5u);  // the full GET, the list and the search share one conversation
  const Conversation* full = Find(r, "215474207061545");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->channel, "chat");
  ASSERT_EQ(full->messages.size(), 4u);  // four comment parts; the other 11 parts are not messages
  EXPECT_EQ(CountRole(*full, Role::kAgent), 4);
  EXPECT_EQ(full->messages[0].text, "This is a test reply from Nango automation");
  EXPECT_EQ(full->messages[0].author, "Nango Developer");
  EXPECT_EQ(CountEvents(*full, "resolved"), 3);  // close, open, close, open, close, open
  EXPECT_EQ(CountEvents(*full, "reopened"), 3);
  EXPECT_EQ(full->created_at_ms, int64_t{1778131334} * 1000);
  EXPECT_EQ(Attribute(*full, "state"), "open");  // the search, read last, saw it open

  const Conversation* opened = Find(r, "215474207175846");
  ASSERT_NE(opened, nullptr);
  ASSERT_EQ(opened->messages.size(), 1u);  // the source message
  EXPECT_EQ(opened->messages[0].role, Role::kCustomer);
  EXPECT_EQ(opened->messages[0].text, "Test conversation for close action");
  EXPECT_EQ(Attribute(*opened, "Language"), "English");
}

TEST(ImportTest, IntercomNotesRatingsAndAssignments) {
  auto r = ImportDocuments(HelpDesk::kIntercom, {{"c.json", R"({"type":"conversation","id":"9","created_at":1700000000,
    "source":{"type":"email","id":"s1","body":"<p>I was charged twice.</p>","author":{"type":"user","name":"Ann"}},
    "conversation_rating":{"rating":2,"remark":"slow"},"team_assignee_id":"77","tags":{"tags":[{"name":"billing"}]},
    "conversation_parts":{"conversation_parts":[
      {"id":"p1","part_type":"assignment","created_at":1700000100,"author":{"type":"bot"},"assigned_to":{"type":"admin","id":"1"},"body":null},
      {"id":"p2","part_type":"note","created_at":1700000200,"author":{"type":"admin","name":"Bo"},"body":"<p>check Stripe</p>"},
      {"id":"p3","part_type":"assignment","created_at":1700000300,"author":{"type":"admin","name":"Bo"},"assigned_to":{"type":"admin","id":"2"},"body":"<p>Passing you to billing.</p>"},
      {"id":"p4","part_type":"comment","created_at":1700000400,"author":{"type":"bot","name":"Fin"},"body":"<p>Anything else?</p>"}]}})"}});
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.channel, "email");
  EXPECT_EQ(c.csat, 2);
  EXPECT_EQ(c.team, "team 77");
  EXPECT_EQ(c.tags, std::vector<std::string>{"billing"});
  ASSERT_EQ(c.messages.size(), 4u);
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);
  EXPECT_EQ(c.messages[1].role, Role::kNote);
  EXPECT_EQ(c.messages[2].role, Role::kAgent);
  EXPECT_EQ(c.messages[3].role, Role::kBot);
  EXPECT_EQ(CountEvents(c, "reassigned"), 1);  // the first assignment is not a handoff
}

TEST(ImportTest, FrontMessagesJoinTheirConversation) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kFront, {Format("front/nango-list-conversations-response.json"),
                                           Format("front/nango-conversation-messages-response.json")});
  // The list's 34 conversations come without messages: each is reported.
  EXPECT_EQ(r.errors.size(), 34u);
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "cnv_1dy3x02m");
  EXPECT_EQ(c.channel, "email");
  ASSERT_EQ(c.messages.size(), 2u);
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);  // inbound, and earlier though listed second
  EXPECT_EQ(c.messages[0].text, "testing 123");
  EXPECT_EQ(c.messages[1].role, Role::kAgent);
  EXPECT_EQ(c.messages[1].text, "response 123");  // the quoted "testing 123" is not scored twice
  EXPECT_EQ(c.messages[1].at_ms, int64_t{1732016080} * 1000);

  // A conversation of the list with messages of its own keeps its tags.
  auto joined = ImportDocuments(
      HelpDesk::kFront,
      {{"list.json", ReadAll(Format("front/nango-list-conversations-response.json"))},
       {"messages.json", R"({"_results":[{"id":"msg_1","type":"email","is_inbound":true,"created_at":1729617900,
          "body":"<p>Where is my parcel?</p>","_links":{"related":{"conversation":"https://x.api.frontapp.com/conversations/cnv_1doxb72z"}}},
          {"id":"c1","posted_at":1729617950,"body":"carrier says lost","author":{"email":"mock@test.com"},
           "_links":{"related":{"conversation":"https://x.api.frontapp.com/conversations/cnv_1doxb72z"}}}]})"}});
  const Conversation* tagged = Find(joined, "cnv_1doxb72z");
  ASSERT_NE(tagged, nullptr);
  EXPECT_EQ(tagged->tags, (std::vector<std::string>{"Delivery update", "Support Chat"}));
  EXPECT_EQ(Attribute(*tagged, "assignee"), "mock@test.com");
  ASSERT_EQ(tagged->messages.size(), 2u);
  EXPECT_EQ(tagged->messages[1].role, Role::kNote);  // a comment is internal
}

TEST(ImportTest, GorgiasTicketWithMessages) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kGorgias, {Format("gorgias/nango-get-ticket-with-messages-response.json")});
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "153006867");
  EXPECT_EQ(c.channel, "email");
  EXPECT_EQ(c.tags, std::vector<std::string>{"sample ticket"});
  EXPECT_EQ(Attribute(c, "language"), "en");
  // Six messages; the last quotes earlier ones and says nothing new.
  ASSERT_EQ(c.messages.size(), 5u);
  EXPECT_EQ(r.messages_left_out, 1);
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);
  EXPECT_NE(c.messages[0].text.find("respond to customers from Gorgias \U0001F44D"), std::string::npos);
  EXPECT_EQ(CountRole(c, Role::kAgent), 4);
  EXPECT_EQ(c.messages[2].text, "another one in here");
  EXPECT_EQ(c.messages[4].text, "this is another");
  EXPECT_EQ(c.created_at_ms, Time("2024-11-14T13:56:16.494Z"));
}

TEST(ImportTest, ZohoDeskTicketWithThreads) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kZohoDesk, {Format("zoho-desk/nango-get-ticket.test.json"),
                                              Format("zoho-desk/nango-list-ticket-threads.test.json")});
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "1329983000000410241");
  EXPECT_EQ(c.channel, "email");
  EXPECT_EQ(Attribute(c, "department"), "1329983000000006907");
  EXPECT_EQ(Attribute(c, "status"), "Open");
  ASSERT_EQ(c.messages.size(), 1u);  // the description thread, not the description again
  EXPECT_EQ(c.messages[0].role, Role::kCustomer);  // author type END_USER
  EXPECT_EQ(c.messages[0].text.substr(0, 40), "Hello Welcome to Zoho Desks new Unified ");
}

TEST(ImportTest, TwilioMessagesAndEmptyOnes) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kTwilio, {Format("twilio/nango-conversations-get-conversation.test.json"),
                                            Format("twilio/nango-conversations-list-messages.test.json")});
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "CH000000000000000000000000000001");
  ASSERT_EQ(c.messages.size(), 3u);  // two of the five have no body
  EXPECT_EQ(r.messages_left_out, 2);
  EXPECT_EQ(CountRole(c, Role::kBot), 3);  // author "system"
  ASSERT_EQ(r.errors.size(), 1u);          // CH...15 has no messages here
  EXPECT_NE(r.errors[0].message.find("CH000000000000000000000000000015"), std::string::npos);

  // A customer writing from a phone, an agent by chat identity.
  auto sms = ImportDocuments(HelpDesk::kTwilio, {{"m.json", R"({"messages":[
      {"sid":"IM1","conversation_sid":"CH9","author":"+15551230000","body":"my order never came","date_created":"2026-01-01T10:00:00Z"},
      {"sid":"IM2","conversation_sid":"CH9","author":"alice_40acme_2Ecom","body":"Sorry! Checking now.","date_created":"2026-01-01T10:01:00Z"}]})"}});
  ASSERT_EQ(sms.conversations.size(), 1u);
  EXPECT_EQ(sms.conversations[0].channel, "sms");
  EXPECT_EQ(sms.conversations[0].messages[0].role, Role::kCustomer);
  EXPECT_EQ(sms.conversations[0].messages[1].role, Role::kAgent);
}

TEST(ImportTest, AmazonConnectContactLensChat) {
  SKIP_WITHOUT_FORMATS();
  auto r = ImportFiles(HelpDesk::kConnect, {Format("amazon-connect/contact-lens-chat-analysis-original.json")});
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.conversations.size(), 1u);
  const Conversation& c = r.conversations[0];
  EXPECT_EQ(c.id, "b49644f6-672f-445c-b209-f76b36482830");  // CustomerMetadata.ContactId
  EXPECT_EQ(c.channel, "chat");
  EXPECT_EQ(c.tags, std::vector<std::string>{"agent-intro"});
  ASSERT_EQ(c.messages.size(), 28u);  // 35 items: 4 events, 3 system notices
  EXPECT_EQ(r.messages_left_out, 3);
  EXPECT_EQ(CountRole(c, Role::kAgent), 15);
  EXPECT_EQ(CountRole(c, Role::kCustomer), 13);
  EXPECT_EQ(c.messages[0].text, "Hello, thanks for reaching Example Corp. This is Jane. How may I help you?");
  EXPECT_EQ(c.messages[1].text.substr(0, 37), "I'd like to see if I can get a refund");
  EXPECT_EQ(CountEvents(c, "resolved"), 1);  // chat.ended
  EXPECT_EQ(c.events[0].at_ms, Time("2022-10-27T03:34:43.192Z"));
  EXPECT_EQ(c.created_at_ms, Time("2022-10-27T03:31:50.735Z"));
}

TEST(ImportTest, AmazonConnectVoiceAsPublishedIsNotJson) {
  SKIP_WITHOUT_FORMATS();
  const std::string path = Format("amazon-connect/contact-lens-voice-analysis-original.as-published-invalid.json");
  auto r = ImportFiles(HelpDesk::kConnect, {path, Format("amazon-connect/contact-lens-chat-analysis-redacted.json")});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, path);
  EXPECT_EQ(r.errors[0].line, 297);  // the extra closing brace
  EXPECT_NE(r.errors[0].message.find("not valid JSON"), std::string::npos);
  ASSERT_EQ(r.conversations.size(), 1u);  // the other file is imported
  const auto& redacted = r.conversations[0].messages;
  EXPECT_TRUE(std::any_of(redacted.begin(), redacted.end(),
                          [](const Message& m) { return m.text == "Hello, thanks for reaching Example Corp. This is [PII]. How may I help you?"; }));

  // Without the extra brace, the voice turns are messages in order, from
  // offsets only; the id comes from the Contact Lens file name.
  std::string text = ReadAll(path);
  text.erase(text.find_last_of('}'));
  auto voice = ImportDocuments(HelpDesk::kConnect, {{"s3/abc-123_analysis_2022-11-30T00:00:00Z.json", text}});
  EXPECT_TRUE(voice.errors.empty());
  ASSERT_EQ(voice.conversations.size(), 1u);
  const Conversation& v = voice.conversations[0];
  EXPECT_EQ(v.id, "abc-123");
  EXPECT_EQ(v.channel, "voice");
  ASSERT_EQ(v.messages.size(), 10u);
  EXPECT_EQ(v.messages[1].role, Role::kCustomer);
  EXPECT_EQ(v.messages[3].text.substr(0, 17), "I need to cancel.");
}

// --- bad input ------------------------------------------------------------

TEST(ImportTest, MalformedItemsAreReportedWithTheirPathAndTheRestImported) {
  auto r = ImportDocuments(HelpDesk::kZendesk, {{"tickets.json", R"({"tickets":[
      {"id":1,"requester_id":5,"description":"fine","created_at":"2024-01-01T00:00:00Z"},
      {"id":2,"requester_id":5,"description":"bad time","created_at":"yesterday"},
      {"requester_id":5,"description":"no id"},
      {"id":4,"requester_id":5,"description":"tags","tags":"not-a-list"},
      {"id":6,"requester_id":5,"description":"far future","created_at":1e300},
      {"id":5,"requester_id":5,"description":"also fine"}]})"},
                                                {"other.json", R"({"hello":"world"})"},
                                                {"broken.json", "{\"tickets\": [\n  {\"id\": 1,\n}"}});
  std::vector<std::string> ids;
  for (const auto& c : r.conversations) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "5"}));
  std::vector<std::string> where;
  for (const auto& e : r.errors) where.push_back(e.file + ":" + std::to_string(e.line) + ":" + e.field);
  EXPECT_NE(std::find(where.begin(), where.end(), "tickets.json:0:tickets[1].created_at"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "tickets.json:0:tickets[2].id"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "tickets.json:0:tickets[3].tags"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "tickets.json:0:tickets[4].created_at"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "other.json:0:"), where.end());
  EXPECT_NE(std::find(where.begin(), where.end(), "broken.json:3:"), where.end());
}

TEST(ImportTest, HostileDocumentsNeverCrash) {
  const std::string deep(100000, '[');
  for (HelpDesk system : AllHelpDesks()) {
    auto r = ImportDocuments(system, {{"deep.json", deep},
                                      {"empty.json", ""},
                                      {"null.json", "null"},
                                      {"huge.json", R"({"tickets":[{"id":1,"created_at":1e999}]})"},
                                      {"array.json", "[1, \"x\", null, {}]"},
                                      {"types.json", R"({"id":{},"messages":7,"data":"x","_results":{},"Transcript":3,
                                                          "conversations":[{"id":[]}],"ticket":[]})"}});
    EXPECT_TRUE(r.conversations.empty()) << HelpDeskName(system);
    EXPECT_GE(r.errors.size(), 5u) << HelpDeskName(system);
  }
}

// --- the command ------------------------------------------------------------

TEST(ImportCliTest, StoresOrWritesJsonLinesWithTheIngestSummary) {
  SKIP_WITHOUT_FORMATS();
  TempDir dir;
  const std::string db = dir.path() + "/c.db";
  auto r = RunCommand(Binary() + " import gorgias --json --db " + db + " " + Format("gorgias/*.json") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 3) << r.out;  // one ticket of the list had no messages: partial
  auto summary = nlohmann::json::parse(r.out);
  EXPECT_EQ(summary["conversations"], 1);
  EXPECT_EQ(summary["messages"], 5);
  EXPECT_EQ(summary["skipped"], 1);
  for (const char* key : {"errors", "errors_total", "seconds", "model", "strict", "aborted"}) EXPECT_TRUE(summary.contains(key));

  auto shown = RunCommand(Binary() + " show 153006867 --json --db " + db);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("another one in here"), std::string::npos);

  const std::string out = dir.path() + "/z.jsonl";
  r = RunCommand(Binary() + " import zendesk --to-jsonl " + out + " " + Format("zendesk/nango-get-ticket.test.json") + " " +
                 Format("zendesk/nango-get-ticket-comments.test.json"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  Conversation c;
  ASSERT_TRUE(ParseConversationJson(line, &c).ok());  // canonical: ingest reads it back
  EXPECT_EQ(c.messages.size(), 4u);
  EXPECT_FALSE(std::filesystem::exists(out + ".tmp"));

  r = RunCommand(Binary() + " import helpscout x.json 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown system 'helpscout'"), std::string::npos);

  // --strict: the first error stops it, and nothing is written.
  const std::string strict_db = dir.path() + "/s.db";
  r = RunCommand(Binary() + " import gorgias --strict --db " + strict_db + " " + Format("gorgias/*.json") + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1);
  auto none = RunCommand(Binary() + " show 153006867 --db " + strict_db + " 2>/dev/null");
  EXPECT_NE(none.exit_code, 0);
}

}  // namespace
}  // namespace convsent
