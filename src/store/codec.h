// What the SQLite and PostgreSQL stores share below the Store interface:
// the packing of a report row's small fields into one integer, the segment
// ids as bytes, and the decoding of the JSON columns. One definition, so
// that both backends store and read the same thing.
#ifndef CONVSENT_SRC_STORE_CODEC_H_
#define CONVSENT_SRC_STORE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "convsent/store.h"

namespace convsent::store {

// The small fields of a report row in one integer. Counts saturate: the
// report needs "any", the tree "at least N".
int64_t PackFacts(const ConversationRollup& r, const ConversationFacts& f, const Conversation& c);
void UnpackFacts(int64_t packed, ReportRow* row);
// The bits that a model's tone sets (has_customer, tone, trajectory, agent
// tone): switching the report to another model replaces only these.
int64_t ToneMask();
// PackFacts of the tone alone, for one model's rollup.
inline int64_t PackTone(const ConversationRollup& r) { return PackFacts(r, {}, {}) & ToneMask(); }

// Segment ids as little-endian uint32s, back to back.
void AppendSegmentId(uint32_t id, std::string* bytes);
void DecodeSegmentIds(std::string_view bytes, std::vector<uint32_t>* ids);

// The JSON columns of a conversation row: tags, attributes, events.
void DecodeConversationJson(std::string_view tags, std::string_view attributes, std::string_view events,
                            Conversation* c);
// The messages column; DataLoss names `where` and the message when corrupt.
Status DecodeMessages(std::string_view json, const std::string& where, Conversation* c);
// One model's scores (as many as there are messages) and its movers.
void DecodeScores(std::string_view json, std::vector<std::optional<MessageScore>>* scores);
void DecodeMovers(std::string_view json, ConversationRollup* r);
using SegmentPairs = std::vector<std::pair<std::string, std::string>>;
SegmentPairs DecodeInterventionSegment(std::string_view json);
std::string EncodeInterventionSegment(const SegmentPairs& segment);

}  // namespace convsent::store

#endif  // CONVSENT_SRC_STORE_CODEC_H_
