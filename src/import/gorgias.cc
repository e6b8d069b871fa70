// Gorgias REST API: tickets (one, with its messages, or a page of data[]),
// ticket messages and satisfaction surveys. docs/import.md#gorgias.
#include <optional>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

class GorgiasReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    const std::vector<Node> items = ItemsOf(doc, "data", "Gorgias", "a ticket or a list with data[]");
    for (const Node& item : items) {
      ctx.Guard([&] {
        if (item.has("score") && item.has("ticket_id")) ReadSurvey(item, ctx);
        else if (item.has("ticket_id") && (item.has("from_agent") || item.has("body_text"))) {
          const std::string ticket = item["ticket_id"].Id();
          if (auto m = ReadMessage(item, ctx)) drafts_.Get(ticket, ctx).AddMessage(std::move(*m));
        }
        else if (item.has("messages") || item.has("status") || item.has("messages_count")) ReadTicket(item, ctx);
        else item.Fail("not a Gorgias ticket, message or satisfaction survey");
      });
    }
  }

  void Finish(ImportResult* out) override { drafts_.Finish(out); }

 private:
  void ReadTicket(const Node& t, Context& ctx) {
    Draft d;  // read whole, then merged: a malformed ticket adds nothing
    Conversation& c = d.conversation;
    c.id = t["id"].Id();
    c.created_at_ms = t["created_datetime"].Time();
    c.channel = t["channel"].Str();
    c.tags.clear();
    for (const Node& tag : t["tags"].Items()) c.tags.push_back(tag["name"].Str());
    if (t["assignee_team"].is_object()) c.team = t["assignee_team"]["name"].Str();
    d.SetAttribute("status", t["status"].Str());
    d.SetAttribute("priority", t["priority"].Str());
    d.SetAttribute("language", t["language"].Str());
    d.SetAttribute("via", t["via"].Str());
    if (t["assignee_user"].is_object()) d.SetAttribute("assignee", t["assignee_user"]["email"].Str());
    if (const int64_t closed = t["closed_datetime"].Time(); closed != 0) d.AddEvent("resolved", closed);
    if (t["satisfaction_survey"].is_object()) ReadSurvey(t["satisfaction_survey"], ctx, &d);
    for (const Node& m : t["messages"].Items()) {
      ctx.Guard([&] {
        if (auto dm = ReadMessage(m, ctx)) d.AddMessage(std::move(*dm));
      });
    }
    drafts_.Merge(std::move(d), ctx);
  }

  // A message, or nullopt when it has nothing to score.
  std::optional<DraftMessage> ReadMessage(const Node& m, Context& ctx) {
    DraftMessage dm;
    dm.source_id = m["id"].Str();
    if (!m["public"].Bool(true) || m["source"]["type"].Str() == "internal-note") {
      dm.message.role = Role::kNote;
    } else if (m["via"].Str() == "rule") {
      dm.message.role = Role::kBot;  // sent by an automation rule
    } else {
      dm.message.role = m["from_agent"].Bool(false) ? Role::kAgent : Role::kCustomer;
    }
    if (m["sender"].is_object()) dm.message.author = m["sender"]["email"].Str();
    dm.message.at_ms = m["created_datetime"].Time();
    const std::string html = m["body_html"].Str();
    if (!html.empty()) {
      dm.message.text = CleanBody(html, true);
    } else {
      std::string text = m["stripped_text"].Str();
      if (text.empty()) text = m["body_text"].Str();
      dm.message.text = CleanBody(text, false);
    }
    if (dm.message.text.empty()) {  // images only, or only the quoted history
      ctx.LeftOut();
      return std::nullopt;
    }
    return dm;
  }

  // A satisfaction survey: its score is the CSAT (1-5).
  void ReadSurvey(const Node& s, Context& ctx, Draft* d = nullptr) {
    const auto score = s["score"].Int();
    if (!score) return;
    if (*score < 1 || *score > 5) s["score"].Fail("expected a score from 1 to 5, found " + std::to_string(*score));
    if (d == nullptr) {
      const std::string ticket = s["ticket_id"].Id();
      d = &drafts_.Get(ticket, ctx);
    }
    d->conversation.csat = static_cast<int>(*score);
  }

  Drafts drafts_;
};

}  // namespace

std::unique_ptr<Reader> NewGorgiasReader() { return std::make_unique<GorgiasReader>(); }

}  // namespace convsent::import_internal
