// Intercom: conversations updated since the cursor, by the search API
// (POST /conversations/search on updated_at, oldest first, cursor-paged
// with starting_after), then each one whole (GET /conversations/{id}, its
// parts as plain text). The cursor is the search's page cursor and the
// newest updated_at stored; a run that ends starts the next a minute before
// that (conversations updated within a second of each other are fetched
// again and replace themselves).
#include "convsent/conversation.h"
#include "sync/api.h"

namespace convsent::sync_internal {
namespace {

class IntercomPuller : public Puller {
 public:
  explicit IntercomPuller(Api* api) : api_(*api) {}

  Result<Page> Next(const nlohmann::json& cursor) override {
    const bool resumed = cursor.is_object();
    const int64_t since = resumed ? cursor.value("since", int64_t{0}) : StartSeconds(api_.source());
    std::string starting_after = resumed ? cursor.value("starting_after", "") : "";
    int64_t newest = resumed ? cursor.value("newest", since) : since;
    Page page;
    auto search = [&](const std::string& after) {
      nlohmann::json body = {
          {"query", {{"field", "updated_at"}, {"operator", ">"}, {"value", since - 1}}},
          {"pagination", {{"per_page", api_.source().page_size > 0 ? std::min(api_.source().page_size, 150) : 150}}},
          {"sort", {{"field", "updated_at"}, {"order", "ascending"}}}};
      if (!after.empty()) body["pagination"]["starting_after"] = after;
      return api_.Post("/conversations/search", body.dump());
    };
    auto r = search(starting_after);
    if (!r.ok() && !starting_after.empty() && r.status().code() == StatusCode::kInvalidArgument) {
      page.notes.push_back({"intercom", 0, "cursor",
                            "Intercom refused the page cursor (" + r.status().message() + "); starting again from " +
                                FormatTime(since * 1000)});
      starting_after.clear();
      r = search("");
    }
    if (!r.ok()) return r.status();
    ASSIGN_OR_RETURN(const nlohmann::json doc, api_.Json(*r, "/conversations/search"));
    const auto list = doc.find("conversations");
    if (list == doc.end() || !list->is_array()) {
      return Status::DataLoss("POST /conversations/search: no conversations list in the answer");
    }
    std::vector<std::string> ids;
    for (const auto& c : *list) {
      if (!c.is_object()) continue;
      ++page.listed;
      if (const auto u = c.find("updated_at"); u != c.end() && u->is_number()) newest = std::max(newest, u->get<int64_t>());
      if (const auto id = c.find("id"); id != c.end() && id->is_string()) ids.push_back(id->get<std::string>());
    }
    RETURN_IF_ERROR(api_.FetchEach(ids, "conversation", [this](const std::string& id, auto* out) -> Status {
      ASSIGN_OR_RETURN(*out, Fetch(id));
      return Status::Ok();
    }, nullptr, &page));
    std::string next;
    if (const auto& after = Member(Member(Member(doc, "pages"), "next"), "starting_after"); after.is_string()) {
      next = after.get<std::string>();
    }
    page.end = next.empty() || list->empty();
    if (page.end) {
      page.cursor = {{"since", std::max(since, newest - 60)}, {"newest", newest}};
    } else {
      page.cursor = {{"since", since}, {"starting_after", next}, {"newest", newest}};
    }
    return page;
  }

  Result<std::vector<ImportResponse>> Fetch(const std::string& id) override {
    const std::string path = "/conversations/" + UrlEncode(id);
    ASSIGN_OR_RETURN(HttpResponse c, api_.Get(path + "?display_as=plaintext"));
    return std::vector<ImportResponse>{{"intercom GET " + path, path, std::move(c.body)}};
  }

 private:
  Api& api_;
};

}  // namespace

std::unique_ptr<Puller> NewIntercomPuller(Api* api) { return std::make_unique<IntercomPuller>(api); }

}  // namespace convsent::sync_internal
