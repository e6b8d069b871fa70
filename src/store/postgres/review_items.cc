#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

constexpr const char* kReviewItemColumns =
    "id, conversation, reason, severity, compound, status, claimed_by, label, note, created_at, claimed_at, "
    "resolved_at, claimed_key, audit";

std::vector<ReviewItem> ReadReviewItems(const PGresult* r) {
  std::vector<ReviewItem> out;
  for (int i = 0; i < pq::Lib().PQntuples(r); ++i) {
    ReviewItem v;
    v.id = Int(r, i, 0), v.conversation = Text(r, i, 1), v.reason = Text(r, i, 2), v.severity = Text(r, i, 3);
    v.compound = Real(r, i, 4), v.status = Text(r, i, 5), v.claimed_by = Text(r, i, 6), v.label = Text(r, i, 7);
    v.note = Text(r, i, 8), v.created_at_ms = Int(r, i, 9), v.claimed_at_ms = Int(r, i, 10);
    v.resolved_at_ms = Int(r, i, 11), v.claimed_key = Int(r, i, 12);
    v.audit = Int(r, i, 13) != 0;
    out.push_back(std::move(v));
  }
  return out;
}

// A flag meets an audit item, or an audit draw a flagged item: one item,
// an audit item with the flag's severity, open again if it was resolved
// (ReviewItems::Add).
constexpr const char* kMerge =
    "ON CONFLICT (conversation) DO UPDATE SET audit = 1, "
    "severity = CASE WHEN excluded.audit = 1 THEN review_queue.severity ELSE excluded.severity END, "
    "reason = CASE WHEN excluded.audit = 1 THEN review_queue.reason ELSE excluded.reason END, "
    "compound = CASE WHEN excluded.audit = 1 THEN review_queue.compound ELSE excluded.compound END, "
    "status = CASE WHEN review_queue.status = 'resolved' THEN 'open' ELSE review_queue.status END, "
    "label = CASE WHEN review_queue.status = 'resolved' THEN '' ELSE review_queue.label END, "
    "resolved_at = CASE WHEN review_queue.status = 'resolved' THEN 0 ELSE review_queue.resolved_at END, "
    "claimed_by = CASE WHEN review_queue.status = 'resolved' THEN '' ELSE review_queue.claimed_by END, "
    "claimed_key = CASE WHEN review_queue.status = 'resolved' THEN 0 ELSE review_queue.claimed_key END "
    "WHERE excluded.audit <> review_queue.audit AND (excluded.audit = 1 OR review_queue.severity = 'audit') "
    "RETURNING id";

class PgReviewItems final : public ReviewItems {
 public:
  PgReviewItems(Connection* db, const bool* in_transaction) : db_(*db), in_transaction_(*in_transaction) {}

  Result<std::optional<int64_t>> Add(const ReviewItem& v) override {
    static const std::string sql =
        std::string(
            "INSERT INTO review_queue(conversation, reason, severity, compound, status, claimed_by, label, "
            "note, created_at, claimed_at, resolved_at, claimed_key, audit) "
            "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ") +
        kMerge;
    ASSIGN_OR_RETURN(auto r, db_.Query(sql,
                                       Params()
                                           .Add(v.conversation)
                                           .Add(v.reason)
                                           .Add(v.severity)
                                           .Add(v.compound)
                                           .Add(v.status)
                                           .Add(v.claimed_by)
                                           .Add(v.label)
                                           .Add(v.note)
                                           .Add(v.created_at_ms)
                                           .Add(v.claimed_at_ms)
                                           .Add(v.resolved_at_ms)
                                           .Add(v.claimed_key)
                                           .Add(v.audit ? 1 : 0),
                                       "queueing " + v.conversation));
    if (pq::Lib().PQntuples(r.get()) == 0) return std::optional<int64_t>();
    return std::optional<int64_t>(Int(r.get(), 0, 0));
  }

  Result<std::optional<ReviewItem>> Get(int64_t id) override {
    // In a transaction the row stays locked until it ends: two servers that
    // claim the same item take turns, and the second sees it claimed.
    ASSIGN_OR_RETURN(auto r, db_.Query(std::string("SELECT ") + kReviewItemColumns + " FROM review_queue WHERE id = $1" +
                                           (in_transaction_ ? " FOR UPDATE" : ""),
                                       Params().Add(id), "reading review item " + std::to_string(id)));
    auto items = ReadReviewItems(r.get());
    if (items.empty()) return std::optional<ReviewItem>();
    return std::optional<ReviewItem>(std::move(items[0]));
  }

  Result<std::vector<ReviewItem>> List(const std::string& status, const std::string& order, int limit) override {
    // Flagged items first by severity, random audits after them.
    const std::string by = order == "age" ? "created_at, id"
                                          : "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
                                            "created_at, id";
    ASSIGN_OR_RETURN(auto r, db_.Query(std::string("SELECT ") + kReviewItemColumns +
                                           " FROM review_queue WHERE ($1::TEXT = '' OR status = $1::TEXT) ORDER BY " +
                                           by + " LIMIT $2",
                                       Params().Add(status).Add(limit), "reading the review queue"));
    return ReadReviewItems(r.get());
  }

  Status Update(const ReviewItem& v) override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query("UPDATE review_queue SET status=$2, claimed_by=$3, claimed_at=$4, resolved_at=$5, "
                               "label=$6, note=$7, claimed_key=$8 WHERE id=$1",
                               Params()
                                   .Add(v.id)
                                   .Add(v.status)
                                   .Add(v.claimed_by)
                                   .Add(v.claimed_at_ms)
                                   .Add(v.resolved_at_ms)
                                   .Add(v.label)
                                   .Add(v.note)
                                   .Add(v.claimed_key),
                               "updating review item " + std::to_string(v.id)));
    if (Changed(r.get()) == 0) {
      return Status::NotFound("no review item " + std::to_string(v.id));
    }
    return Status::Ok();
  }

 private:
  Connection& db_;
  const bool& in_transaction_;
};

}  // namespace

std::unique_ptr<ReviewItems> NewReviewItems(Connection* db, const bool* in_transaction) {
  return std::make_unique<PgReviewItems>(db, in_transaction);
}

}  // namespace convsent::pg
