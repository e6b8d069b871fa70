// Front Core API: conversations (one or a page of _results) joined with
// their messages, comments and events. docs/import.md#front.
#include <algorithm>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

// "https://x.api.frontapp.com/conversations/cnv_1dy3x02m" -> "cnv_1dy3x02m".
std::string LastSegment(const std::string& url) {
  std::string s = url.substr(0, url.find('?'));
  while (!s.empty() && s.back() == '/') s.pop_back();
  const size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

class FrontReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    const std::vector<Node> items = ItemsOf(doc, "_results", "Front", "a conversation or a page of _results");
    for (const Node& item : items) {
      ctx.Guard([&] {
        if (item.has("is_inbound")) ReadMessage(item, ctx);
        else if (item.has("emitted_at")) ReadEvent(item, ctx);
        else if (item.has("posted_at")) ReadComment(item, ctx);
        else if (item.has("status") || item["id"].Str().rfind("cnv_", 0) == 0) ReadConversation(item, ctx);
        else item.Fail("not a Front conversation, message, comment or event");
      });
    }
  }

  void Finish(ImportResult* out) override {
    // Archived, but no archive event read: resolved at a time unknown.
    for (const auto& d : drafts_.all()) {
      const auto& events = d->conversation.events;
      const bool resolved = std::any_of(events.begin(), events.end(), [](const Event& e) { return e.type == "resolved"; });
      if (archived_.count(d->conversation.id) && !resolved) d->AddEvent("resolved", 0);
    }
    drafts_.Finish(out);
  }

 private:
  // The conversation an item belongs to: its link, or the request path.
  std::string ConversationOf(const Node& item, const Context& ctx) {
    std::string id = LastSegment(item["_links"]["related"]["conversation"].Str());
    if (id.empty() && item["conversation"].is_object()) id = item["conversation"]["id"].Str();
    if (id.empty()) id = ctx.RequestId("conversations");
    if (id.empty()) item.Fail("the item does not say its conversation (no _links.related.conversation)");
    return id;
  }

  void ReadConversation(const Node& c, Context& ctx) {
    Draft d;  // read whole, then merged: a malformed conversation adds nothing
    Conversation& conv = d.conversation;
    conv.id = c["id"].Id();
    if (const int64_t at = c["created_at"].Time(); at != 0) conv.created_at_ms = at;
    conv.tags.clear();
    for (const Node& t : c["tags"].Items()) conv.tags.push_back(t["name"].Str());
    d.SetAttribute("status", c["status"].Str());
    if (c["assignee"].is_object()) d.SetAttribute("assignee", c["assignee"]["email"].Str());
    if (c["custom_fields"].is_object()) {
      for (const auto& [key, value] : c["custom_fields"].json().items()) {
        if (!value.is_object() && !value.is_array()) d.SetAttribute(key, Node(&value, "").Str());
      }
    }
    if (const std::string status = c["status"].Str(); status == "archived" || status == "resolved") {
      archived_.insert(d.conversation.id);
    }
    drafts_.Merge(std::move(d), ctx);
  }

  void ReadMessage(const Node& m, Context& ctx) {
    const std::string conversation = ConversationOf(m, ctx);
    if (m["is_draft"].Bool(false)) return ctx.LeftOut();
    DraftMessage dm;
    dm.source_id = m["id"].Str();
    const bool inbound = m["is_inbound"].Bool(false);
    dm.message.role = inbound ? Role::kCustomer : Role::kAgent;
    if (m["author"].is_object()) dm.message.author = m["author"]["email"].Str();
    for (const Node& r : m["recipients"].Items()) {
      if (dm.message.author.empty() && r["role"].Str() == "from") dm.message.author = r["handle"].Str();
    }
    dm.message.at_ms = m["created_at"].Time();
    const std::string html = m["body"].Str();
    dm.message.text = html.empty() ? CleanBody(m["text"].Str(), false) : CleanBody(html, true);
    const std::string type = m["type"].Str();
    Draft& d = drafts_.Get(conversation, ctx);
    if (d.conversation.channel.empty()) d.conversation.channel = type;
    if (dm.message.text.empty()) return ctx.LeftOut();
    d.AddMessage(std::move(dm));
  }

  // Comments are the team's internal discussion: notes.
  void ReadComment(const Node& c, Context& ctx) {
    const std::string conversation = ConversationOf(c, ctx);
    DraftMessage dm;
    dm.source_id = c["id"].Str();
    dm.message.role = Role::kNote;
    if (c["author"].is_object()) dm.message.author = c["author"]["email"].Str();
    dm.message.at_ms = c["posted_at"].Time();
    dm.message.text = CleanBody(c["body"].Str(), LooksLikeHtml(c["body"].Str()));
    if (dm.message.text.empty()) return ctx.LeftOut();
    drafts_.Get(conversation, ctx).AddMessage(std::move(dm));
  }

  void ReadEvent(const Node& e, Context& ctx) {
    const std::string conversation = ConversationOf(e, ctx);
    const std::string type = e["type"].Str();
    const int64_t at = e["emitted_at"].Time();
    Draft& d = drafts_.Get(conversation, ctx);
    if (type == "archive") d.AddEvent("resolved", at);
    else if (type == "reopen") d.AddEvent("reopened", at);
    else if (type == "move" || (type == "assign" && ++assignments_[d.conversation.id] > 1)) d.AddEvent("reassigned", at);
  }

  Drafts drafts_;
  std::unordered_set<std::string> archived_;
  std::unordered_map<std::string, int> assignments_;
};

}  // namespace

std::unique_ptr<Reader> NewFrontReader() { return std::make_unique<FrontReader>(); }

}  // namespace convsent::import_internal
