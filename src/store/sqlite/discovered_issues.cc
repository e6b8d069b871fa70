#include <nlohmann/json.hpp>

#include "store/sqlite/families.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteDiscoveredIssues final : public DiscoveredIssues {
 public:
  SqliteDiscoveredIssues(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Result<int64_t> Add(const DiscoveredIssueRecord& r) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "INSERT INTO discovered_issues(phrases, period, negative, lift, found_at, alert) "
                              "VALUES(?,?,?,?,?,?)"));
    q.Bind(1, nlohmann::json(r.phrases).dump()).Bind(2, r.period).Bind(3, r.negative).Bind(4, r.lift);
    q.Bind(5, r.found_at_ms).Bind(6, r.alert);
    RETURN_IF_ERROR(StepDone(q, db_, path_, "storing a discovered issue"));
    return sqlite3_last_insert_rowid(db_);
  }

  Result<std::vector<DiscoveredIssueRecord>> List() override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(
        db_, "SELECT id, phrases, period, negative, lift, found_at, alert FROM discovered_issues ORDER BY id"));
    std::vector<DiscoveredIssueRecord> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      DiscoveredIssueRecord r;
      r.id = q.Int(0);
      const auto phrases = nlohmann::json::parse(q.Text(1), nullptr, false);
      if (phrases.is_array()) {
        for (const auto& p : phrases)
          if (p.is_string()) r.phrases.push_back(p.get<std::string>());
      }
      r.period = q.Text(2), r.negative = q.Int(3), r.lift = q.Real(4), r.found_at_ms = q.Int(5), r.alert = q.Int(6);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading discovered issues");
    return out;
  }

 private:
  sqlite3* db_;
  std::string path_;
};

}  // namespace

std::unique_ptr<DiscoveredIssues> NewDiscoveredIssues(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteDiscoveredIssues>(db, path);
}

}  // namespace convsent::sqlite
