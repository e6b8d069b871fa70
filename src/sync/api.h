// What the pullers share: the HTTP client with the source's credentials and
// limits, the answers turned into Status (refused credentials, a missing
// item, another 4xx), parallel fetches, and the Puller interface each
// system implements (src/sync/<system>.cc). Internal to src/sync.
#ifndef CONVSENT_SRC_SYNC_API_H_
#define CONVSENT_SRC_SYNC_API_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "convsent/http_client.h"
#include "convsent/import.h"
#include "convsent/sync.h"

namespace convsent::sync_internal {

struct Page;

class Api {
 public:
  Api(const SyncSource& source, const SyncOptions& options);

  // GET or POST `target` (a path on the source's URL, or an absolute URL on
  // its origin: a vendor's "next page" link). A 2xx gives its response;
  // 401 and 403 give kFailedPrecondition naming the credentials, 404
  // kNotFound, any other status kInvalidArgument with the vendor's words.
  Result<HttpResponse> Get(const std::string& target);
  Result<HttpResponse> Post(const std::string& target, const std::string& json);
  // Parses a response body as JSON; an error names the request.
  Result<nlohmann::json> Json(const HttpResponse& r, const std::string& target);

  // Fetches each listed `ids` whole, on up to the source's concurrency
  // threads, and appends what `fetch` gave to `page` in the listing's
  // order. An id the vendor answers 404 for (deleted since it was listed)
  // becomes a note on the page, naming it as `what` ("ticket"), and leaves
  // `listed` (the listing's items, when the page imports them too): no
  // half of a deleted ticket is stored. Any other error stops the fetches
  // not yet started and is returned.
  using FetchOne = std::function<Status(const std::string& id, std::vector<ImportResponse>* out)>;
  Status FetchEach(const std::vector<std::string>& ids, const char* what, const FetchOne& fetch,
                   nlohmann::json* listed, Page* page);

  // Every page of a listing from `first` on, each answer appended to `out`
  // as `import_path` (the path the import readers know it by).
  // `next_link` reads an answer's link to the next page ("" after the
  // last); a link to another host is refused. At most 1,000 pages.
  Status GetPages(const std::string& first, const std::string& import_path,
                  const std::function<std::string(const nlohmann::json&)>& next_link, std::vector<ImportResponse>* out);

  // The path of `url` on the source's origin ("/api/v2/tickets/1.json?x"),
  // or "" when it points elsewhere: no credential leaves for another host.
  std::string PathOn(const std::string& url) const;

  const SyncSource& source() const { return source_; }
  int64_t requests() const { return requests_.load(); }
  std::string Mask(const std::string& s) const { return client_.Mask(s); }

 private:
  Result<HttpResponse> Send(HttpRequest request, const std::string& target);

  const SyncSource& source_;
  std::vector<std::pair<std::string, std::string>> headers_;
  HttpClient client_;
  std::atomic<int64_t> requests_{0};
};

// One page of changes: the responses to import, and the cursor after them.
struct Page {
  std::vector<ImportResponse> responses;
  nlohmann::json cursor;
  bool end = false;     // nothing more changed for now
  int64_t listed = 0;   // tickets or conversations the vendor listed
  std::vector<IngestError> notes;  // what went wrong but did not stop the page (a ticket gone meanwhile)
};

class Puller {
 public:
  virtual ~Puller() = default;
  // The page after `cursor` (null: the first run, from the source's start).
  virtual Result<Page> Next(const nlohmann::json& cursor) = 0;
  // One conversation whole, by its id: the responses to import.
  virtual Result<std::vector<ImportResponse>> Fetch(const std::string& id) = 0;
};

// A run over a listing that is newest first (Front, Gorgias): it is only
// done at its last page, so until then the cursor holds the run's next page
// and when it started; a finished run's successor starts a minute before
// this one started.
struct NewestFirstRun {
  int64_t since = 0;        // seconds: what is older was stored by an earlier run
  int64_t run_started = 0;  // seconds
  std::string next;         // the next page's link or cursor; "" at a run's start
  static NewestFirstRun From(const nlohmann::json& cursor, const SyncSource& source);
  // The cursor after a page whose next is `more` ("" or `end`: the last).
  nlohmann::json After(const std::string& more, bool end) const;
};

std::unique_ptr<Puller> NewZendeskPuller(Api* api);
std::unique_ptr<Puller> NewIntercomPuller(Api* api);
std::unique_ptr<Puller> NewFrontPuller(Api* api);
std::unique_ptr<Puller> NewGorgiasPuller(Api* api);
std::unique_ptr<Puller> NewZohoDeskPuller(Api* api);

// obj[key] when `obj` is an object that has it, else null: a const json's
// operator[] on a missing key is undefined behaviour, and vendors leave
// keys out.
const nlohmann::json& Member(const nlohmann::json& obj, const char* key);

// The first run's start, in seconds: the source's, else 30 days ago.
int64_t StartSeconds(const SyncSource& source);

}  // namespace convsent::sync_internal

#endif  // CONVSENT_SRC_SYNC_API_H_
