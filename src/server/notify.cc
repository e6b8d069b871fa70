// What the server tells others: the review queue's webhook deliveries, and
// queue events announced to (and heard from) the other servers of a
// shared store.
#include <algorithm>
#include <cstdio>

#include "server/server_impl.h"

namespace convsent::server {

Status Server::StartWebhooks() {
  WebhookOptions w;
  w.allowed_hosts = o_.webhook_allowed_hosts;
  w.on_attempt = [this](const WebhookOutcome& o) { Settle(o); };
  std::vector<WebhookDelivery> pending;
  RETURN_IF_ERROR(writer_->Submit([&pending](WriterContext& ctx) -> Status {
    // Finished deliveries are kept a week, for a look at what was sent.
    RETURN_IF_ERROR(ctx.store().webhook_deliveries().Prune(NowMs() - 7 * 24 * 3600 * 1000LL).status());
    ASSIGN_OR_RETURN(pending, ctx.store().webhook_deliveries().Pending(kMaxResent));
    return Status::Ok();
  }));
  MutexLock lock(webhooks_mu_);
  webhooks_ = std::make_unique<WebhookSender>(std::move(w));
  for (const WebhookDelivery& d : pending) SendWebhookLocked(d);
  if (!pending.empty())
    std::fprintf(stderr, "convsent serve: resending %zu pending webhook deliveries\n", pending.size());
  return Status::Ok();
}

void Server::SendWebhook(const WebhookDelivery& d) {
  MutexLock lock(webhooks_mu_);
  SendWebhookLocked(d);
}

void Server::SendWebhookLocked(const WebhookDelivery& d) {
  if (webhooks_ == nullptr) return;  // stopping: it stays pending, sent at the next start
  const int64_t wait = std::max<int64_t>(0, d.next_at_ms - NowMs());
  webhooks_->Send(d.id, d.url, d.payload, d.attempts, std::chrono::milliseconds(wait));
}

void Server::Settle(const WebhookOutcome& o) {
  WebhookDelivery d;
  d.id = o.id, d.attempts = o.attempts, d.last_error = o.error;
  d.status = o.delivered ? "sent" : o.gave_up ? "failed" : "pending";
  const int64_t now = NowMs();
  d.next_at_ms = d.status == "pending" ? now + o.retry_in.count() : 0;
  d.done_at_ms = d.status == "pending" ? 0 : now;
  if (o.gave_up) {
    std::fprintf(stderr, "convsent serve: webhook delivery %lld gave up after %d attempts: %s\n",
                 static_cast<long long>(o.id), o.attempts, o.error.c_str());
  }
  const Status s = writer_->Submit([d](WriterContext& ctx) { return ctx.store().webhook_deliveries().Update(d); });
  if (!s.ok())
    std::fprintf(stderr, "convsent serve: recording webhook delivery %lld: %s\n", static_cast<long long>(o.id),
                 s.message().c_str());
}

Status Server::Announce(WriterContext& ctx, const char* type, const json& data) {
  Announcements* others = ctx.store().announcements();
  if (others == nullptr) return Status::Ok();  // no other server shares the store
  return others->Announce(Dump({{"origin", origin_}, {"type", type}, {"data", data}}));
}

void Server::ListenToOtherServers(const std::atomic<bool>& done) {
  auto store = Store::Open(o_.db);
  if (!store.ok()) return;
  while (!done.load()) {
    Announcements* others = (*store)->announcements();
    if (others == nullptr) return;
    auto got = others->Await(500);
    if (!got.ok()) return;
    for (const std::string& payload : *got) {
      const json a = json::parse(payload, nullptr, false);
      if (!a.is_object() || !a.contains("origin") || a["origin"] == origin_ || !a["type"].is_string()) continue;
      if (a["type"] == "model") {
        FollowReload(a["data"].value("version", ""));
        continue;
      }
      events_.Publish(a["type"].get<std::string>(), Dump(a["data"]));
    }
  }
}

void Server::FollowReload(const std::string& version) {
  const std::string before = CurrentScoring()->model->info().version;
  if (version == before) return;  // already scoring with it
  if (o_.model_path.empty()) {
    std::fprintf(stderr,
                 "convsent serve: another server switched to model %s; this one scores with the embedded model "
                 "and has no file to read again (serve --model FILE)\n",
                 version.c_str());
    return;
  }
  if (Status s = ReloadModel(version); !s.ok()) {
    std::fprintf(stderr, "convsent serve: another server switched to model %s; not reloaded here: %s\n",
                 version.c_str(), s.ToString().c_str());
    return;
  }
  std::fprintf(stderr, "convsent serve: model %s -> %s, as another server announced\n", before.c_str(),
               version.c_str());
}

}  // namespace convsent::server
