#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteSyncCursors final : public SyncCursors {
 public:
  SqliteSyncCursors(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<std::optional<std::string>> Get(const std::string& name) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "SELECT cursor FROM sync_cursors WHERE name = ?"));
    q.Bind(1, name);
    const int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<std::string>(q.Text(0));
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading the sync cursor of " + name);
    return std::optional<std::string>();
  }

  Status Set(const std::string& name, const std::string& cursor, int64_t at_ms) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "INSERT INTO sync_cursors(name, cursor, updated_at) VALUES(?,?,?) "
                              "ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at"));
    q.Bind(1, name).Bind(2, cursor).Bind(3, at_ms);
    return StepDone(q, db_, path_, "storing the sync cursor of " + name);
  }

  Result<std::vector<SyncCursorRecord>> List() override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "SELECT name, cursor, updated_at FROM sync_cursors ORDER BY name"));
    std::vector<SyncCursorRecord> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Text(0), q.Text(1), q.Int(2)});
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading the sync cursors");
    return out;
  }

  Result<bool> FirstSeen(const std::string& system, const std::string& digest, int64_t expires_at_ms,
                         int64_t now_ms) override {
    Stmt forget;
    RETURN_IF_ERROR(forget.Prepare(db_, "DELETE FROM hook_events WHERE expires_at < ?"));
    forget.Bind(1, now_ms);
    RETURN_IF_ERROR(StepDone(forget, db_, path_, "forgetting old webhook events"));
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "INSERT INTO hook_events(system, digest, expires_at) VALUES(?,?,?) ON CONFLICT DO NOTHING"));
    q.Bind(1, system).Bind(2, digest).Bind(3, expires_at_ms);
    RETURN_IF_ERROR(StepDone(q, db_, path_, "recording a webhook event"));
    return sqlite3_changes(db_) > 0;
  }

 private:
  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<SyncCursors> NewSyncCursors(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteSyncCursors>(db, path);
}

}  // namespace convsent::sqlite
