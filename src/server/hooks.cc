// POST /v1/hooks/<system>: help desks' webhooks, signed by the vendor
// (convsent/hooks.h), into the store like posted messages; and the
// background sync of --sync.
#include <strings.h>

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
  const bool can_fetch = source != nullptr && CanSync(desk) && !source->token.empty();
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
  const FirstSeenCheck first_seen = [&](WriterContext& ctx) {
    return ctx.store().sync_cursors().FirstSeen(name, key, expires, now);
  };
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
      StoreMessage(event->conversation_id, std::move(body), res, first_seen);
      break;
    }
    case HookEvent::Kind::kFetch: {
      std::vector<IngestError> errors;
      auto fetched = FetchConversation(*source, event->conversation_id, &errors);
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
      StoreConversations(std::move(*fetched), std::move(errs), res, first_seen);
      break;
    }
    case HookEvent::Kind::kConversations:
      StoreConversations(std::move(event->conversations), json::array(), res, first_seen);
      break;
  }
  done();
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
