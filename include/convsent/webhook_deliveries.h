// Webhook deliveries, kept in the store: the review queue's announcements
// survive a restart and are retried until delivered or given up
// (docs/server.md, "Webhooks").
//
// A record family of its own (HACKING.md): a Store hands out its
// WebhookDeliveries, which writes in the store's open transaction, so a
// delivery is recorded in the same commit as the item it announces.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_WEBHOOK_DELIVERIES_H_
#define CONVSENT_WEBHOOK_DELIVERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct WebhookDelivery {
  int64_t id = 0;
  std::string url, payload;        // payload: the JSON posted
  std::string status = "pending";  // pending, sent, failed (gave up)
  int attempts = 0;
  int64_t created_at_ms = 0;
  int64_t next_at_ms = 0;  // pending: not before then
  int64_t done_at_ms = 0;  // sent or failed: when
  std::string last_error;
};

class WebhookDeliveries {
 public:
  virtual ~WebhookDeliveries() = default;
  // Records a pending delivery; returns its id.
  virtual Result<int64_t> Add(const WebhookDelivery& d) = 0;
  // Pending deliveries, oldest first, at most `limit`.
  virtual Result<std::vector<WebhookDelivery>> Pending(int limit) = 0;
  // All, newest first, at most `limit` (docs, tests, an operator's look).
  virtual Result<std::vector<WebhookDelivery>> Recent(int limit) = 0;
  // Writes status, attempts, next_at, done_at and last_error of d.id.
  virtual Status Update(const WebhookDelivery& d) = 0;
  // Deletes deliveries finished before `before_ms`; returns how many.
  virtual Result<int64_t> Prune(int64_t before_ms) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_WEBHOOK_DELIVERIES_H_
