#include "store/sqlite/families.h"

#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

constexpr const char* kReviewItemColumns =
    "id, conversation, reason, severity, compound, status, claimed_by, label, note, created_at, claimed_at, "
    "resolved_at, claimed_key, audit";

class SqliteReviewItems final : public ReviewItems {
 public:
  SqliteReviewItems(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<std::optional<int64_t>> Add(const ReviewItem& r) override {
    // A flag meets an audit item, or an audit draw a flagged item: one
    // audit item, open again if it was resolved (ReviewItems::Add).
    RETURN_IF_ERROR(EnsurePrepared(
        add_, db_,
        "INSERT INTO review_queue(conversation, reason, severity, compound, status, claimed_by, label, note, "
        "created_at, claimed_at, resolved_at, claimed_key, audit) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(conversation) DO UPDATE SET audit = 1, "
        "severity = CASE WHEN excluded.audit = 1 THEN review_queue.severity ELSE excluded.severity END, "
        "reason = CASE WHEN excluded.audit = 1 THEN review_queue.reason ELSE excluded.reason END, "
        "compound = CASE WHEN excluded.audit = 1 THEN review_queue.compound ELSE excluded.compound END, "
        "status = CASE WHEN review_queue.status = 'resolved' THEN 'open' ELSE review_queue.status END, "
        "label = CASE WHEN review_queue.status = 'resolved' THEN '' ELSE review_queue.label END, "
        "resolved_at = CASE WHEN review_queue.status = 'resolved' THEN 0 ELSE review_queue.resolved_at END, "
        "claimed_by = CASE WHEN review_queue.status = 'resolved' THEN '' ELSE review_queue.claimed_by END, "
        "claimed_key = CASE WHEN review_queue.status = 'resolved' THEN 0 ELSE review_queue.claimed_key END "
        "WHERE excluded.audit <> review_queue.audit AND (excluded.audit = 1 OR review_queue.severity = 'audit') "
        "RETURNING id"));
    add_.Bind(1, r.conversation).Bind(2, r.reason).Bind(3, r.severity).Bind(4, r.compound).Bind(5, r.status);
    add_.Bind(6, r.claimed_by).Bind(7, r.label).Bind(8, r.note).Bind(9, r.created_at_ms).Bind(10, r.claimed_at_ms);
    add_.Bind(11, r.resolved_at_ms).Bind(12, r.claimed_key).Bind(13, r.audit ? 1 : 0);
    std::optional<int64_t> id;
    int rc;
    while ((rc = add_.Step()) == SQLITE_ROW) id = add_.Int(0);
    add_.Reset();
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "queueing " + r.conversation);
    return id;
  }

  Result<std::optional<ReviewItem>> Get(int64_t id) override {
    RETURN_IF_ERROR(
        EnsurePrepared(get_, db_, (std::string("SELECT ") + kReviewItemColumns + " FROM review_queue WHERE id = ?").c_str()));
    ASSIGN_OR_RETURN(auto items, ReadReviewItem(get_.Bind(1, id), "reading review item " + std::to_string(id)));
    if (items.empty()) return std::optional<ReviewItem>();
    return std::optional<ReviewItem>(std::move(items[0]));
  }

  Result<std::vector<ReviewItem>> List(const std::string& status, const std::string& order, int limit) override {
    // Flagged items first by severity, random audits after them.
    const std::string by = order == "age" ? "created_at, id"
                                          : "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
                                            "created_at, id";
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, (std::string("SELECT ") + kReviewItemColumns +
                                    " FROM review_queue WHERE (?1 = '' OR status = ?1) ORDER BY " + by + " LIMIT ?2")
                                       .c_str()));
    return ReadReviewItem(q.Bind(1, status).Bind(2, static_cast<int64_t>(limit)), "reading the review queue");
  }

  Status Update(const ReviewItem& r) override {
    RETURN_IF_ERROR(EnsurePrepared(update_, db_,
                                   "UPDATE review_queue SET status=?2, claimed_by=?3, claimed_at=?4, resolved_at=?5, "
                                   "label=?6, note=?7, claimed_key=?8 WHERE id=?1"));
    update_.Bind(1, r.id).Bind(2, r.status).Bind(3, r.claimed_by).Bind(4, r.claimed_at_ms).Bind(5, r.resolved_at_ms);
    update_.Bind(6, r.label).Bind(7, r.note).Bind(8, r.claimed_key);
    RETURN_IF_ERROR(StepDone(update_, db_, path_, "updating review item " + std::to_string(r.id)));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no review item " + std::to_string(r.id));
    return Status::Ok();
  }

 private:
  Result<std::vector<ReviewItem>> ReadReviewItem(Stmt& q, const std::string& what) {
    std::vector<ReviewItem> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      ReviewItem r;
      r.id = q.Int(0), r.conversation = q.Text(1), r.reason = q.Text(2), r.severity = q.Text(3), r.compound = q.Real(4);
      r.status = q.Text(5), r.claimed_by = q.Text(6), r.label = q.Text(7), r.note = q.Text(8);
      r.created_at_ms = q.Int(9), r.claimed_at_ms = q.Int(10), r.resolved_at_ms = q.Int(11), r.claimed_key = q.Int(12);
      r.audit = q.Int(13) != 0;
      out.push_back(std::move(r));
    }
    q.Reset();
    if (rc != SQLITE_DONE) return SqlError(db_, path_, what);
    return out;
  }

  sqlite3* db_;
  std::string path_;
  Stmt add_, get_, update_;
};

}  // namespace

std::unique_ptr<ReviewItems> NewReviewItems(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteReviewItems>(db, path);
}

}  // namespace convsent::sqlite
