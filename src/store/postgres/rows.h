// How the PostgreSQL store reads its rows: the column lists and queries of a
// conversation and of a report row, and their decoding. Internal to
// src/store/postgres.
#ifndef CONVSENT_SRC_STORE_POSTGRES_ROWS_H_
#define CONVSENT_SRC_STORE_POSTGRES_ROWS_H_

#include "convsent/stored_conversations.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

inline constexpr const char* kConversationColumns =
    "id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, events, first_response_ms, "
    "agent_replies, customer_turns, agents, handoffs, reopened, escalated, resolution_ms, longest_wait_ms";
// A conversation with one model's scores and tone: the current model's, or
// $2's. Columns: the conversation (0-19), messages (20), scores (21), tone
// (22-34, NULL when that model has not scored it).
#define CONVSENT_GET_CONVERSATION(MODEL, LOCK)                                                            \
  "SELECT c.id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, events, "          \
  "first_response_ms, agent_replies, customer_turns, agents, handoffs, reopened, escalated, "             \
  "resolution_ms, longest_wait_ms, "                                                                      \
  "(SELECT messages FROM conversation_messages m WHERE m.conversation = c.id), "                          \
  "(SELECT scores FROM conversation_scores s WHERE s.conversation = c.id AND s.model = chosen.id), "      \
  "t.has_customer, t.tone, t.compound, t.score5, t.start_tone, t.end_tone, t.start_compound, "            \
  "t.end_compound, t.trajectory, t.has_agent, t.agent_tone, t.agent_compound, t.movers "                  \
  "FROM conversations c CROSS JOIN (SELECT " MODEL " AS id) chosen "                                      \
  "LEFT JOIN tones t ON t.conversation = c.id AND t.model = chosen.id WHERE c.ext_id = $1" LOCK
#define CONVSENT_CURRENT_MODEL "(SELECT id FROM models WHERE version = (SELECT value FROM meta WHERE key = 'current_model'))"
inline constexpr const char* kGetConversation = CONVSENT_GET_CONVERSATION(CONVSENT_CURRENT_MODEL, "");
inline constexpr const char* kGetConversationLocked = CONVSENT_GET_CONVERSATION(CONVSENT_CURRENT_MODEL, " FOR UPDATE OF c");
inline constexpr const char* kGetConversationOfModel = CONVSENT_GET_CONVERSATION("$2::BIGINT", "");
inline constexpr const char* kGetConversationLockedOfModel = CONVSENT_GET_CONVERSATION("$2::BIGINT", " FOR UPDATE OF c");
#undef CONVSENT_GET_CONVERSATION
#undef CONVSENT_CURRENT_MODEL

// The packed tone of a `tones` row, in SQL (see store::PackFacts).
inline constexpr const char* kPackedTone =
    "(t.has_customer | (t.tone << 1) | (t.trajectory << 3) | "
    "((CASE WHEN t.has_agent <> 0 THEN 1 + t.agent_tone ELSE 0 END) << 5))::BIGINT";

inline constexpr const char* kReportColumns =
    "r.created_at, r.model, r.score5, r.facts, r.first_response_ms, r.longest_wait_ms, r.resolution_ms, r.detectors, "
    "r.segments, l.human_label, l.audit_label";

// The report rows with their conversation's labels (kReportColumns reads both).
inline constexpr const char* kReportRows =
    " FROM report_rows r LEFT JOIN conversation_labels l ON l.conversation = r.conversation";

// The conversation columns (kConversationColumns) of row `row` of `r`.
void ReadConversationRow(const PGresult* r, int row, Conversation* c, ConversationFacts* f);
// A row of kReportColumns, from column 0 of the one row of `r`.
void ReadReportRow(const PGresult* r, ReportRow* row);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_ROWS_H_
