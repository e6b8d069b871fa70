// Intercom REST API (2.x): a conversation, a conversation list or a search
// result; the same conversation read twice (a list and a full GET) is
// merged, its parts kept once. docs/import.md#intercom.
#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

Role RoleOfAuthor(const std::string& type) {
  if (type == "user" || type == "lead" || type == "contact") return Role::kCustomer;
  if (type == "bot") return Role::kBot;
  return Role::kAgent;  // admin, team
}

std::string Channel(const std::string& source_type) {
  if (source_type.empty() || source_type == "conversation" || source_type == "chat") return "chat";
  if (source_type == "phone_call" || source_type == "phone_switch") return "voice";
  return source_type;  // email, facebook, twitter, whatsapp, sms, instagram, push, ...
}

class IntercomReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    const std::string type = doc["type"].Str();
    if (type == "conversation" || (doc.has("conversation_parts") && doc.has("id"))) {
      ReadConversation(doc, ctx);
    } else if (doc.has("conversations")) {
      for (const Node& c : doc["conversations"].Items()) ctx.Guard([&] { ReadConversation(c, ctx); });
    } else {
      doc.Fail("not an Intercom response this importer reads (expected a conversation or a conversation.list)");
    }
  }

  void Finish(ImportResult* out) override { drafts_.Finish(out); }

 private:
  void ReadConversation(const Node& c, Context& ctx) {
    Draft d;  // read whole, then merged: a malformed conversation adds nothing
    Conversation& conv = d.conversation;
    conv.id = c["id"].Id();
    conv.created_at_ms = c["created_at"].Time();
    const Node source = c["source"];
    conv.channel = Channel(source["type"].Str());
    conv.tags.clear();
    for (const Node& t : c["tags"]["tags"].Items()) conv.tags.push_back(t["name"].Str());
    for (const Node& t : c["topics"]["topics"].Items()) {
      conv.topic = t["name"].Str();
      break;
    }
    if (const std::string team = c["team_assignee_id"].Str(); !team.empty() && team != "0") conv.team = "team " + team;
    if (const auto rating = c["conversation_rating"]["rating"].Int(); rating && *rating >= 1 && *rating <= 5) {
      conv.csat = static_cast<int>(*rating);
    }
    d.SetAttribute("state", c["state"].Str());
    d.SetAttribute("priority", c["priority"].Str());
    if (c.has("ai_agent_participated")) d.SetAttribute("ai_agent_participated", c["ai_agent_participated"].Str());
    if (c["custom_attributes"].is_object()) {
      for (const auto& [key, value] : c["custom_attributes"].json().items()) {
        if (value.is_object() || value.is_array()) continue;
        d.SetAttribute(key, Node(&value, "").Str());
      }
    }
    // The source is the message that opened the conversation.
    if (!source.missing() && !source["body"].missing()) {
      AddPart(d, "source:" + source["id"].Str(), source["author"], source["body"].Str(), conv.created_at_ms, false, ctx);
    }
    // Parts in order: messages, notes, and the closes, reopens and
    // assignments that become events.
    bool closed = false;
    std::string assignee;
    for (const Node& p : c["conversation_parts"]["conversation_parts"].Items()) {
      ctx.Guard([&] {
        const std::string part_type = p["part_type"].Str();
        const int64_t at = p["created_at"].Time();
        if (part_type == "close") {
          d.AddEvent("resolved", at);
          closed = true;
        } else if ((part_type == "open" || part_type.find("reopen") != std::string::npos) && closed) {
          d.AddEvent("reopened", at);
          closed = false;
        }
        if (part_type.find("assign") != std::string::npos && !p["assigned_to"].missing()) {
          const std::string to = p["assigned_to"]["type"].Str() + ":" + p["assigned_to"]["id"].Str();
          if (!assignee.empty() && to != assignee) d.AddEvent("reassigned", at);
          assignee = to;
        }
        if (!p["body"].missing()) {
          AddPart(d, p["id"].Str(), p["author"], p["body"].Str(), at, part_type.find("note") != std::string::npos, ctx);
        }
      });
    }
    // Closed, but the parts that say when were not in this payload.
    if (c["state"].Str() == "closed" && !closed && d.conversation.events.empty()) {
      int64_t at = c["statistics"]["last_close_at"].Time();
      if (at == 0) at = c["updated_at"].Time();
      d.AddEvent("resolved", at);
    }
    drafts_.Merge(std::move(d), ctx);
  }

  void AddPart(Draft& d, std::string id, const Node& author, const std::string& body, int64_t at, bool note,
               Context& ctx) {
    DraftMessage m;
    m.source_id = std::move(id);
    m.message.role = note ? Role::kNote : RoleOfAuthor(author["type"].Str());
    m.message.author = author["name"].Str();
    if (m.message.author.empty()) m.message.author = author["id"].Str();
    m.message.at_ms = at;
    m.message.text = CleanBody(body, true);  // Intercom bodies are HTML
    if (m.message.text.empty()) return ctx.LeftOut();
    d.AddMessage(std::move(m));
  }

  Drafts drafts_;
};

}  // namespace

std::unique_ptr<Reader> NewIntercomReader() { return std::make_unique<IntercomReader>(); }

}  // namespace convsent::import_internal
