// Gorgias: tickets newest change first (GET /api/tickets?order_by=
// updated_datetime:desc, cursor-paged), each fetched with its messages
// (GET /api/tickets/{id}), until a ticket older than the cursor's time.
// Newest first, as Front: a run's cursor holds its next page and its start.
#include "convsent/conversation.h"
#include "sync/api.h"

namespace convsent::sync_internal {
namespace {

class GorgiasPuller : public Puller {
 public:
  explicit GorgiasPuller(Api* api) : api_(*api) {}

  Result<Page> Next(const nlohmann::json& cursor) override {
    const NewestFirstRun run = NewestFirstRun::From(cursor, api_.source());
    const std::string& next = run.next;
    const std::string first = "/api/tickets?order_by=updated_datetime%3Adesc&limit=" +
                              std::to_string(api_.source().page_size > 0 ? std::min(api_.source().page_size, 100) : 100);
    Page page;
    std::string target = next.empty() ? first : first + "&cursor=" + UrlEncode(next);
    auto r = api_.Get(target);
    if (!r.ok() && !next.empty() && r.status().code() == StatusCode::kInvalidArgument) {
      page.notes.push_back({"gorgias", 0, "cursor", "Gorgias refused the page cursor (" + r.status().message() +
                                                        "); starting the run again"});
      target = first;
      r = api_.Get(target);
    }
    if (!r.ok()) return r.status();
    ASSIGN_OR_RETURN(const nlohmann::json doc, api_.Json(*r, target));
    const auto list = doc.find("data");
    if (list == doc.end() || !list->is_array()) return Status::DataLoss("GET " + target + ": no data list in the answer");
    std::vector<std::string> ids;
    bool older = false;  // reached what the cursor's time already covers
    for (const auto& t : *list) {
      if (!t.is_object()) continue;
      int64_t updated = 0;
      if (const auto u = t.find("updated_datetime"); u != t.end() && u->is_string()) (void)ParseTime(u->get<std::string>(), &updated);
      if (updated != 0 && updated / 1000 < run.since) {
        older = true;
        break;
      }
      ++page.listed;
      if (const auto id = t.find("id"); id != t.end() && (id->is_number_integer() || id->is_string())) {
        ids.push_back(id->is_string() ? id->get<std::string>() : std::to_string(id->get<int64_t>()));
      }
    }
    RETURN_IF_ERROR(api_.FetchEach(ids, "ticket", [this](const std::string& id, auto* out) -> Status {
      ASSIGN_OR_RETURN(*out, Fetch(id));
      return Status::Ok();
    }, nullptr, &page));
    std::string more;
    if (const auto& n = Member(Member(doc, "meta"), "next_cursor"); n.is_string()) {
      more = n.get<std::string>();
    }
    page.end = older || more.empty() || list->empty();
    page.cursor = run.After(more, page.end);
    return page;
  }

  Result<std::vector<ImportResponse>> Fetch(const std::string& id) override {
    const std::string path = "/api/tickets/" + UrlEncode(id);
    ASSIGN_OR_RETURN(HttpResponse t, api_.Get(path));
    return std::vector<ImportResponse>{{"gorgias GET " + path, path, std::move(t.body)}};
  }

 private:
  Api& api_;
};

}  // namespace

std::unique_ptr<Puller> NewGorgiasPuller(Api* api) { return std::make_unique<GorgiasPuller>(api); }

}  // namespace convsent::sync_internal
