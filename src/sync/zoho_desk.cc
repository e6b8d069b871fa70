// Zoho Desk: tickets newest change first (GET /api/v1/tickets?sortBy=
// -modifiedTime, paged by offset), until a ticket older than the cursor's
// time; each ticket's threads listed (GET .../threads) and each fetched
// whole (GET .../threads/{id}), since a thread list carries only the first
// couple of hundred characters of each. Newest first, as Front.
#include "convsent/conversation.h"
#include "sync/api.h"

namespace convsent::sync_internal {
namespace {

class ZohoDeskPuller : public Puller {
 public:
  explicit ZohoDeskPuller(Api* api) : api_(*api) {}

  Result<Page> Next(const nlohmann::json& cursor) override {
    const NewestFirstRun run = NewestFirstRun::From(cursor, api_.source());
    const int limit = api_.source().page_size > 0 ? std::min(api_.source().page_size, 100) : 100;
    const int64_t from = run.next.empty() ? 0 : std::atoll(run.next.c_str());
    const std::string target = "/api/v1/tickets?sortBy=-modifiedTime&limit=" + std::to_string(limit) +
                               "&from=" + std::to_string(from);
    ASSIGN_OR_RETURN(HttpResponse r, api_.Get(target));
    Page page;
    // No ticket changed: Zoho answers 204 with no body.
    const nlohmann::json doc = r.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.body, nullptr, false);
    if (!doc.is_object()) return Status::DataLoss("GET " + target + ": the answer is not a JSON object");
    const nlohmann::json list = doc.contains("data") && doc["data"].is_array() ? doc["data"] : nlohmann::json::array();
    nlohmann::json newer = nlohmann::json::array();
    std::vector<std::string> ids;
    bool older = false;
    for (const auto& t : list) {
      if (!t.is_object()) continue;
      int64_t modified = 0;
      if (t.contains("modifiedTime") && t["modifiedTime"].is_string()) (void)ParseTime(t["modifiedTime"].get<std::string>(), &modified);
      if (modified != 0 && modified / 1000 < run.since) {
        older = true;
        break;
      }
      ++page.listed;
      newer.push_back(t);
      if (t.contains("id") && t["id"].is_string()) ids.push_back(t["id"].get<std::string>());
    }
    RETURN_IF_ERROR(api_.FetchEach(
        ids, "ticket", [this](const std::string& id, auto* out) { return Threads(id, out); }, &newer, &page));
    // The tickets of the page, first (a list item is a whole ticket to the reader).
    page.responses.insert(page.responses.begin(),
                          {"zoho-desk GET " + target, "/api/v1/tickets", nlohmann::json({{"data", newer}}).dump()});
    const bool full = static_cast<int>(list.size()) == limit;
    page.end = older || !full;
    page.cursor = run.After(page.end ? "" : std::to_string(from + limit), page.end);
    return page;
  }

  Result<std::vector<ImportResponse>> Fetch(const std::string& id) override {
    const std::string path = "/api/v1/tickets/" + UrlEncode(id);
    ASSIGN_OR_RETURN(HttpResponse t, api_.Get(path));
    std::vector<ImportResponse> out{{"zoho-desk GET " + path, path, std::move(t.body)}};
    RETURN_IF_ERROR(Threads(UrlEncode(id), &out));
    return out;
  }

 private:
  // Each thread of a ticket, whole.
  Status Threads(const std::string& id, std::vector<ImportResponse>* out) {
    const std::string path = "/api/v1/tickets/" + id + "/threads";
    ASSIGN_OR_RETURN(HttpResponse list, api_.Get(path + "?limit=200"));
    const nlohmann::json j = list.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(list.body, nullptr, false);
    if (!j.is_object()) return Status::DataLoss("GET " + path + ": the answer is not a JSON object");
    if (!j.contains("data") || !j["data"].is_array()) return Status::Ok();
    for (const auto& t : j["data"]) {
      if (!t.is_object() || !t.contains("id") || !t["id"].is_string()) continue;
      const std::string one = path + "/" + UrlEncode(t["id"].get<std::string>());
      auto whole = api_.Get(one);
      if (!whole.ok() && whole.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
      if (!whole.ok()) return whole.status();
      out->push_back({"zoho-desk GET " + one, one, std::move(whole->body)});
    }
    return Status::Ok();
  }

  Api& api_;
};

}  // namespace

std::unique_ptr<Puller> NewZohoDeskPuller(Api* api) { return std::make_unique<ZohoDeskPuller>(api); }

}  // namespace convsent::sync_internal
