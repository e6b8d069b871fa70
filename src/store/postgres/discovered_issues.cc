#include <nlohmann/json.hpp>

#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgDiscoveredIssues final : public DiscoveredIssues {
 public:
  explicit PgDiscoveredIssues(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const DiscoveredIssueRecord& v) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("INSERT INTO discovered_issues(phrases, period, negative, lift, found_at, alert) "
                                       "VALUES($1,$2,$3,$4,$5,$6) RETURNING id",
                                       Params()
                                           .Add(nlohmann::json(v.phrases).dump())
                                           .Add(v.period)
                                           .Add(v.negative)
                                           .Add(v.lift)
                                           .Add(v.found_at_ms)
                                           .Add(v.alert),
                                       "storing a discovered issue"));
    return Int(r.get(), 0, 0);
  }

  Result<std::vector<DiscoveredIssueRecord>> List() override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT id, phrases, period, negative, lift, found_at, alert "
                                       "FROM discovered_issues ORDER BY id",
                                       Params(), "reading discovered issues"));
    std::vector<DiscoveredIssueRecord> out;
    const PGresult* q = r.get();
    for (int i = 0; i < pq::Lib().PQntuples(q); ++i) {
      DiscoveredIssueRecord v;
      v.id = Int(q, i, 0);
      const auto phrases = nlohmann::json::parse(Text(q, i, 1), nullptr, false);
      if (phrases.is_array()) {
        for (const auto& p : phrases)
          if (p.is_string()) v.phrases.push_back(p.get<std::string>());
      }
      v.period = Text(q, i, 2), v.negative = Int(q, i, 3), v.lift = Real(q, i, 4), v.found_at_ms = Int(q, i, 5);
      v.alert = Int(q, i, 6);
      out.push_back(std::move(v));
    }
    return out;
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<DiscoveredIssues> NewDiscoveredIssues(Connection* db) {
  return std::make_unique<PgDiscoveredIssues>(db);
}

}  // namespace convsent::pg
