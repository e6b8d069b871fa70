// Zendesk Support API v2: tickets (one, a list, a search, an incremental
// export) joined with their comments, audits, ticket events, side-loaded or
// listed users and groups, and satisfaction ratings. docs/import.md#zendesk.
#include <map>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

struct TicketInfo {
  std::string requester, submitter, assignee, description;
  int64_t created_at = 0;
  std::string file;
};

class ZendeskReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    if (!doc.is_object()) doc.Fail("expected a JSON object (a Zendesk API response)");
    bool known = false;
    // Side-loads first: they decide roles and team names of what follows.
    for (const char* key : {"users", "user"}) {
      if (!doc.has(key)) continue;
      known = true;
      const Node users = doc[key];
      for (const Node& u : users.is_array() ? users.Items() : std::vector<Node>{users}) {
        ctx.Guard([&] {
          user_roles_[u["id"].Id()] = u["role"].Str();
          // The user's language as Zendesk knows it ("es", "pt-BR").
          if (const std::string locale = u["locale"].Str(); !locale.empty()) user_locales_[u["id"].Id()] = locale;
        });
      }
    }
    if (doc.has("groups")) {
      known = true;
      for (const Node& g : doc["groups"].Items()) ctx.Guard([&] { group_names_[g["id"].Id()] = g["name"].Str(); });
    }
    if (doc.has("ticket")) known = true, ctx.Guard([&] { ReadTicket(doc["ticket"], ctx); });
    for (const char* key : {"tickets", "results"}) {
      if (!doc.has(key)) continue;
      known = true;
      for (const Node& t : doc[key].Items()) {
        ctx.Guard([&] {
          if (t.has("result_type") && t["result_type"].Str() != "ticket") return;  // a search hit on a user
          ReadTicket(t, ctx);
        });
      }
    }
    if (doc.has("comments")) {
      known = true;
      const std::string ticket = ctx.RequestId("tickets");
      for (const Node& c : doc["comments"].Items()) ctx.Guard([&] { ReadComment(c, ticket, 0, "", ctx); });
    }
    if (doc.has("audit")) known = true, ctx.Guard([&] { ReadAudit(doc["audit"], ctx); });
    if (doc.has("audits")) {
      known = true;
      for (const Node& a : doc["audits"].Items()) ctx.Guard([&] { ReadAudit(a, ctx); });
    }
    if (doc.has("ticket_events")) {
      known = true;
      for (const Node& e : doc["ticket_events"].Items()) ctx.Guard([&] { ReadTicketEvent(e, ctx); });
    }
    for (const char* key : {"satisfaction_ratings", "satisfaction_rating"}) {
      if (!doc.has(key)) continue;
      known = true;
      const Node ratings = doc[key];
      for (const Node& r : ratings.is_array() ? ratings.Items() : std::vector<Node>{ratings}) {
        ctx.Guard([&] {
          const int csat = Csat(r["score"]);
          if (csat > 0) ratings_[r["ticket_id"].Id()] = csat;
        });
      }
    }
    if (!known) {
      doc.Fail("not a Zendesk response this importer reads (expected ticket, tickets, results, comments, audit(s), "
               "ticket_events, satisfaction_ratings, users or groups)");
    }
  }

  void Finish(ImportResult* out) override {
    drafts_.Adopt(std::move(orphans_), "comment", out);
    static const TicketInfo kUnknown;
    for (const auto& d : drafts_.all()) {
      const std::string& id = d->conversation.id;
      auto it = tickets_.find(id);
      const TicketInfo& info = it != tickets_.end() ? it->second : kUnknown;
      // Without its comments, a ticket's description is its first comment.
      if (d->messages.empty() && !info.description.empty()) {
        DraftMessage m;
        m.author_id = info.submitter;
        m.decide_role = true;
        m.message.author = info.submitter;
        m.message.at_ms = info.created_at;
        m.message.text = CleanBody(info.description, LooksLikeHtml(info.description));
        if (!m.message.text.empty()) d->AddMessage(std::move(m));
      }
      for (auto& m : d->messages) {
        if (m.decide_role) m.message.role = RoleOf(m.author_id, info);
      }
      if (auto g = group_of_.find(id); g != group_of_.end()) {
        if (auto name = group_names_.find(g->second); name != group_names_.end() && !name->second.empty()) {
          d->conversation.team = name->second;
        }
      }
      if (auto r = ratings_.find(id); r != ratings_.end()) d->conversation.csat = r->second;
      // The requester's locale is the conversation's language (docs/languages.md).
      if (auto l = user_locales_.find(info.requester); l != user_locales_.end()) d->SetAttribute("language", l->second);
    }
    drafts_.Finish(out);
  }

 private:
  // good -> 5, bad -> 1; offered, unoffered and empty are no rating.
  static int Csat(const Node& score) {
    const std::string s = score.Str();
    if (s == "good") return 5;
    if (s == "bad") return 1;
    return 0;
  }

  // The requester is the ticket's customer (even an agent who files a
  // ticket); anyone else is what the users say, or else staff: a stranger
  // who writes publicly on a ticket is nearly always an agent.
  Role RoleOf(const std::string& author, const TicketInfo& ticket) const {
    if (author == "-1") return Role::kBot;  // Zendesk itself (triggers, automations)
    if (!author.empty() && author == ticket.requester) return Role::kCustomer;
    if (auto it = user_roles_.find(author); it != user_roles_.end() && it->second == "end-user") return Role::kCustomer;
    return Role::kAgent;
  }

  void ReadTicket(const Node& t, Context& ctx) {
    const std::string id = t["id"].Id();
    Draft d;  // read whole, then merged: a malformed ticket adds nothing
    Conversation& c = d.conversation;
    c.id = id;
    TicketInfo info;
    info.requester = t["requester_id"].Str();
    info.submitter = t["submitter_id"].Str();
    if (info.submitter.empty()) info.submitter = info.requester;
    info.assignee = t["assignee_id"].Str();
    info.description = t["description"].Str();
    info.created_at = c.created_at_ms = t["created_at"].Time();
    c.channel = t["via"]["channel"].Str();
    c.tags.clear();
    for (const Node& tag : t["tags"].Items()) c.tags.push_back(tag.Str());
    if (const std::string group = t["group_id"].Str(); !group.empty()) {
      c.team = "group " + group;  // named at the end, when the groups are known
    }
    d.SetAttribute("brand", t["brand_id"].Str());
    d.SetAttribute("priority", t["priority"].Str());
    d.SetAttribute("type", t["type"].Str());
    d.SetAttribute("status", t["status"].Str());
    d.SetAttribute("form", t["ticket_form_id"].Str());
    for (const Node& f : t["custom_fields"].Items()) {
      if (f["value"].is_array() || f["value"].is_object()) continue;  // multi-select: its values are in tags
      d.SetAttribute("field_" + f["id"].Str(), f["value"].Str());
    }
    if (const int csat = Csat(t["satisfaction_rating"]["score"]); csat > 0) c.csat = csat;
    const std::string status = t["status"].Str();
    if (status == "solved" || status == "closed") {
      int64_t at = t["dates"]["solved_at"].Time();
      if (at == 0) at = t["updated_at"].Time();
      d.AddEvent("resolved", at);
    }
    if (const std::string group = t["group_id"].Str(); !group.empty()) group_of_[id] = group;
    tickets_[id] = std::move(info);
    drafts_.Merge(std::move(d), ctx);
  }

  // A comment (from /comments, an audit or a ticket event) of `ticket`
  // ("" when the payload does not say).
  void ReadComment(const Node& c, const std::string& ticket, int64_t at, const std::string& author, Context& ctx) {
    DraftMessage m;
    m.source_id = c["id"].Str();
    m.author_id = c.has("author_id") ? c["author_id"].Str() : author;
    m.message.at_ms = c.has("created_at") ? c["created_at"].Time() : at;
    m.message.author = m.author_id;
    const std::string html = c["html_body"].Str();
    std::string body = html.empty() ? c["plain_body"].Str() : html;
    if (body.empty()) body = c["body"].Str();
    m.message.text = CleanBody(body, !html.empty() || LooksLikeHtml(body));
    if (m.message.text.empty()) {  // an attachment without words, a blank comment
      ctx.LeftOut();
      return;
    }
    if (!c["public"].Bool(true)) {
      m.message.role = Role::kNote;
    } else {
      m.decide_role = true;
    }
    if (ticket.empty()) {
      orphans_.push_back(Orphan{ctx.file(), c.path(), std::move(m)});
      return;
    }
    drafts_.Get(ticket, ctx).AddMessage(std::move(m));
  }

  // A change of a ticket field, from an audit or a ticket event.
  void ReadChange(Draft& d, const std::string& field, const std::string& value, const std::string& previous, int64_t at) {
    const auto closed = [](const std::string& s) { return s == "solved" || s == "closed"; };
    if (field == "status") {
      if (closed(value) && !closed(previous)) d.AddEvent("resolved", at);
      if (closed(previous) && !closed(value)) d.AddEvent("reopened", at);
    } else if (field == "group_id" && !previous.empty() && value != previous) {
      d.AddEvent("escalated", at);  // moved to another group, e.g. tier 2
    } else if (field == "assignee_id" && !previous.empty() && value != previous) {
      d.AddEvent("reassigned", at);
    }
  }

  // An audit (GET .../audits) and an incremental ticket event hold the same
  // children under other names: comments, and changes of a field.
  void ReadAudit(const Node& a, Context& ctx) {
    ReadChildren(a["events"], "type", a["ticket_id"].Id(), a["created_at"].Time(), a["author_id"].Str(), ctx);
  }

  void ReadTicketEvent(const Node& e, Context& ctx) {
    int64_t at = e["created_at"].Time();
    if (at == 0) at = e["timestamp"].Time();
    ReadChildren(e["child_events"], "event_type", e["ticket_id"].Id(), at, e["updater_id"].Str(), ctx);
  }

  void ReadChildren(const Node& children, const char* type_key, const std::string& ticket, int64_t at,
                    const std::string& author, Context& ctx) {
    for (const Node& child : children.Items()) {
      ctx.Guard([&] {
        const std::string type = child[type_key].Str();
        if (type == "Comment") {
          ReadComment(child, ticket, at, author, ctx);
        } else if (type == "Change") {
          // {"field_name": "status", "value": ...} in audits; the field as
          // its own key ({"status": ...}) in the incremental export.
          const std::string previous = child["previous_value"].Str();
          std::vector<std::pair<std::string, std::string>> changes;  // field, value
          if (child.has("field_name")) {
            changes.emplace_back(child["field_name"].Str(), child["value"].Str());
          } else {
            for (const char* field : {"status", "group_id", "assignee_id"}) {
              if (child.has(field)) changes.emplace_back(field, child[field].Str());
            }
          }
          Draft& d = drafts_.Get(ticket, ctx);
          for (const auto& [field, value] : changes) ReadChange(d, field, value, previous, at);
        }
      });
    }
  }

  Drafts drafts_;
  std::map<std::string, TicketInfo> tickets_;
  std::map<std::string, std::string> user_roles_, user_locales_, group_names_, group_of_;
  std::map<std::string, int> ratings_;
  std::vector<Orphan> orphans_;
};

}  // namespace

std::unique_ptr<Reader> NewZendeskReader() { return std::make_unique<ZendeskReader>(); }

}  // namespace convsent::import_internal
