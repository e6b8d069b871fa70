#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteAlerts final : public Alerts {
 public:
  SqliteAlerts(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const AlertRecord& a) override {
    RETURN_IF_ERROR(EnsurePrepared(add_, db_,
                                   "INSERT INTO alerts(node, kind, period, before, after, p, owner, webhook, message, "
                                   "status, created_at, closed_at, delivery, attempts, last_error) "
                                   "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    add_.Bind(1, a.node).Bind(2, a.kind).Bind(3, a.period).Bind(4, a.before).Bind(5, a.after).Bind(6, a.p);
    add_.Bind(7, a.owner).Bind(8, a.webhook).Bind(9, a.message).Bind(10, a.status).Bind(11, a.created_at_ms);
    add_.Bind(12, a.closed_at_ms).Bind(13, a.delivery).Bind(14, a.attempts).Bind(15, a.last_error);
    RETURN_IF_ERROR(StepDone(add_, db_, path_, "storing an alert"));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<AlertRecord>> List(bool open_only) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, open_only ? "SELECT * FROM alerts WHERE status = 'open' ORDER BY id"
                                             : "SELECT * FROM alerts ORDER BY id"));
    std::vector<AlertRecord> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      AlertRecord a;
      a.id = q.Int(0), a.node = q.Text(1), a.kind = q.Text(2), a.period = q.Text(3);
      a.before = q.Real(4), a.after = q.Real(5), a.p = q.Real(6), a.owner = q.Text(7), a.webhook = q.Text(8);
      a.message = q.Text(9), a.status = q.Text(10), a.created_at_ms = q.Int(11), a.closed_at_ms = q.Int(12);
      a.delivery = q.Text(13), a.attempts = static_cast<int>(q.Int(14)), a.last_error = q.Text(15);
      out.push_back(std::move(a));
    }
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading alerts");
    return out;
  }

  Status Update(const AlertRecord& a) override {
    RETURN_IF_ERROR(EnsurePrepared(update_, db_,
                                   "UPDATE alerts SET status=?2, closed_at=?3, delivery=?4, attempts=?5, "
                                   "last_error=?6 WHERE id=?1"));
    update_.Bind(1, a.id).Bind(2, a.status).Bind(3, a.closed_at_ms).Bind(4, a.delivery).Bind(5, a.attempts);
    update_.Bind(6, a.last_error);
    RETURN_IF_ERROR(StepDone(update_, db_, path_, "updating alert " + std::to_string(a.id)));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no alert " + std::to_string(a.id));
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  std::string path_;
  Stmt add_, update_;
};

}  // namespace

std::unique_ptr<Alerts> NewAlerts(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteAlerts>(db, path);
}

}  // namespace convsent::sqlite
