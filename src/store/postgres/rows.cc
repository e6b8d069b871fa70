#include "store/postgres/rows.h"

#include "store/codec.h"

namespace convsent::pg {

void ReadConversationRow(const PGresult* r, int row, Conversation* c, ConversationFacts* f) {
  c->id = Text(r, row, 1);
  c->channel = Text(r, row, 2);
  c->topic = Text(r, row, 3);
  c->team = Text(r, row, 4);
  c->created_at_ms = Int(r, row, 5);
  if (!IsNull(r, row, 6)) c->csat = static_cast<int>(Int(r, row, 6));
  if (!IsNull(r, row, 7)) c->nps = static_cast<int>(Int(r, row, 7));
  store::DecodeConversationJson(pq::Lib().PQgetvalue(r, row, 8), pq::Lib().PQgetvalue(r, row, 9),
                                pq::Lib().PQgetvalue(r, row, 10), c);
  f->first_response_ms = OptInt(r, row, 11);
  f->agent_replies = static_cast<int>(Int(r, row, 12));
  f->customer_turns = static_cast<int>(Int(r, row, 13));
  f->agents = static_cast<int>(Int(r, row, 14));
  f->handoffs = static_cast<int>(Int(r, row, 15));
  f->reopened = static_cast<int>(Int(r, row, 16));
  f->escalated = static_cast<int>(Int(r, row, 17));
  f->resolution_ms = OptInt(r, row, 18);
  f->longest_wait_ms = OptInt(r, row, 19);
}

void ReadReportRow(const PGresult* r, ReportRow* row) {
  row->created_at_ms = Int(r, 0, 0);
  row->model = static_cast<uint32_t>(Int(r, 0, 1));
  row->score5 = static_cast<float>(Real(r, 0, 2));
  store::UnpackFacts(Int(r, 0, 3), row);
  row->first_response_ms = OptInt(r, 0, 4);
  row->longest_wait_ms = OptInt(r, 0, 5);
  row->resolution_ms = OptInt(r, 0, 6);
  row->detectors = static_cast<uint64_t>(Int(r, 0, 7));
  store::DecodeSegmentIds(Bytes(r, 0, 8), &row->segments);
  auto label = [&](int col) {
    return IsNull(r, 0, col) ? std::nullopt : std::optional<Sentiment>(static_cast<Sentiment>(Int(r, 0, col)));
  };
  row->human = label(9);
  row->audit = label(10);
}

}  // namespace convsent::pg
