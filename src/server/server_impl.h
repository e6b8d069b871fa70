// The class behind Serve() (convsent/server.h). Its definitions are split
// by what they serve:
//   server.cc    start, stop, signals, checkpoints; access control
//   routes.cc    the route table, the dashboard's files, the reads
//   messages.cc  posted messages and conversations: scored, stored, queued
//   queue.cc     the review queue's routes and its event stream
//   notify.cc    webhooks, and announcements to the other servers of a store
// Internal to src/server.
#ifndef CONVSENT_SRC_SERVER_SERVER_IMPL_H_
#define CONVSENT_SRC_SERVER_SERVER_IMPL_H_

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <condition_variable>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "convsent/server.h"
#include "convsent/webhook.h"
#include "server/bodies.h"
#include "server/events.h"
#include "server/limited_http_server.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "store/writer.h"

namespace convsent::server {

using json = nlohmann::json;

inline std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The roles as bits, so a route names who may call it.
inline constexpr unsigned kAdmin = 1, kIngest = 2, kReviewer = 4, kViewer = 8;
unsigned RoleBit(const std::string& role);

// Who sent a request: the name and role of its API key.
struct Principal {
  std::string name, role;
  int64_t key_id = 0;
};

class Server {
 public:
  Server(const ServeOptions& o, std::shared_ptr<const Model> model, std::unique_ptr<Writer> writer, Redaction redaction)
      : o_(o),
        scoring_(std::make_shared<const Scoring>(Scoring{model, RollupOptionsFor(*model)})),
        writer_(std::move(writer)),
        redaction_(redaction) {}

  // Listens until SIGTERM or SIGINT, then drains the writer.
  Status Run();

 private:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

  // ---- server.cc -----------------------------------------------------------
  static void Reply(httplib::Response& res, int status, const json& body);
  static void Error(httplib::Response& res, int status, const std::string& message);
  static HttpLimits Limits(const ServeOptions& o);
  // Ingest runs on threads of its own, so that readers never delay it; an
  // event stream holds a thread for its life.
  static RouteClass Classify(std::string_view method, std::string_view target);
  // Checks made once the head is read and before the body is: false means
  // answered here (the body is never read). A key is needed before a body
  // is read, so that no one without one can make the server read 8 MiB.
  bool BeforeTheBody(const httplib::Request& req, httplib::Response& res);
  // The key of an Authorization header (the scheme is case-insensitive,
  // RFC 9110 11.1), or "".
  static std::string BearerToken(const httplib::Request& req);
  // A key's principal, from a cache checked against the store at most once
  // a second per key: a revoked key stops working within a second, and a
  // busy client does not cost a hash and a read per request.
  std::optional<Principal> Lookup(const std::string& key, Status* error);
  void Authorize(const httplib::Request& req, httplib::Response& res, unsigned roles, const Handler& h);
  // Registers a route that needs a key with one of `roles`.
  void Route(const char* method, const std::string& pattern, const std::string& name, unsigned roles, Handler h);
  // The per-thread connection for reads.
  Store* Reader();
  // What scores and rolls up, swapped whole when the model is reloaded
  // (SIGHUP, ReloadModel): a handler takes one and keeps it for its request.
  struct Scoring {
    std::shared_ptr<const Model> model;
    RollupOptions rollup;
  };
  std::shared_ptr<const Scoring> CurrentScoring() const { return scoring_.load(); }
  // A scorer of `model` for the calling thread.
  static Scorer& ThreadScorer(const std::shared_ptr<const Model>& model);
  // Loads serve --model's file again and makes it the model of every
  // message from now on: the log is folded under the old one first, and a
  // message scored by the old one but stored after the switch is scored
  // again (PostMessage).
  // On a shared store, a reload on SIGHUP is announced, and every other
  // server reads its own --model file again (FollowReload): only if that
  // file holds the announced version (`expect`) does it switch, and it does
  // not announce again.
  Status ReloadModel(const std::string& expect = "");

  // ---- routes.cc -----------------------------------------------------------
  void Routes();
  // The repeatable where=KEY=VALUE filter of the report and the tree.
  static bool ParseWhere(const httplib::Request& req, std::vector<std::pair<std::string, std::string>>* where);
  void GetReport(const httplib::Request& req, httplib::Response& res);

  // ---- messages.cc ---------------------------------------------------------
  void PostMessage(const httplib::Request& req, httplib::Response& res);
  void PostConversations(const httplib::Request& req, httplib::Response& res);
  // What a webhook adds to storing, in the writer's transaction.
  struct HookSteps {
    // Before anything is stored: false means the event was stored before
    // (a webhook redelivered), and nothing is.
    std::function<Result<bool>(WriterContext&)> first_seen;
    // After each conversation is stored (and queued: `queued` is its new
    // review item, or null): what is written back to the help desk.
    std::function<Status(WriterContext&, const ScoredConversation&, const json& queued)> stored;
  };
  // What PostMessage and PostConversations do once the body is read; the
  // webhooks (hooks.cc) come here too, with their steps.
  void StoreMessage(const std::string& id, MessageBody body, httplib::Response& res, const HookSteps* steps);
  void StoreConversations(std::vector<Conversation> conversations, json errors, httplib::Response& res,
                          const HookSteps* steps);

