#include "store/codec.h"
#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteInterventions final : public Interventions {
 public:
  SqliteInterventions(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const InterventionRecord& r) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "INSERT INTO interventions(node, at, owner, note, segment, added_at) "
                              "VALUES(?,?,?,?,?,?)"));
    q.Bind(1, r.node).Bind(2, r.at_ms).Bind(3, r.owner).Bind(4, r.note);
    q.Bind(5, store::EncodeInterventionSegment(r.segment)).Bind(6, r.added_at_ms);
    RETURN_IF_ERROR(StepDone(q, db_, path_, "storing an intervention"));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<InterventionRecord>> List() override {
    Stmt q;
    RETURN_IF_ERROR(
        q.Prepare(db_, "SELECT id, node, at, owner, note, segment, added_at FROM interventions ORDER BY id"));
    std::vector<InterventionRecord> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      InterventionRecord r;
      r.id = q.Int(0), r.node = q.Text(1), r.at_ms = q.Int(2), r.owner = q.Text(3), r.note = q.Text(4);
      r.segment = store::DecodeInterventionSegment(q.Text(5));
      r.added_at_ms = q.Int(6);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading interventions");
    return out;
  }

 private:
  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<Interventions> NewInterventions(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteInterventions>(db, path);
}

}  // namespace convsent::sqlite
