// Zoho Desk API v1: tickets (one or a page of data[]) joined with their
// threads and comments. docs/import.md#zoho-desk.
#include <map>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class ZohoDeskReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    const std::vector<Node> items = ItemsOf(doc, "data", "Zoho Desk", "a ticket, or a list with data[]");
    const std::string parent = ctx.RequestId("tickets");
    for (const Node& item : items) {
      ctx.Guard([&] {
        if (item.has("commentedTime")) ReadComment(item, parent, ctx);
        else if (item.has("direction") || item.has("isDescriptionThread")) ReadThread(item, parent, ctx);
        else if (item.has("ticketNumber") || item.has("statusType")) ReadTicket(item, ctx);
        else item.Fail("not a Zoho Desk ticket, thread or comment");
      });
    }
  }

  void Finish(ImportResult* out) override {
    drafts_.Adopt(std::move(orphans_), "thread", out);
    // Without its threads, a ticket's description is its first message.
    for (const auto& d : drafts_.all()) {
      auto it = descriptions_.find(d->conversation.id);
      if (!d->messages.empty() || it == descriptions_.end()) continue;
      DraftMessage m;
      m.message.role = Role::kCustomer;
      m.message.at_ms = d->conversation.created_at_ms;
      m.message.text = CleanBody(it->second, true);
      if (!m.message.text.empty()) d->AddMessage(std::move(m));
    }
    drafts_.Finish(out);
  }

 private:
  void ReadTicket(const Node& t, Context& ctx) {
    Draft d;  // read whole, then merged: a malformed ticket adds nothing
    Conversation& c = d.conversation;
    c.id = t["id"].Id();
    c.created_at_ms = t["createdTime"].Time();
    c.channel = Lower(t["channel"].Str());
    c.topic = t["category"].Str();
    if (const std::string team = t["teamId"].Str(); !team.empty()) c.team = "team " + team;
    d.SetAttribute("department", t["departmentId"].Str());
    d.SetAttribute("sub_category", t["subCategory"].Str());
    d.SetAttribute("priority", t["priority"].Str());
    d.SetAttribute("status", t["status"].Str());
    d.SetAttribute("language", t["language"].Str());
    for (const char* fields : {"customFields", "cf"}) {
      if (!t[fields].is_object()) continue;
      for (const auto& [key, value] : t[fields].json().items()) {
        if (!value.is_object() && !value.is_array()) d.SetAttribute(key, Node(&value, "").Str());
      }
    }
    if (const int64_t closed = t["closedTime"].Time(); closed != 0) d.AddEvent("resolved", closed);
    if (t["isEscalated"].Bool(false)) d.AddEvent("escalated", t["modifiedTime"].Time());
    const std::string description = t["description"].Str();
    if (!description.empty()) descriptions_[c.id] = description;
    drafts_.Merge(std::move(d), ctx);
  }

  void Add(DraftMessage m, const std::string& parent, const Node& item, Context& ctx) {
    if (m.message.text.empty()) return ctx.LeftOut();
    std::string ticket = item["ticketId"].Str();
    if (ticket.empty()) ticket = parent;
    if (ticket.empty()) {
      orphans_.push_back(Orphan{ctx.file(), item.path(), std::move(m)});
      return;
    }
    drafts_.Get(ticket, ctx).AddMessage(std::move(m));
  }

  void ReadThread(const Node& t, const std::string& parent, Context& ctx) {
    DraftMessage m;
    m.source_id = t["id"].Str();
    const std::string author_type = t["author"]["type"].Str();
    if (t["visibility"].Str() == "private") m.message.role = Role::kNote;
    else if (author_type == "END_USER") m.message.role = Role::kCustomer;
    else if (author_type == "AGENT") m.message.role = Role::kAgent;
    else if (author_type == "BOT" || author_type == "SYSTEM") m.message.role = Role::kBot;
    else m.message.role = t["direction"].Str() == "in" ? Role::kCustomer : Role::kAgent;
    m.message.author = t["author"]["email"].Str();
    m.message.at_ms = t["createdTime"].Time();
    // The full content comes with GET .../threads/{id}; a thread list has
    // a summary only (its first 200 or so characters).
    const std::string content = t["content"].Str();
    const std::string type = t["contentType"].Str();
    m.message.text = content.empty() ? CleanBody(t["summary"].Str(), false)
                                     : CleanBody(content, type.empty() || type == "text/html" || LooksLikeHtml(content));
    Add(std::move(m), parent, t, ctx);
  }

  // Comments are the team's own: notes.
  void ReadComment(const Node& c, const std::string& parent, Context& ctx) {
    DraftMessage m;
    m.source_id = "comment:" + c["id"].Str();
    m.message.role = Role::kNote;
    m.message.author = c["commenter"]["email"].Str();
    m.message.at_ms = c["commentedTime"].Time();
    m.message.text = CleanBody(c["content"].Str(), true);
    Add(std::move(m), parent, c, ctx);
  }

  Drafts drafts_;
  std::map<std::string, std::string> descriptions_;
  std::vector<Orphan> orphans_;
};

}  // namespace

std::unique_ptr<Reader> NewZohoDeskReader() { return std::make_unique<ZohoDeskReader>(); }

}  // namespace convsent::import_internal
