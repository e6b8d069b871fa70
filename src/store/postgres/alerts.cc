#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgAlerts final : public Alerts {
 public:
  explicit PgAlerts(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const AlertRecord& a) override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query("INSERT INTO alerts(node, kind, period, \"before\", \"after\", p, owner, webhook, "
                               "message, status, created_at, closed_at, delivery, attempts, last_error) "
                               "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) RETURNING id",
                               Params()
                                   .Add(a.node)
                                   .Add(a.kind)
                                   .Add(a.period)
                                   .Add(a.before)
                                   .Add(a.after)
                                   .Add(a.p)
                                   .Add(a.owner)
                                   .Add(a.webhook)
                                   .Add(a.message)
                                   .Add(a.status)
                                   .Add(a.created_at_ms)
                                   .Add(a.closed_at_ms)
                                   .Add(a.delivery)
                                   .Add(a.attempts)
                                   .Add(a.last_error),
                               "storing an alert"));
    return Int(r.get(), 0, 0);
  }

  Result<std::vector<AlertRecord>> List(bool open_only) override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query(std::string("SELECT id, node, kind, period, \"before\", \"after\", p, owner, "
                                           "webhook, message, status, created_at, closed_at, delivery, attempts, "
                                           "last_error FROM alerts") +
                                   (open_only ? " WHERE status = 'open'" : "") + " ORDER BY id",
                               Params(), "reading alerts"));
    std::vector<AlertRecord> out;
    const PGresult* q = r.get();
    for (int i = 0; i < pq::Lib().PQntuples(q); ++i) {
      AlertRecord a;
      a.id = Int(q, i, 0), a.node = Text(q, i, 1), a.kind = Text(q, i, 2), a.period = Text(q, i, 3);
      a.before = Real(q, i, 4), a.after = Real(q, i, 5), a.p = Real(q, i, 6), a.owner = Text(q, i, 7);
      a.webhook = Text(q, i, 8), a.message = Text(q, i, 9), a.status = Text(q, i, 10);
      a.created_at_ms = Int(q, i, 11), a.closed_at_ms = Int(q, i, 12), a.delivery = Text(q, i, 13);
      a.attempts = static_cast<int>(Int(q, i, 14)), a.last_error = Text(q, i, 15);
      out.push_back(std::move(a));
    }
    return out;
  }

  Status Update(const AlertRecord& a) override {
    ASSIGN_OR_RETURN(
        auto r,
        db_.Query(
            "UPDATE alerts SET status=$2, closed_at=$3, delivery=$4, attempts=$5, "
            "last_error=$6 WHERE id=$1",
            Params().Add(a.id).Add(a.status).Add(a.closed_at_ms).Add(a.delivery).Add(a.attempts).Add(a.last_error),
            "updating alert " + std::to_string(a.id)));
    if (Changed(r.get()) == 0) return Status::NotFound("no alert " + std::to_string(a.id));
    return Status::Ok();
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<Alerts> NewAlerts(Connection* db) {
  return std::make_unique<PgAlerts>(db);
}

}  // namespace convsent::pg
