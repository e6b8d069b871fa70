#include "store/codec.h"
#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgInterventions final : public Interventions {
 public:
  explicit PgInterventions(Connection* db) : db_(*db) {}

  Result<int64_t> Add(const InterventionRecord& v) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("INSERT INTO interventions(node, at, owner, note, segment, added_at) "
                                       "VALUES($1,$2,$3,$4,$5,$6) RETURNING id",
                                       Params()
                                           .Add(v.node)
                                           .Add(v.at_ms)
                                           .Add(v.owner)
                                           .Add(v.note)
                                           .Add(store::EncodeInterventionSegment(v.segment))
                                           .Add(v.added_at_ms),
                                       "storing an intervention"));
    return Int(r.get(), 0, 0);
  }

  Result<std::vector<InterventionRecord>> List() override {
    ASSIGN_OR_RETURN(auto r,
                     db_.Query("SELECT id, node, at, owner, note, segment, added_at FROM interventions ORDER BY id",
                               Params(), "reading interventions"));
    std::vector<InterventionRecord> out;
    const PGresult* q = r.get();
    for (int i = 0; i < pq::Lib().PQntuples(q); ++i) {
      InterventionRecord v;
      v.id = Int(q, i, 0), v.node = Text(q, i, 1), v.at_ms = Int(q, i, 2), v.owner = Text(q, i, 3);
      v.note = Text(q, i, 4), v.segment = store::DecodeInterventionSegment(Text(q, i, 5)), v.added_at_ms = Int(q, i, 6);
      out.push_back(std::move(v));
    }
    return out;
  }

 private:
  Connection& db_;
};

}  // namespace

std::unique_ptr<Interventions> NewInterventions(Connection* db) {
  return std::make_unique<PgInterventions>(db);
}

}  // namespace convsent::pg
