// Front: conversations with activity since the cursor, by the search API
// (GET /conversations/search/after:<seconds>, newest first, paged by
// _pagination.next), then each one's messages (GET /conversations/{id}/
// messages, paged the same way). Newest first means a run is only done at
// its last page: until then the cursor holds the run's next page and its
// start, so a killed run resumes where it stopped, and the next run starts
// a minute before this one started.
#include "sync/api.h"

namespace convsent::sync_internal {
namespace {

class FrontPuller : public Puller {
 public:
  explicit FrontPuller(Api* api) : api_(*api) {}

  Result<Page> Next(const nlohmann::json& cursor) override {
    const NewestFirstRun run = NewestFirstRun::From(cursor, api_.source());
    std::string next = api_.PathOn(run.next);
    const std::string first = "/conversations/search/" + UrlEncode("after:" + std::to_string(run.since)) +
                              "?limit=" + std::to_string(api_.source().page_size > 0 ? std::min(api_.source().page_size, 100) : 100);
    Page page;
    if (next.empty()) next = first;
    auto r = api_.Get(next);
    if (!r.ok() && next != first && r.status().code() == StatusCode::kInvalidArgument) {
      page.notes.push_back({"front", 0, "cursor",
                            "Front refused the page link (" + r.status().message() + "); starting the run again"});
      next = first;
      r = api_.Get(next);
    }
    if (!r.ok()) return r.status();
    ASSIGN_OR_RETURN(nlohmann::json doc, api_.Json(*r, next));
    const auto list = doc.find("_results");
    if (list == doc.end() || !list->is_array()) return Status::DataLoss("GET " + next + ": no _results in the answer");
    std::vector<std::string> ids;
    for (const auto& c : *list) {
      if (!c.is_object()) continue;
      ++page.listed;
      if (const auto id = c.find("id"); id != c.end() && id->is_string()) ids.push_back(id->get<std::string>());
    }
    const size_t before = page.notes.size();
    RETURN_IF_ERROR(api_.FetchEach(
        ids, "conversation", [this](const std::string& id, auto* out) { return Messages(id, out); }, &*list, &page));
    page.responses.insert(page.responses.begin(), {"front GET " + next, "/conversations",
                                                   page.notes.size() > before ? doc.dump() : std::move(r->body)});
    std::string more;
    if (const auto& n = Member(Member(doc, "_pagination"), "next"); n.is_string()) {
      more = n.get<std::string>();
      if (api_.PathOn(more).empty()) return Status::InvalidArgument("Front's next page is on another host: " + more);
    }
    page.end = more.empty() || list->empty();
    page.cursor = run.After(more, page.end);
    return page;
  }

  Result<std::vector<ImportResponse>> Fetch(const std::string& id) override {
    const std::string path = "/conversations/" + UrlEncode(id);
    ASSIGN_OR_RETURN(HttpResponse c, api_.Get(path));
    std::vector<ImportResponse> out{{"front GET " + path, path, std::move(c.body)}};
    RETURN_IF_ERROR(Messages(id, &out));
    return out;
  }

 private:
  // Every page of a conversation's messages.
  Status Messages(const std::string& id, std::vector<ImportResponse>* out) {
    const std::string path = "/conversations/" + UrlEncode(id) + "/messages";
    return api_.GetPages(path + "?limit=100", path, [](const nlohmann::json& j) -> std::string {
      const auto& n = Member(Member(j, "_pagination"), "next");
      return n.is_string() ? n.get<std::string>() : "";
    }, out);
  }

  Api& api_;
};

}  // namespace

std::unique_ptr<Puller> NewFrontPuller(Api* api) { return std::make_unique<FrontPuller>(api); }

}  // namespace convsent::sync_internal
