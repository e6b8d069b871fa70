#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

constexpr const char* kApiKeyColumns = "id, name, role, prefix, hash, created_at, revoked_at";

ApiKeyRecord ReadApiKey(const PGresult* r, int i) {
  ApiKeyRecord k;
  k.id = Int(r, i, 0), k.name = Text(r, i, 1), k.role = Text(r, i, 2), k.prefix = Text(r, i, 3);
  k.hash = Text(r, i, 4), k.created_at_ms = Int(r, i, 5), k.revoked_at_ms = Int(r, i, 6);
  return k;
}

class PgApiKeys final : public ApiKeys {
 public:
  explicit PgApiKeys(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const ApiKeyRecord& k) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("INSERT INTO api_keys(name, role, prefix, hash, created_at, revoked_at) "
                                       "VALUES($1, $2, $3, $4, $5, 0) RETURNING id",
                                       Params().Add(k.name).Add(k.role).Add(k.prefix).Add(k.hash).Add(k.created_at_ms),
                                       "storing an API key"));
    return Int(r.get(), 0, 0);
  }

  Result<std::vector<ApiKeyRecord>> List() override {
    ASSIGN_OR_RETURN(auto r, db_.Query(std::string("SELECT ") + kApiKeyColumns + " FROM api_keys ORDER BY id", Params(),
                                       "reading API keys"));
    std::vector<ApiKeyRecord> out;
    for (int i = 0; i < pq::Lib().PQntuples(r.get()); ++i) out.push_back(ReadApiKey(r.get(), i));
    return out;
  }

  Result<std::optional<ApiKeyRecord>> Find(const std::string& hash) override {
    // Prepared when the connection opens (pg_store.cc): every request asks.
    ASSIGN_OR_RETURN(auto r, db_.Run("find_key", Params().Add(hash), "reading API keys"));
    if (pq::Lib().PQntuples(r.get()) == 0) return std::optional<ApiKeyRecord>();
    return std::optional<ApiKeyRecord>(ReadApiKey(r.get(), 0));
  }

  Status Revoke(int64_t id, int64_t at_ms) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
                                       Params().Add(id).Add(at_ms), "revoking key " + std::to_string(id)));
    if (Changed(r.get()) == 0) return Status::NotFound("no active key " + std::to_string(id));
    return Status::Ok();
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<ApiKeys> NewApiKeys(Connection* db) {
  return std::make_unique<PgApiKeys>(db);
}

}  // namespace convsent::pg
