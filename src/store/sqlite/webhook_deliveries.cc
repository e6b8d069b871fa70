#include "store/sqlite/families.h"

#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

constexpr const char* kDeliveryColumns = "id, url, payload, status, attempts, created_at, next_at, done_at, last_error";

WebhookDelivery ReadDelivery(const Stmt& s) {
  WebhookDelivery d;
  d.id = s.Int(0), d.url = s.Text(1), d.payload = s.Text(2), d.status = s.Text(3);
  d.attempts = static_cast<int>(s.Int(4)), d.created_at_ms = s.Int(5), d.next_at_ms = s.Int(6);
  d.done_at_ms = s.Int(7), d.last_error = s.Text(8);
  return d;
}

class SqliteWebhookDeliveries final : public WebhookDeliveries {
 public:
  SqliteWebhookDeliveries(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const WebhookDelivery& d) override {
    RETURN_IF_ERROR(
        EnsurePrepared(add_, db_,
                       "INSERT INTO webhook_deliveries(url, payload, status, attempts, created_at, next_at, "
                       "done_at, last_error) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
    add_.Bind(1, d.url).Bind(2, d.payload).Bind(3, d.status).Bind(4, d.attempts).Bind(5, d.created_at_ms);
    add_.Bind(6, d.next_at_ms).Bind(7, d.done_at_ms).Bind(8, d.last_error);
    RETURN_IF_ERROR(StepDone(add_, db_, path_, "recording a webhook delivery"));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<WebhookDelivery>> Pending(int limit) override {
    RETURN_IF_ERROR(EnsurePrepared(
        pending_, db_,
        (std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries WHERE status = 'pending' ORDER BY id LIMIT ?")
            .c_str()));
    return List(pending_.Bind(1, limit), "reading the pending webhook deliveries");
  }

  Result<std::vector<WebhookDelivery>> Recent(int limit) override {
    RETURN_IF_ERROR(EnsurePrepared(
        recent_, db_,
        (std::string("SELECT ") + kDeliveryColumns + " FROM webhook_deliveries ORDER BY id DESC LIMIT ?").c_str()));
    return List(recent_.Bind(1, limit), "reading the webhook deliveries");
  }

  Status Update(const WebhookDelivery& d) override {
    RETURN_IF_ERROR(EnsurePrepared(update_, db_,
                                   "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, next_at = ?4, "
                                   "done_at = ?5, last_error = ?6 WHERE id = ?1"));
    update_.Bind(1, d.id).Bind(2, d.status).Bind(3, d.attempts).Bind(4, d.next_at_ms).Bind(5, d.done_at_ms);
    update_.Bind(6, d.last_error);
    RETURN_IF_ERROR(StepDone(update_, db_, path_, "updating a webhook delivery"));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no webhook delivery " + std::to_string(d.id));
    return Status::Ok();
  }

  Result<int64_t> Prune(int64_t before_ms) override {
    RETURN_IF_ERROR(
        EnsurePrepared(prune_, db_, "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND done_at < ?"));
    RETURN_IF_ERROR(StepDone(prune_.Bind(1, before_ms), db_, path_, "pruning the webhook deliveries"));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

 private:
  Result<std::vector<WebhookDelivery>> List(Stmt& s, const char* what) {
    std::vector<WebhookDelivery> out;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) out.push_back(ReadDelivery(s));
    s.Reset();
    if (rc != SQLITE_DONE) return SqlError(db_, path_, what);
    return out;
  }

  sqlite3* db_;
  std::string path_;
  Stmt add_, pending_, recent_, update_, prune_;
};

}  // namespace

std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteWebhookDeliveries>(db, path);
}

}  // namespace convsent::sqlite
