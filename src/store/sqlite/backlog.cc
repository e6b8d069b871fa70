#include <algorithm>

#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteBacklog final : public Backlog {
 public:
  SqliteBacklog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Status Enqueue(const std::vector<std::string>& conversations, int64_t at_ms) override {
    RETURN_IF_ERROR(EnsurePrepared(enqueue_, db_, "INSERT INTO backlog(conversation, added_at) VALUES(?, ?)"));
    for (const std::string& c : conversations) {
      enqueue_.Bind(1, c).Bind(2, at_ms);
      RETURN_IF_ERROR(StepDone(enqueue_, db_, path_, "adding to the backlog"));
    }
    return Status::Ok();
  }

  Result<std::vector<BacklogItem>> Claim(int limit) override {
    // The transaction holds SQLite's one write lock: no other worker can
    // take the same items, and a rollback puts them back.
    RETURN_IF_ERROR(EnsurePrepared(claim_, db_,
                                   "DELETE FROM backlog WHERE id IN (SELECT id FROM backlog ORDER BY id LIMIT ?) "
                                   "RETURNING id, conversation"));
    claim_.Bind(1, static_cast<int64_t>(limit));
    std::vector<BacklogItem> out;
    int rc;
    while ((rc = claim_.Step()) == SQLITE_ROW) out.push_back({claim_.Int(0), claim_.Text(1)});
    claim_.Reset();
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "claiming from the backlog");
    std::sort(out.begin(), out.end(), [](const BacklogItem& a, const BacklogItem& b) { return a.id < b.id; });
    return out;
  }

  Result<int64_t> Size() override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "SELECT count(*) FROM backlog"));
    if (q.Step() != SQLITE_ROW) return SqlError(db_, path_, "counting the backlog");
    return q.Int(0);
  }

 private:
  sqlite3* db_;
  std::string path_;
  Stmt enqueue_, claim_;
};

}  // namespace

std::unique_ptr<Backlog> NewBacklog(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteBacklog>(db, path);
}

}  // namespace convsent::sqlite
