#include <algorithm>

#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgBacklog final : public Backlog {
 public:
  explicit PgBacklog(Connection* db) : db_(*db) {}

  Status Enqueue(const std::vector<std::string>& conversations, int64_t at_ms) override {
    if (conversations.empty()) return Status::Ok();
    // COPY: one round trip for the whole batch.
    std::string rows;
    const std::string at = "\t" + std::to_string(at_ms) + "\n";
    for (const std::string& c : conversations) {
      AppendCopyText(c, &rows);
      rows += at;
    }
    return db_.CopyIn("backlog(conversation, added_at)", rows, "adding to the backlog");
  }

  Result<std::vector<BacklogItem>> Claim(int limit) override {
    // SKIP LOCKED: workers claiming at the same time take different items;
    // the rows stay locked (invisible to the others) until this
    // transaction ends, and a rollback or a dead connection releases them.
    ASSIGN_OR_RETURN(auto r, db_.Query("DELETE FROM backlog WHERE id IN (SELECT id FROM backlog ORDER BY id LIMIT $1 "
                                       "FOR UPDATE SKIP LOCKED) RETURNING id, conversation",
                                       Params().Add(limit), "claiming from the backlog"));
    std::vector<BacklogItem> out;
    for (int i = 0; i < pq::Lib().PQntuples(r.get()); ++i) out.push_back({Int(r.get(), i, 0), Text(r.get(), i, 1)});
    std::sort(out.begin(), out.end(), [](const BacklogItem& a, const BacklogItem& b) { return a.id < b.id; });
    return out;
  }

  Result<int64_t> Size() override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT count(*) FROM backlog", Params(), "counting the backlog"));
    return Int(r.get(), 0, 0);
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<Backlog> NewBacklog(Connection* db) {
  return std::make_unique<PgBacklog>(db);
}

}  // namespace convsent::pg