  // ---- hooks.cc ------------------------------------------------------------
  // POST /v1/hooks/<system>: the vendor's signature is the credential (no
  // API key); an event reaches the scorer, the store and the queue as a
  // posted message does (docs/sync.md).
  void PostHook(const httplib::Request& req, httplib::Response& res);
  // Before the body is read: a system known, with a secret, and a body
  // no larger than a webhook's.
  bool HookBeforeTheBody(const httplib::Request& req, httplib::Response& res);
  // --sync: one thread per help desk with a token, as sync --follow.
  void StartBackgroundSync(const std::atomic<bool>& done);
  // Queues the tone tag and the review note of a conversation stored from
  // `system`'s webhook, when the sync config opts it into write-back.
  Status QueueWriteBack(WriterContext& ctx, const std::string& system, const ScoredConversation& sc, const json& queued);
  // Sends the queued write-backs, on a thread of its own, until `done`;
  // each outcome recorded through the writer.
  void RunWriteBacks(const std::atomic<bool>& done);
  // /healthz's conversation count, read at most once a second: every load
  // balancer probes it, and so may anyone, without a key (an index count
  // is 0.09 s at 1,000,000 conversations; bench/RESULTS.md).
  Result<int64_t> HealthCount();
  std::mutex health_mu_;
  std::chrono::steady_clock::time_point health_at_{};
  int64_t health_count_ = -1;

  // One per help desk with API credentials, built before the server listens.
  std::map<std::string, std::unique_ptr<ConversationFetcher>> fetchers_;
  std::mutex write_backs_mu_;
  std::condition_variable write_backs_cv_;  // something was queued
  // Continuous audit: a new conversation drawn at random (on its id alone)
  // enters the queue as an audit item, announced on the event stream but
  // not to the webhook (it is routine work, not an alarm). A rule flagging
  // it later raises the item (ReviewItems::Add) and is announced as usual.
  Status MaybeAudit(WriterContext& ctx, const std::string& id);
  // Queues `sc` if a rule says so (on the writer thread), announcing it after commit.
  Status MaybeQueue(WriterContext& ctx, LiveConversation& live, size_t message, json* queued);

  // ---- queue.cc ------------------------------------------------------------
  void ListQueue(const httplib::Request& req, httplib::Response& res);
  void QueueAction(const httplib::Request& req, httplib::Response& res, const Principal& who);
  void QueueEvents(const httplib::Request& req, httplib::Response& res);
  static json ReviewJson(const ReviewItem& r);

  // ---- notify.cc -----------------------------------------------------------
  // Webhook deliveries live in the store: sent after the commit that
  // recorded them, each attempt's outcome written back (by the writer), and
  // those still pending when the server stopped sent again when it starts.
  // At least once: a receiver tells repeats apart by the item's id.
  Status StartWebhooks();
  static constexpr int kMaxResent = 10000;
  void SendWebhook(const WebhookDelivery& d) EXCLUDES(webhooks_mu_);
  void SendWebhookLocked(const WebhookDelivery& d) REQUIRES(webhooks_mu_);
  // Records an attempt's outcome (on a sender thread).
  void Settle(const WebhookOutcome& o);
  // Tells the other servers sharing the store (PostgreSQL) of a queue
  // event, when this transaction commits; they publish it on their streams.
  Status Announce(WriterContext& ctx, const char* type, const json& data);
  // Publishes what the other servers announce. Ends at once on a store that
  // is not shared.
  void ListenToOtherServers(const std::atomic<bool>& done);
  // Another server of the shared store reloaded its model (to `version`):
  // read this one's --model file again.
  void FollowReload(const std::string& version);

  // The key BeforeTheBody looked up for the request on this thread.
  struct CheckedKey {
    std::string key;
    std::optional<Principal> who;
  };
  static thread_local std::optional<CheckedKey> t_checked_key;

  ServeOptions o_;
  std::atomic<std::shared_ptr<const Scoring>> scoring_;
  std::unique_ptr<Writer> writer_;
  TreeConfig public_tree_;  // o_.tree without the owners' webhook URLs
  LimitedHttpServer svr_{Limits(o_), Classify};
  RateLimiter per_key_{static_cast<double>(o_.key_requests_per_second)};
  RateLimiter failed_auth_{20.0};
  EventHub events_;
  // This server among those sharing a store: its own announcements come back to it.
  const std::string origin_ = std::to_string(getpid()) + "-" + std::to_string(NowMs());
  Metrics metrics_;
  const Redaction redaction_;  // the store's: what its text is masked of
  Mutex webhooks_mu_;
  std::unique_ptr<WebhookSender> webhooks_ GUARDED_BY(webhooks_mu_);  // from StartWebhooks until the writer drains
  Mutex keys_mu_;
  std::unordered_map<std::string, std::pair<std::optional<Principal>, std::chrono::steady_clock::time_point>> keys_
      GUARDED_BY(keys_mu_);
};

}  // namespace convsent::server

#endif  // CONVSENT_SRC_SERVER_SERVER_IMPL_H_
