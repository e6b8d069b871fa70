// The sync loop: a page of changes from the system's puller, mapped by the
// import readers, scored and stored with the cursor after it in one
// transaction; again until the vendor has nothing more, and again every
// poll with --follow.
#include <chrono>
#include <climits>
#include <future>
#include <thread>

#include "convsent/ingest.h"
#include "sync/api.h"

namespace convsent {

using sync_internal::Api;
using sync_internal::Page;
using sync_internal::Puller;

namespace {

std::unique_ptr<Puller> NewPuller(HelpDesk system, Api* api) {
  switch (system) {
    case HelpDesk::kZendesk: return sync_internal::NewZendeskPuller(api);
    case HelpDesk::kIntercom: return sync_internal::NewIntercomPuller(api);
    case HelpDesk::kFront: return sync_internal::NewFrontPuller(api);
    case HelpDesk::kGorgias: return sync_internal::NewGorgiasPuller(api);
    case HelpDesk::kZohoDesk: return sync_internal::NewZohoDeskPuller(api);
    default: return nullptr;
  }
}

// Waits `d`, or less when told to stop.
void Sleep(std::chrono::seconds d, const SyncOptions& o) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until && !(o.stop && o.stop())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

Result<SyncSummary> RunSync(const SyncSource& source, std::shared_ptr<const Model> model, Store* store,
                            const SyncOptions& options) {
  if (!CanSync(source.system)) {
    return Status::InvalidArgument(std::string(HelpDeskName(source.system)) +
                                   " has no incremental API convsent syncs from: use convsent import (docs/sync.md)");
  }
  const auto started = std::chrono::steady_clock::now();
  Api api(source, options);
  auto puller = NewPuller(source.system, &api);
  SyncSummary summary;
  summary.model = model->info().version;
  auto report = [&](IngestError e) {
    ++summary.errors_total;
    if (options.on_error) options.on_error(e);
    if (summary.errors.size() < IngestSummary::kMaxErrors) summary.errors.push_back(std::move(e));
  };
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  for (;;) {
    ++summary.runs;
    ASSIGN_OR_RETURN(std::optional<std::string> stored, store->sync_cursors().Get(source.name));
    nlohmann::json cursor = stored ? nlohmann::json::parse(*stored, nullptr, false) : nlohmann::json();
    if (cursor.is_discarded()) cursor = nullptr;  // unreadable: as a first run (what is fetched again replaces itself)
    // The next page is fetched while this one is scored and stored: the
    // network and the scorer overlap. A page fetched ahead and not stored
    // (a stop, a failure) is dropped with its cursor, so nothing is lost.
    std::future<Result<Page>> ahead = std::async(std::launch::async, [&, c = cursor] { return puller->Next(c); });
    while (!(options.stop && options.stop())) {
      auto page = ahead.get();
      summary.requests = api.requests();
      if (!page.ok()) {
        summary.seconds = seconds();
        return page.status();
      }
      if (!page->end) ahead = std::async(std::launch::async, [&, c = page->cursor] { return puller->Next(c); });
      for (auto& note : page->notes) report(std::move(note));
      ImportResult imported = ImportResponses(source.system, page->responses);
      const std::string cursor_text = page->cursor.dump();
      IngestOptions io;
      io.batch_conversations = INT_MAX;  // one transaction per page: the cursor commits with all of it
      io.threads = 2;
      io.explain = options.explain;
      io.on_error = [&](const IngestError& e) {
        if (options.on_error) options.on_error(e);
      };
      io.with_commit = [&](Store& s) { return s.sync_cursors().Set(source.name, cursor_text, NowMs()); };
      ASSIGN_OR_RETURN(IngestSummary in, IngestConversations(std::move(imported.conversations),
                                                             std::move(imported.errors), model, store, io));
      if (in.conversations == 0) {  // nothing stored: the cursor moves on alone
        RETURN_IF_ERROR(store->InTransaction([&] { return io.with_commit(*store); }));
      }
      summary.fetched += page->listed;
      summary.stored += in.conversations;
      summary.messages += in.messages;
      summary.skipped += std::max<int64_t>(0, page->listed - in.conversations);
      summary.errors_total += in.errors_total;
      for (auto& e : in.errors) {
        if (summary.errors.size() < IngestSummary::kMaxErrors) summary.errors.push_back(std::move(e));
      }
      summary.cursor = cursor_text;
      cursor = std::move(page->cursor);
      if (options.progress) options.progress({summary.fetched, summary.stored, summary.requests, seconds()});
      if (page->end) break;
    }
    if (ahead.valid()) (void)ahead.get();  // stopped with a page ahead: it is dropped
    if (!options.follow || (options.stop && options.stop())) break;
    Sleep(source.poll, options);
    if (options.stop && options.stop()) break;
  }
  summary.seconds = seconds();
  return summary;
}

// A webhook is waiting for the answer, and its vendor retries on its own:
// two attempts, not six.
struct ConversationFetcher::State {
  explicit State(const SyncSource& s) : source(Quick(s)), api(source, SyncOptions()), puller(NewPuller(s.system, &api)) {}
  static SyncSource Quick(SyncSource s) {
    s.max_attempts = std::min(s.max_attempts, 2);
    s.first_backoff = std::min(s.first_backoff, std::chrono::milliseconds(250));
    return s;
  }
  const SyncSource source;
  Api api;
  std::unique_ptr<Puller> puller;
};

ConversationFetcher::ConversationFetcher(const SyncSource& source) : state_(std::make_unique<State>(source)) {}
ConversationFetcher::~ConversationFetcher() = default;

Result<std::vector<Conversation>> ConversationFetcher::Fetch(const std::string& id, std::vector<IngestError>* errors) {
  if (state_->puller == nullptr) {
    return Status::InvalidArgument(std::string(HelpDeskName(state_->source.system)) + " cannot be fetched from");
  }
  ASSIGN_OR_RETURN(std::vector<ImportResponse> responses, state_->puller->Fetch(id));
  ImportResult imported = ImportResponses(state_->source.system, responses);
  if (errors != nullptr) {
    for (auto& e : imported.errors) errors->push_back(std::move(e));
  }
  return std::move(imported.conversations);
}

}  // namespace convsent
