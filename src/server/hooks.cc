// POST /v1/hooks/<system>: help desks' webhooks, signed by the vendor
// (convsent/hooks.h), into the store like posted messages; and the
// background sync of --sync.
#include <strings.h>

#include <map>
#include <thread>

#include "convsent/hooks.h"
#include "server/server_impl.h"

namespace convsent::server {
namespace {

// How long a delivery's digest is remembered: a signed time outside the
// window is refused anyway; a vendor that signs no time redelivers for a
// day or two at most.
constexpr int64_t kUnsignedMemoryMs = int64_t{3} * 86400 * 1000;

}  // namespace

bool Server::HookBeforeTheBody(const httplib::Request& req, httplib::Response& res) {
  const bool has_body = LimitedHttpServer::HasBody(req);
  auto refuse = [&](int status, const std::string& message) {
    if (has_body) LimitedHttpServer::CloseAfterAnswer();
    Error(res, status, message);
    return false;
  };
  const std::string name = req.path.substr(std::string_view("/v1/hooks/").size());
  HookSystem system;
  if (!ParseHookSystem(name, &system)) return refuse(404, "no webhook for '" + name + "' (zendesk, intercom, front, twilio, chatwoot, zammad, freescout)");
  if (failed_auth_.Empty(req.remote_addr)) {
    res.set_header("Retry-After", "1");
    return refuse(429, "too many refused webhooks from this address");
  }
  if (auto it = o_.sync.webhook_secrets.find(name); it == o_.sync.webhook_secrets.end() || it->second.empty()) {
    (void)failed_auth_.Allow(req.remote_addr);
    return refuse(401, "no webhook secret is configured for " + name +
                           ": set webhook_secret_file in the sync config given to serve --sync-config (docs/sync.md)");
  }
  if (std::atoll(req.get_header_value("Content-Length").c_str()) > static_cast<long long>(kMaxHookBodyBytes)) {
    return refuse(413, "a webhook body is at most " + std::to_string(kMaxHookBodyBytes) + " bytes");
  }
  return true;
}

void Server::PostHook(const httplib::Request& req, httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  const std::string name = req.matches[1];
  HookSystem system;
  if (!ParseHookSystem(name, &system)) return Error(res, 404, "no webhook for '" + name + "'");
  if (req.body.size() > kMaxHookBodyBytes) return Error(res, 413, "a webhook body is at most 1 MiB");
  HookRequest hook;
  hook.body = req.body;
  hook.content_type = req.get_header_value("Content-Type");
  hook.header = [&req](const std::string& h) { return req.get_header_value(h.c_str()); };
  // Twilio signs the URL it called: the public address the config gives,
  // else the Host the request names.
  hook.url = (o_.sync.public_url.empty() ? "http://" + req.get_header_value("Host") : o_.sync.public_url) + req.target;
  const int64_t now = NowMs();
  const int64_t window = int64_t{o_.sync.replay_window_seconds} * 1000;
  const HookCheck check = VerifyHook(system, o_.sync.webhook_secrets[name], hook, now, window);
  auto done = [&] {
    metrics_.Request("hook_" + name, res.status,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  };
  if (!check.ok) {
    (void)failed_auth_.Allow(req.remote_addr);  // counts against the address, like a bad key
    Error(res, 401, "webhook refused: " + check.error);
    return done();
  }
  HelpDesk desk;
  const SyncSource* source = HookHelpDesk(system, &desk) ? o_.sync.Find(desk) : nullptr;
  const bool can_fetch = source != nullptr && CanSync(desk) && !source->token.empty() && fetchers_.count(name);
  auto event = ParseHook(system, hook, can_fetch);
  if (!event.ok()) {
    Error(res, event.status().code() == StatusCode::kFailedPrecondition ? 422 : 400, event.status().message());
    return done();
  }
  // The same delivery twice (a vendor's retry, or a replay inside the
  // window) is stored once: by the message's own id where the event has
  // one, else by the signed delivery.
  const std::string key = !event->message_key.empty() ? event->message_key : check.digest;
  const int64_t expires = check.signed_at_ms != 0 ? check.signed_at_ms + 2 * window : now + kUnsignedMemoryMs;
  HookSteps steps;
  steps.first_seen = [&](WriterContext& ctx) { return ctx.store().sync_cursors().FirstSeen(name, key, expires, now); };
  if (o_.sync.write_back.count(name)) {
    steps.stored = [this, &name](WriterContext& ctx, const ScoredConversation& sc, const json& queued) {
      return QueueWriteBack(ctx, name, sc, queued);
    };
  }
  switch (event->kind) {
    case HookEvent::Kind::kIgnore:
      Reply(res, 200, {{"ignored", event->why}});
      break;
    case HookEvent::Kind::kMessage: {
      if (Status s = CheckConversationId(event->conversation_id); !s.ok()) {
        Error(res, 400, "conversation id: " + s.message());
        break;
      }
      MessageBody body;
      body.message = std::move(event->message);
      body.header = std::move(event->header);
      body.has_header = true;
      StoreMessage(event->conversation_id, std::move(body), res, &steps);
      break;
    }
    case HookEvent::Kind::kFetch: {
      std::vector<IngestError> errors;
      auto fetched = fetchers_.at(name)->Fetch(event->conversation_id, &errors);
      if (!fetched.ok()) {
        Error(res, fetched.status().code() == StatusCode::kNotFound ? 404 : 502,
              "fetching " + event->conversation_id + " from " + name + ": " + fetched.status().message());
        break;
      }
      json errs = json::array();
      for (const auto& e : errors) errs.push_back({{"field", e.field}, {"error", e.message}});
      if (fetched->empty()) {
        Reply(res, 200, {{"stored", 0}, {"ignored", "no message to score"}, {"errors", errs}});
        break;
      }
      StoreConversations(std::move(*fetched), std::move(errs), res, &steps);
      break;
    }
    case HookEvent::Kind::kConversations:
      StoreConversations(std::move(event->conversations), json::array(), res, &steps);
      break;
  }
  done();
}

Status Server::QueueWriteBack(WriterContext& ctx, const std::string& system, const ScoredConversation& sc,
                              const json& queued) {
  const int64_t now = NowMs();
  const std::string& id = sc.conversation.id;
  WriteBacks& w = ctx.store().write_backs();
  bool added = false;
  // The customer's tone as a tag, when it is not the one last written.
  if (sc.rollup.has_customer) {
    const std::string tag = "convsent-" + std::string(SentimentName(sc.rollup.tone));
    ASSIGN_OR_RETURN(const std::string last, w.LastTag(system, id));
    if (last != tag) {
      WriteBack t;
      t.system = system, t.conversation = id, t.kind = "tag", t.value = tag;
      t.key = "tag:" + id + ":" + std::to_string(now) + ":" + tag;
      t.created_at_ms = t.next_at_ms = now;
      ASSIGN_OR_RETURN(const int64_t tid, w.Add(t));
      added = added || tid != 0;
    }
  }
  // A conversation entering the review queue: an internal note, once per
  // review item (the key), whatever the redeliveries and restarts.
  if (queued.is_object() && queued.value("severity", "") != "audit") {
    WriteBack n;
    n.system = system, n.conversation = id, n.kind = "note";
    // "convsent review item N:" first: how a retry finds whether an
    // earlier attempt's note got there (WriteBackClient::HasNote).
    n.value = "convsent review item " + std::to_string(queued.value("id", int64_t{0})) +
              ": this conversation is in the review queue (" + queued.value("severity", std::string("flagged")) +
              "): " + queued.value("reason", std::string());
    n.key = "note:" + id + ":" + std::to_string(queued.value("id", int64_t{0}));
    n.created_at_ms = n.next_at_ms = now;
    ASSIGN_OR_RETURN(const int64_t nid, w.Add(n));
    added = added || nid != 0;
  }
  if (added) {
    ctx.AfterCommit([this] {
      std::lock_guard lock(write_backs_mu_);
      write_backs_cv_.notify_all();
    });
  }
  return Status::Ok();
}

void Server::RunWriteBacks(const std::atomic<bool>& done) {
  std::map<std::string, std::unique_ptr<WriteBackClient>> clients;
  for (const auto& [system, target] : o_.sync.write_back) clients[system] = std::make_unique<WriteBackClient>(target);
  auto store = Store::Open(o_.db);
  if (!store.ok()) {
    std::fprintf(stderr, "convsent serve: write-back: %s\n", store.status().message().c_str());
    return;
  }
  while (!done.load()) {
    auto due = (*store)->write_backs().Due(NowMs(), 50);
    if (!due.ok()) std::fprintf(stderr, "convsent serve: write-back: %s\n", due.status().message().c_str());
    for (WriteBack& w : due.ok() ? *due : std::vector<WriteBack>{}) {
      if (done.load()) break;
      auto client = clients.find(w.system);
      AttemptWriteBack(&w, client == clients.end() ? nullptr : client->second.get(), NowMs, [&](const WriteBack& now) {
        const Status recorded = writer_->Submit([now](WriterContext& ctx) { return ctx.store().write_backs().Update(now); });
        if (!recorded.ok()) {
          std::fprintf(stderr, "convsent serve: recording write-back %lld: %s\n", static_cast<long long>(now.id),
                       recorded.message().c_str());
        }
        return recorded;
      });
      if (w.status == "failed") {
        std::fprintf(stderr, "convsent serve: write-back %lld to %s gave up: %s\n", static_cast<long long>(w.id),
                     w.system.c_str(), w.last_error.c_str());
      }
    }
    std::unique_lock lock(write_backs_mu_);
    write_backs_cv_.wait_for(lock, std::chrono::milliseconds(500));
  }
}

void Server::StartBackgroundSync(const std::atomic<bool>& done) {
  std::vector<std::thread> threads;
  for (const SyncSource& source : o_.sync.sources) {
    if (!CanSync(source.system) || source.token.empty()) continue;
    threads.emplace_back([this, &source, &done] {
      auto store = Store::Open(o_.db);
      if (!store.ok()) {
        std::fprintf(stderr, "convsent serve: sync %s: %s\n", source.name.c_str(), store.status().message().c_str());
        return;
      }
      SyncOptions options;
      options.follow = true;
      options.stop = [&done] { return done.load(); };
      options.on_error = [&source](const IngestError& e) {
        std::fprintf(stderr, "convsent serve: sync %s: %s: %s\n", source.name.c_str(), e.file.c_str(), e.message.c_str());
      };
      // A failure (the vendor down past every retry) waits a poll and tries again.
      while (!done.load()) {
        auto r = RunSync(source, CurrentScoring()->model, store->get(), options);
        if (r.ok() || done.load()) break;
        std::fprintf(stderr, "convsent serve: sync %s: %s\n", source.name.c_str(), r.status().message().c_str());
        for (int i = 0; i < source.poll.count() * 10 && !done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace convsent::server
