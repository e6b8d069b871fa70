// convsent sync: conversations pulled from a help desk's API as they change,
// with no export files (docs/sync.md).
//
// Each run asks the vendor for what changed since the cursor it left in the
// store (Zendesk's cursor-based incremental ticket export and each ticket's
// comments; Intercom's conversation search on updated_at and each
// conversation; Front's conversation search on activity and each one's
// messages; Gorgias's and Zoho Desk's tickets by last change, each with its
// messages or threads), maps the responses with the readers `convsent import` uses,
// scores them and stores them. The cursor is written in the transaction
// that stores the page it covers: a sync killed at any point and started
// again loses nothing, and a conversation stored twice replaces itself.
//
// Credentials come from a file or an environment variable the config names;
// they are never printed, and are masked in every error.
#ifndef CONVSENT_SYNC_H_
#define CONVSENT_SYNC_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "convsent/http_client.h"
#include "convsent/import.h"
#include "convsent/model.h"
#include "convsent/status.h"
#include "convsent/store.h"

namespace convsent {

// One help-desk account, as sync.yaml describes it (docs/sync.md).
struct SyncSource {
  HelpDesk system = HelpDesk::kZendesk;
  std::string name;        // its cursor's name in the store; the system's name unless set
  std::string url;         // https://acme.zendesk.com; Intercom and Front have defaults
  std::string email;       // Zendesk: the agent whose API token it is (basic auth); empty: OAuth bearer token
  std::string token;       // read from token_file or token_env; never printed
  std::string webhook_secret;  // from webhook_secret_file or webhook_secret_env: signs /v1/hooks/<system>
  std::string org_id;      // Zoho Desk: the organization (its orgId header)
  int64_t start_ms = 0;    // the first run starts here; 0: 30 days before it
  double requests_per_minute = 0;  // 0: the vendor's default limit (docs/sync.md)
  int concurrency = 4;     // requests in flight at once
  int page_size = 0;       // items per page; 0: the most the vendor gives (Zendesk 1000, Intercom 150, Front 100)
  std::chrono::seconds poll{60};  // --follow: the wait between runs
  // Retries of one request (network errors, 5xx, 429) and the first wait.
  int max_attempts = 6;
  std::chrono::milliseconds first_backoff{1000};
  std::string ca_file = "/etc/ssl/certs/ca-certificates.crt";
};

// Where the server writes back (docs/sync.md, "Write-back"): a help desk
// whose block says `write_back: true`, with the API credentials to do it.
struct WriteBackTarget {
  std::string system;      // zendesk, intercom, front, chatwoot or zammad
  std::string url, email, token;
  std::string account_id;  // Chatwoot: the account the conversations are in
  std::string admin_id;    // Intercom: the teammate tags and notes are made as; Front: the comment's author (optional)
  double requests_per_minute = 60;
  std::string ca_file = "/etc/ssl/certs/ca-certificates.crt";
};

struct SyncConfig {
  std::vector<SyncSource> sources;
  // The source of `system`, or null.
  const SyncSource* Find(HelpDesk system) const;
  // serve's /v1/hooks/<name>: each system's signing secret (a source's
  // webhook_secret, or a block of only that for chatwoot, zammad, freescout).
  std::map<std::string, std::string> webhook_secrets;
  std::string public_url;  // where the vendors reach serve (Twilio signs the URL it calls)
  std::map<std::string, WriteBackTarget> write_back;  // by system: those that opted in
  int replay_window_seconds = 300;
};

// Which systems convsent sync pulls from.
bool CanSync(HelpDesk system);

// Parses sync.yaml (docs/sync.md) and reads the credentials it names.
// Errors name `source` (the file), the line and the key; a credential's
// file or variable is named, its value never.
Result<SyncConfig> ParseSyncConfig(const std::string& yaml, const std::string& source);
Result<SyncConfig> LoadSyncConfig(const std::string& path);

struct SyncProgress {
  int64_t fetched = 0, stored = 0, requests = 0;
  double seconds = 0;
};

struct SyncSummary {
  int64_t fetched = 0;   // tickets or conversations the vendor listed
  int64_t stored = 0;    // conversations scored and stored
  int64_t skipped = 0;   // listed but not stored (no message to score, malformed)
  int64_t messages = 0;
  int64_t requests = 0;
  int64_t runs = 0;      // --follow: how many polls
  std::vector<IngestError> errors;  // the first IngestSummary::kMaxErrors
  int64_t errors_total = 0;
  std::string cursor;    // where the next run starts, as stored
  std::string model;
  double seconds = 0;
};

struct SyncOptions {
  bool follow = false;  // poll again every source.poll until stop() says so
  std::function<bool()> stop;  // polled between pages and while waiting
  std::function<void(const SyncProgress&)> progress;
  std::function<void(const IngestError&)> on_error;
  // A retry or a 429 being waited out: what and how long.
  std::function<void(const std::string& why, std::chrono::milliseconds wait)> on_wait;
  int explain = 3;
};

// Pulls what changed in `source` since its cursor into `store`. Fails only
// when it cannot go on (the vendor unreachable after every retry, refused
// credentials, a store failure); what was stored before stays, with its
// cursor.
Result<SyncSummary> RunSync(const SyncSource& source, std::shared_ptr<const Model> model, Store* store,
                            const SyncOptions& options);

// What sends write-backs to one help desk (WriteBackClient; a test's fake).
class WriteBackSender {
 public:
  virtual ~WriteBackSender() = default;
  // OK once the vendor accepted it. kInvalidArgument: refused for good (a
  // 4xx); other errors may succeed later.
  virtual Status Send(const std::string& kind, const std::string& conversation, const std::string& value) = 0;
  // Whether the conversation already shows the note `value`, found by its
  // first words up to the first colon ("convsent review item 12:"): a note
  // an earlier attempt sent without its outcome being recorded (a crash, a
  // timeout after the vendor took it). One GET of the conversation's notes.
  virtual Result<bool> HasNote(const std::string& conversation, const std::string& value) = 0;
};

// Sends write-backs (convsent/write_backs.h) to one help desk: a tone tag
// (the other convsent tone tags removed, the team's own tags kept) or an
// internal note. Thread safety: Send may be called from several threads.
class WriteBackClient : public WriteBackSender {
 public:
  explicit WriteBackClient(WriteBackTarget target);
  ~WriteBackClient() override;
  Status Send(const std::string& kind, const std::string& conversation, const std::string& value) override;
  Result<bool> HasNote(const std::string& conversation, const std::string& value) override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One attempt at the due write-back `w`, by `sender` (null: its help desk is
// no longer configured, which fails it for good). A tag is sent again until
// it lands (the same tag twice is one tag). A note is sent at most once: its
// attempt is recorded with `record` before the call, and nothing is sent
// when that fails (the attempt is not counted, and it stays due); a later
// attempt first asks the help desk whether the note got there. A refusal
// (kInvalidArgument) or the eighth attempt gives up (status "failed");
// another failure makes it due again after 2 s, doubling up to 10 min.
// The outcome is recorded, timed by `now_ms()` read after the call (a call
// may wait out a timeout); `w` is left as recorded.
inline constexpr int kMaxWriteBackAttempts = 8;
void AttemptWriteBack(WriteBack* w, WriteBackSender* sender, const std::function<int64_t()>& now_ms,
                      const std::function<Status(const WriteBack&)>& record);

// Conversations fetched whole by their id (a webhook that names only the
// ticket or conversation), mapped as import maps them. One per help desk,
// shared by the threads that fetch, so that they share its rate limit and
// connections. Thread safety: Fetch may be called from several threads.
class ConversationFetcher {
 public:
  explicit ConversationFetcher(const SyncSource& source);
  ~ConversationFetcher();
  // kNotFound when the vendor has no such conversation.
  Result<std::vector<Conversation>> Fetch(const std::string& id, std::vector<IngestError>* errors);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace convsent

#endif  // CONVSENT_SYNC_H_
