// Zendesk: the cursor-based incremental ticket export
// (GET /api/v2/incremental/tickets/cursor.json), then each changed ticket's
// comments with their authors side-loaded (GET /api/v2/tickets/{id}/
// comments.json?include=users, cursor-paged). The cursor is Zendesk's
// after_cursor, and the newest updated_at seen, to start from again should
// Zendesk refuse the cursor.
#include "convsent/conversation.h"
#include "sync/api.h"

namespace convsent::sync_internal {
namespace {

class ZendeskPuller : public Puller {
 public:
  explicit ZendeskPuller(Api* api) : api_(*api) {}

  Result<Page> Next(const nlohmann::json& cursor) override {
    const std::string after = cursor.is_object() ? cursor.value("after_cursor", "") : "";
    const int64_t since = cursor.is_object() ? cursor.value("since", int64_t{0}) : StartSeconds(api_.source());
    Page page;
    const std::string base = "/api/v2/incremental/tickets/cursor.json?per_page=" +
                             std::to_string(api_.source().page_size > 0 ? std::min(api_.source().page_size, 1000) : 1000);
    std::string target = base + (after.empty() ? "&start_time=" + std::to_string(since) : "&cursor=" + UrlEncode(after));
    auto r = api_.Get(target);
    if (!r.ok() && !after.empty() && r.status().code() == StatusCode::kInvalidArgument) {
      // The cursor is no longer good (Zendesk answers 4xx): from the newest
      // change stored instead. What was stored since is fetched again and
      // replaces itself.
      page.notes.push_back({"zendesk", 0, "cursor",
                            "Zendesk refused the cursor (" + r.status().message() + "); starting again from " +
                                FormatTime(since * 1000)});
      target = base + "&start_time=" + std::to_string(since);
      r = api_.Get(target);
    }
    if (!r.ok()) return r.status();
    ASSIGN_OR_RETURN(nlohmann::json doc, api_.Json(*r, target));
    const auto tickets = doc.find("tickets");
    if (tickets == doc.end() || !tickets->is_array()) {
      return Status::DataLoss(api_.Mask("GET " + target + ": no tickets list in the answer"));
    }
    std::vector<std::string> ids;
    int64_t newest = since;
    for (const auto& t : *tickets) {
      if (!t.is_object()) continue;
      ++page.listed;
      if (const auto u = t.find("updated_at"); u != t.end() && u->is_string()) {
        int64_t ms = 0;
        if (ParseTime(u->get<std::string>(), &ms)) newest = std::max(newest, ms / 1000);
      }
      if (t.value("status", "") == "deleted") continue;
      if (const auto id = t.find("id"); id != t.end() && (id->is_number_integer() || id->is_string())) {
        ids.push_back(id->is_string() ? id->get<std::string>() : std::to_string(id->get<int64_t>()));
      }
    }
    // Each ticket's comments, on several connections at once.
    const size_t before = page.notes.size();
    RETURN_IF_ERROR(api_.FetchEach(
        ids, "ticket", [this](const std::string& id, auto* out) { return Comments(id, out); }, &*tickets, &page));
    // The export's page first: the comments join its tickets.
    page.responses.insert(page.responses.begin(), {"zendesk " + target, "/api/v2/incremental/tickets/cursor.json",
                                                   page.notes.size() > before ? doc.dump() : std::move(r->body)});
    page.end = doc.value("end_of_stream", true) || tickets->empty();
    std::string next_cursor = after;
    if (const auto a = doc.find("after_cursor"); a != doc.end() && a->is_string()) next_cursor = a->get<std::string>();
    page.cursor = {{"after_cursor", next_cursor}, {"since", newest}};
    return page;
  }

  Result<std::vector<ImportResponse>> Fetch(const std::string& id) override {
    const std::string path = "/api/v2/tickets/" + UrlEncode(id) + ".json";
    ASSIGN_OR_RETURN(HttpResponse t, api_.Get(path + "?include=users,groups"));
    std::vector<ImportResponse> out{{"zendesk GET " + path, path, std::move(t.body)}};
    RETURN_IF_ERROR(Comments(UrlEncode(id), &out));
    return out;
  }

 private:
  // Every page of a ticket's comments, their authors side-loaded.
  Status Comments(const std::string& id, std::vector<ImportResponse>* out) {
    const std::string path = "/api/v2/tickets/" + id + "/comments.json";
    return api_.GetPages(path + "?include=users&page[size]=100", path, [](const nlohmann::json& j) -> std::string {
      const auto& more = Member(Member(j, "meta"), "has_more");
      const auto& next = Member(Member(j, "links"), "next");
      return more.is_boolean() && more.get<bool>() && next.is_string() ? next.get<std::string>() : "";
    }, out);
  }

  Api& api_;
};

}  // namespace

std::unique_ptr<Puller> NewZendeskPuller(Api* api) { return std::make_unique<ZendeskPuller>(api); }

}  // namespace convsent::sync_internal
