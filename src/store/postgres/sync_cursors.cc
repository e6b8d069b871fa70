#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgSyncCursors final : public SyncCursors {
 public:
  explicit PgSyncCursors(Connection* db) : db_(*db) {}

  Result<std::optional<std::string>> Get(const std::string& name) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT cursor FROM sync_cursors WHERE name = $1", Params().Add(name),
                                       "reading the sync cursor of " + name));
    if (pq::Lib().PQntuples(r.get()) == 0) return std::optional<std::string>();
    return std::optional<std::string>(Text(r.get(), 0, 0));
  }

  Status Set(const std::string& name, const std::string& cursor, int64_t at_ms) override {
    return db_
        .Query("INSERT INTO sync_cursors(name, cursor, updated_at) VALUES($1,$2,$3) "
               "ON CONFLICT(name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
               Params().Add(name).Add(cursor).Add(at_ms), "storing the sync cursor of " + name)
        .status();
  }

  Result<std::vector<SyncCursorRecord>> List() override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT name, cursor, updated_at FROM sync_cursors ORDER BY name", Params(),
                                       "reading the sync cursors"));
    std::vector<SyncCursorRecord> out;
    for (int i = 0; i < pq::Lib().PQntuples(r.get()); ++i) {
      out.push_back({Text(r.get(), i, 0), Text(r.get(), i, 1), Int(r.get(), i, 2)});
    }
    return out;
  }

  Result<bool> FirstSeen(const std::string& system, const std::string& digest, int64_t expires_at_ms,
                         int64_t now_ms) override {
    RETURN_IF_ERROR(db_.Query("DELETE FROM hook_events WHERE expires_at < $1", Params().Add(now_ms),
                              "forgetting old webhook events")
                        .status());
    ASSIGN_OR_RETURN(auto r, db_.Query("INSERT INTO hook_events(system, digest, expires_at) VALUES($1,$2,$3) "
                                       "ON CONFLICT DO NOTHING RETURNING 1",
                                       Params().Add(system).Add(digest).Add(expires_at_ms), "recording a webhook event"));
    return pq::Lib().PQntuples(r.get()) > 0;
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<SyncCursors> NewSyncCursors(Connection* db) { return std::make_unique<PgSyncCursors>(db); }

}  // namespace convsent::pg
