// What happens to a stored alert after the rules raise it: delivery to the
// node owner's webhook, and a person's acknowledgement.
#include <map>

#include "convsent/tree.h"
#include "convsent/webhook.h"

namespace convsent {

Result<std::vector<AlertRecord>> DeliverAlerts(Store& store, const TreeConfig& config, std::chrono::milliseconds wait) {
  ASSIGN_OR_RETURN(const std::vector<AlertRecord> all, store.alerts().List(/*open_only=*/false));
  WebhookSender sender;
  std::map<int64_t, AlertRecord> pending;
  for (const AlertRecord& a : all) {
    if (a.delivery != "pending" || a.webhook.empty()) continue;
    sender.Send(a.id, a.webhook, AlertPayload(config, a), a.attempts);
    pending[a.id] = a;
  }
  std::vector<AlertRecord> undelivered;
  if (pending.empty()) return undelivered;
  for (const WebhookOutcome& o : sender.Wait(wait)) {
    AlertRecord& a = pending[o.id];
    a.attempts = o.attempts;
    a.last_error = o.error;
    a.delivery = o.delivered ? "sent" : o.gave_up ? "failed" : "pending";
    RETURN_IF_ERROR(store.alerts().Update(a));
    if (!o.delivered) undelivered.push_back(a);
  }
  return undelivered;
}

Status AcknowledgeAlert(Store& store, int64_t id, int64_t now_ms) {
  ASSIGN_OR_RETURN(const std::vector<AlertRecord> all, store.alerts().List(/*open_only=*/false));
  for (AlertRecord a : all) {
    if (a.id != id) continue;
    if (a.status != "open") return Status::FailedPrecondition("alert " + std::to_string(id) + " is already " + a.status);
    a.status = "acknowledged";
    a.closed_at_ms = now_ms;
    return store.alerts().Update(a);
  }
  return Status::NotFound("no alert " + std::to_string(id));
}

}  // namespace convsent
