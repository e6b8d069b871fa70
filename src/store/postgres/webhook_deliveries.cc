#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

constexpr const char* kDeliveryColumns = "id, url, payload, status, attempts, created_at, next_at, done_at, last_error";

std::vector<WebhookDelivery> ReadDeliverys(const PGresult* r) {
  std::vector<WebhookDelivery> out;
  for (int i = 0; i < pq::Lib().PQntuples(r); ++i) {
    WebhookDelivery d;
    d.id = Int(r, i, 0), d.url = Text(r, i, 1), d.payload = Text(r, i, 2), d.status = Text(r, i, 3);
    d.attempts = static_cast<int>(Int(r, i, 4)), d.created_at_ms = Int(r, i, 5), d.next_at_ms = Int(r, i, 6);
    d.done_at_ms = Int(r, i, 7), d.last_error = Text(r, i, 8);
    out.push_back(std::move(d));
  }
  return out;
}

class PgWebhookDeliveries final : public WebhookDeliveries {
 public:
  explicit PgWebhookDeliveries(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const WebhookDelivery& d) override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query("INSERT INTO webhook_deliveries(url, payload, status, attempts, created_at, "
                               "next_at, done_at, last_error) VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                               Params()
                                   .Add(d.url)
                                   .Add(d.payload)
                                   .Add(d.status)
                                   .Add(d.attempts)
                                   .Add(d.created_at_ms)
                                   .Add(d.next_at_ms)
                                   .Add(d.done_at_ms)
                                   .Add(d.last_error),
                               "recording a webhook delivery"));
    return Int(r.get(), 0, 0);
  }

  Result<std::vector<WebhookDelivery>> Pending(int limit) override {
    ASSIGN_OR_RETURN(auto r, db_.Query(std::string("SELECT ") + kDeliveryColumns +
                                           " FROM webhook_deliveries WHERE status = 'pending' ORDER BY id LIMIT $1",
                                       Params().Add(limit), "reading the pending webhook deliveries"));
    return ReadDeliverys(r.get());
  }

  Result<std::vector<WebhookDelivery>> Recent(int limit) override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query(std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries ORDER BY id DESC LIMIT $1",
                               Params().Add(limit), "reading the webhook deliveries"));
    return ReadDeliverys(r.get());
  }

  Status Update(const WebhookDelivery& d) override {
    ASSIGN_OR_RETURN(
        auto r,
        db_.Query(
            "UPDATE webhook_deliveries SET status = $2, attempts = $3, next_at = $4, "
            "done_at = $5, last_error = $6 WHERE id = $1",
            Params().Add(d.id).Add(d.status).Add(d.attempts).Add(d.next_at_ms).Add(d.done_at_ms).Add(d.last_error),
            "updating a webhook delivery"));
    if (Changed(r.get()) == 0)
      return Status::NotFound("no webhook delivery " + std::to_string(d.id));
    return Status::Ok();
  }

  Result<int64_t> Prune(int64_t before_ms) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND done_at < $1",
                                       Params().Add(before_ms), "pruning the webhook deliveries"));
    return Changed(r.get());
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(Connection* db) {
  return std::make_unique<PgWebhookDeliveries>(db);
}

}  // namespace convsent::pg
