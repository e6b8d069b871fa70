#include "store/sqlite/families.h"

#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

constexpr const char* kApiKeyColumns = "id, name, role, prefix, hash, created_at, revoked_at";

ApiKeyRecord ReadApiKey(const Stmt& s) {
  ApiKeyRecord k;
  k.id = s.Int(0), k.name = s.Text(1), k.role = s.Text(2), k.prefix = s.Text(3), k.hash = s.Text(4);
  k.created_at_ms = s.Int(5), k.revoked_at_ms = s.Int(6);
  return k;
}

class SqliteApiKeys final : public ApiKeys {
 public:
  SqliteApiKeys(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const ApiKeyRecord& k) override {
    RETURN_IF_ERROR(EnsurePrepared(add_, db_,
                                   "INSERT INTO api_keys(name, role, prefix, hash, created_at, revoked_at) "
                                   "VALUES(?, ?, ?, ?, ?, 0)"));
    add_.Bind(1, k.name).Bind(2, k.role).Bind(3, k.prefix).Bind(4, k.hash).Bind(5, k.created_at_ms);
    RETURN_IF_ERROR(StepDone(add_, db_, path_, "storing an API key"));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<ApiKeyRecord>> List() override {
    RETURN_IF_ERROR(
        EnsurePrepared(list_, db_, (std::string("SELECT ") + kApiKeyColumns + " FROM api_keys ORDER BY id").c_str()));
    std::vector<ApiKeyRecord> out;
    int rc;
    while ((rc = list_.Step()) == SQLITE_ROW) out.push_back(ReadApiKey(list_));
    list_.Reset();
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading API keys");
    return out;
  }

  Result<std::optional<ApiKeyRecord>> Find(const std::string& hash) override {
    RETURN_IF_ERROR(EnsurePrepared(
        find_, db_, (std::string("SELECT ") + kApiKeyColumns + " FROM api_keys WHERE hash = ? AND revoked_at = 0").c_str()));
    find_.Bind(1, hash);
    std::optional<ApiKeyRecord> found;
    const int rc = find_.Step();
    if (rc == SQLITE_ROW) found = ReadApiKey(find_);
    find_.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, path_, "reading API keys");
    return found;
  }

  Status Revoke(int64_t id, int64_t at_ms) override {
    RETURN_IF_ERROR(
        EnsurePrepared(revoke_, db_, "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0"));
    revoke_.Bind(1, id).Bind(2, at_ms);
    RETURN_IF_ERROR(StepDone(revoke_, db_, path_, "revoking key " + std::to_string(id)));
    if (sqlite3_changes(db_) == 0) return Status::NotFound("no active key " + std::to_string(id));
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  std::string path_;
  Stmt add_, list_, find_, revoke_;
};

}  // namespace

std::unique_ptr<ApiKeys> NewApiKeys(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteApiKeys>(db, path);
}

}  // namespace convsent::sqlite
