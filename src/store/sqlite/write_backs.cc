#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

constexpr const char* kWriteBackColumns =
    "id, system, conversation, kind, value, key, status, attempts, created_at, next_at, done_at, last_error";

WriteBack WriteBackRow(Stmt& q) {
  WriteBack w;
  w.id = q.Int(0), w.system = q.Text(1), w.conversation = q.Text(2), w.kind = q.Text(3), w.value = q.Text(4);
  w.key = q.Text(5), w.status = q.Text(6), w.attempts = static_cast<int>(q.Int(7)), w.created_at_ms = q.Int(8);
  w.next_at_ms = q.Int(9), w.done_at_ms = q.Int(10), w.last_error = q.Text(11);
  return w;
}

class SqliteWriteBacks final : public WriteBacks {
 public:
  SqliteWriteBacks(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const WriteBack& w) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "INSERT INTO write_backs(system, conversation, kind, value, key, status, attempts, "
                              "created_at, next_at, done_at, last_error) VALUES(?,?,?,?,?,'pending',0,?,?,0,'') "
                              "ON CONFLICT(key) DO NOTHING"));
    q.Bind(1, w.system).Bind(2, w.conversation).Bind(3, w.kind).Bind(4, w.value).Bind(5, w.key);
    q.Bind(6, w.created_at_ms).Bind(7, w.next_at_ms);
    RETURN_IF_ERROR(StepDone(q, db_, path_, "queueing a write-back"));
    return sqlite3_changes(db_) > 0 ? sqlite3_last_insert_rowid(db_) : int64_t{0};
  }

  Result<std::vector<WriteBack>> Due(int64_t now_ms, int limit) override {
    return Select(std::string("SELECT ") + kWriteBackColumns +
                      " FROM write_backs WHERE status = 'pending' AND next_at <= ? ORDER BY id LIMIT ?",
                  now_ms, limit);
  }

  Result<std::vector<WriteBack>> Recent(int limit) override {
    return Select(std::string("SELECT ") + kWriteBackColumns + " FROM write_backs WHERE ? >= 0 ORDER BY id DESC LIMIT ?", 0,
                  limit);
  }

  Status Update(const WriteBack& w) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(
        db_, "UPDATE write_backs SET status = ?, attempts = ?, next_at = ?, done_at = ?, last_error = ? WHERE id = ?"));
    q.Bind(1, w.status).Bind(2, int64_t{w.attempts}).Bind(3, w.next_at_ms).Bind(4, w.done_at_ms).Bind(5, w.last_error);
    q.Bind(6, w.id);
    return StepDone(q, db_, path_, "recording a write-back");
  }

  Result<std::string> LastTag(const std::string& system, const std::string& conversation) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "SELECT value FROM write_backs WHERE system = ? AND conversation = ? AND kind = 'tag' "
                              "ORDER BY id DESC LIMIT 1"));
    q.Bind(1, system).Bind(2, conversation);
    const int rc = q.Step();
    if (rc == SQLITE_ROW) return q.Text(0);
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading the last tag written back");
    return std::string();
  }

 private:
  Result<std::vector<WriteBack>> Select(const std::string& sql, int64_t a, int64_t b) {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, sql.c_str()));
    q.Bind(1, a).Bind(2, b);
    std::vector<WriteBack> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(WriteBackRow(q));
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading write-backs");
    return out;
  }

  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<WriteBacks> NewWriteBacks(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteWriteBacks>(db, path);
}

}  // namespace convsent::sqlite
