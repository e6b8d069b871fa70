#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

constexpr const char* kWriteBackColumns =
    "id, system, conversation, kind, value, key, status, attempts, created_at, next_at, done_at, last_error";

class PgWriteBacks final : public WriteBacks {
 public:
  explicit PgWriteBacks(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const WriteBack& w) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("INSERT INTO write_backs(system, conversation, kind, value, key, status, attempts, "
                                       "created_at, next_at, done_at, last_error) "
                                       "VALUES($1,$2,$3,$4,$5,'pending',0,$6,$7,0,'') ON CONFLICT(key) DO NOTHING RETURNING id",
                                       Params()
                                           .Add(w.system)
                                           .Add(w.conversation)
                                           .Add(w.kind)
                                           .Add(w.value)
                                           .Add(w.key)
                                           .Add(w.created_at_ms)
                                           .Add(w.next_at_ms),
                                       "queueing a write-back"));
    return pq::Lib().PQntuples(r.get()) > 0 ? Int(r.get(), 0, 0) : int64_t{0};
  }

  Result<std::vector<WriteBack>> Due(int64_t now_ms, int limit) override {
    return Select(std::string("SELECT ") + kWriteBackColumns +
                      " FROM write_backs WHERE status = 'pending' AND next_at <= $1 ORDER BY id LIMIT $2",
                  now_ms, limit);
  }

  Result<std::vector<WriteBack>> Recent(int limit) override {
    return Select(std::string("SELECT ") + kWriteBackColumns + " FROM write_backs WHERE $1 >= 0 ORDER BY id DESC LIMIT $2", 0,
                  limit);
  }

  Status Update(const WriteBack& w) override {
    return db_
        .Query("UPDATE write_backs SET status = $1, attempts = $2, next_at = $3, done_at = $4, last_error = $5 WHERE id = $6",
               Params().Add(w.status).Add(int64_t{w.attempts}).Add(w.next_at_ms).Add(w.done_at_ms).Add(w.last_error).Add(w.id),
               "recording a write-back")
        .status();
  }

  Result<std::string> LastTag(const std::string& system, const std::string& conversation) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT value FROM write_backs WHERE system = $1 AND conversation = $2 "
                                       "AND kind = 'tag' ORDER BY id DESC LIMIT 1",
                                       Params().Add(system).Add(conversation), "reading the last tag written back"));
    if (pq::Lib().PQntuples(r.get()) == 0) return std::string();
    return Text(r.get(), 0, 0);
  }

 private:
  Result<std::vector<WriteBack>> Select(const std::string& sql, int64_t a, int64_t b) {
    ASSIGN_OR_RETURN(auto r, db_.Query(sql, Params().Add(a).Add(b), "reading write-backs"));
    std::vector<WriteBack> out;
    const PGresult* q = r.get();
    for (int i = 0; i < pq::Lib().PQntuples(q); ++i) {
      WriteBack w;
      w.id = Int(q, i, 0), w.system = Text(q, i, 1), w.conversation = Text(q, i, 2), w.kind = Text(q, i, 3);
      w.value = Text(q, i, 4), w.key = Text(q, i, 5), w.status = Text(q, i, 6), w.attempts = static_cast<int>(Int(q, i, 7));
      w.created_at_ms = Int(q, i, 8), w.next_at_ms = Int(q, i, 9), w.done_at_ms = Int(q, i, 10), w.last_error = Text(q, i, 11);
      out.push_back(std::move(w));
    }
    return out;
  }

  Connection& db_;
};

}  // namespace

std::unique_ptr<WriteBacks> NewWriteBacks(Connection* db) { return std::make_unique<PgWriteBacks>(db); }

}  // namespace convsent::pg
