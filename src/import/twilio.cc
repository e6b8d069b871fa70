// Twilio Conversations API v1 (the message store behind Flex chat):
// conversations joined with their messages and participants.
// docs/import.md#twilio.
#include <map>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

bool StartsWith(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

// An author that is an address on a messaging channel is the customer.
std::string AddressChannel(const std::string& author) {
  if (StartsWith(author, "whatsapp:")) return "whatsapp";
  if (StartsWith(author, "messenger:")) return "messenger";
  if (StartsWith(author, "rcs:")) return "rcs";
  if (StartsWith(author, "+") && author.size() > 4) return "sms";
  return "";
}

class TwilioReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    bool known = false;
    if (doc.has("conversations")) {
      known = true;
      for (const Node& c : doc["conversations"].Items()) ctx.Guard([&] { ReadConversation(c, ctx); });
    }
    if (doc.has("messages")) {
      known = true;
      for (const Node& m : doc["messages"].Items()) ctx.Guard([&] { ReadMessage(m, ctx); });
    }
    if (doc.has("participants")) {
      known = true;
      for (const Node& p : doc["participants"].Items()) ctx.Guard([&] { ReadParticipant(p); });
    }
    if (!known && doc.has("sid")) {
      const std::string sid = doc["sid"].Str();
      known = true;
      if (doc.has("conversation_sid") && doc.has("body")) ReadMessage(doc, ctx);
      else if (StartsWith(sid, "CH")) ReadConversation(doc, ctx);
      else known = false;
    }
    if (!known) {
      doc.Fail("not a Twilio Conversations response this importer reads (expected a conversation, conversations, "
               "messages or participants)");
    }
  }

  void Finish(ImportResult* out) override {
    for (const auto& d : drafts_.all()) {
      std::string channel;
      for (auto& m : d->messages) {
        if (!m.decide_role) continue;
        m.message.role = RoleOf(d->conversation.id, m.author_id);
        if (m.message.role == Role::kCustomer && channel.empty()) {
          channel = AddressChannel(m.author_id);
          auto b = bindings_.find(d->conversation.id + "\n" + m.author_id);
          if (channel.empty() && b != bindings_.end()) channel = b->second;
        }
      }
      if (d->conversation.channel.empty()) d->conversation.channel = channel.empty() ? "chat" : channel;
    }
    drafts_.Finish(out);
  }

 private:
  Role RoleOf(const std::string& conversation, const std::string& author) const {
    if (author == "system") return Role::kBot;
    if (!AddressChannel(author).empty()) return Role::kCustomer;
    if (bindings_.count(conversation + "\n" + author)) return Role::kCustomer;
    // A chat identity (not an address): an agent, unless the participant
    // list says it came through a messaging binding (above).
    return Role::kAgent;
  }

  void ReadConversation(const Node& c, Context& ctx) {
    Draft d;  // read whole, then merged: a malformed conversation adds nothing
    d.conversation.id = c["sid"].Id();
    d.conversation.created_at_ms = c["date_created"].Time();
    d.SetAttribute("state", c["state"].Str());
    d.SetAttribute("service", c["chat_service_sid"].Str());
    if (c["state"].Str() == "closed") d.AddEvent("resolved", c["date_updated"].Time());
    // `attributes` is a JSON string the application owns; Flex keeps its
    // channel and task details there.
    const std::string attributes = c["attributes"].Str();
    const auto parsed = nlohmann::json::parse(attributes, nullptr, false);
    if (parsed.is_object()) {
      for (const auto& [key, value] : parsed.items()) {
        if (!value.is_object() && !value.is_array() && !value.is_null()) d.SetAttribute(key, Node(&value, "").Str());
      }
    }
    drafts_.Merge(std::move(d), ctx);
  }

  void ReadMessage(const Node& m, Context& ctx) {
    std::string conversation = m["conversation_sid"].Str();
    if (conversation.empty()) conversation = ctx.RequestId("Conversations");
    if (conversation.empty()) m["conversation_sid"].Fail("missing: the message does not say its conversation");
    DraftMessage dm;
    dm.source_id = m["sid"].Str();
    dm.author_id = m["author"].Str();
    dm.decide_role = true;
    dm.message.author = dm.author_id;
    dm.message.at_ms = m["date_created"].Time();
    dm.message.text = CleanBody(m["body"].Str(), false);
    if (dm.message.text.empty()) return ctx.LeftOut();  // media only, or a system notice without text
    drafts_.Get(conversation, ctx).AddMessage(std::move(dm));
  }

  void ReadParticipant(const Node& p) {
    const Node binding = p["messaging_binding"];
    if (binding.missing()) return;
    std::string type = binding["type"].Str();
    const std::string who = !p["identity"].Str().empty() ? p["identity"].Str() : binding["address"].Str();
    bindings_[p["conversation_sid"].Str() + "\n" + who] = type.empty() ? "sms" : type;
    bindings_[p["conversation_sid"].Str() + "\n" + binding["address"].Str()] = type.empty() ? "sms" : type;
  }

  Drafts drafts_;
  std::map<std::string, std::string> bindings_;  // "conversation\nauthor" -> channel of a customer's binding
};

}  // namespace

std::unique_ptr<Reader> NewTwilioReader() { return std::make_unique<TwilioReader>(); }

}  // namespace convsent::import_internal
