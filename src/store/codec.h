// What the SQLite and PostgreSQL stores share below the Store interface:
// the packing of a report row's small fields into one integer, the segment
// ids as bytes, and the decoding of the JSON columns. One definition, so
// that both backends store and read the same thing.
#ifndef CONVSENT_SRC_STORE_CODEC_H_
#define CONVSENT_SRC_STORE_CODEC_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "convsent/store.h"

namespace convsent::store {

// The small fields of a report row in one integer. Counts saturate: the
// report needs "any", the tree "at least N".
int64_t PackFacts(const ConversationRollup& r, const ConversationFacts& f, const Conversation& c);
void UnpackFacts(int64_t packed, ReportRow* row);
// The bits that a model's tone sets (has_customer, tone, trajectory, agent
// tone): switching the report to another model replaces only these.
int64_t ToneMask();
// The packed fields "has a customer" and the customer's tone, and their
// value for a conversation whose customer's tone is `tone`.
int64_t CustomerToneMask();
int64_t PackCustomerTone(Sentiment tone);
// PackFacts of the tone alone, for one model's rollup.
inline int64_t PackTone(const ConversationRollup& r) { return PackFacts(r, {}, {}) & ToneMask(); }

// The segment ids of a report row, from the dictionary of segment values
// that each store keeps in a table (segment_values). The dictionary is
// cached whole as it is used, so that a writer asks its table only for a
// value it has not seen. A dimension keeps at most kMaxSegmentValues values
// (an attribute with a value per customer is not a segment, and would slow
// every write); once full, all its values are cached, so that a value not
// there costs no query either.
class SegmentDictionary {
 public:
  // What the store's table answers.
  struct Table {
    std::function<Result<std::optional<int64_t>>(std::string_view dimension, std::string_view value)> find;
    std::function<Result<int64_t>(std::string_view dimension)> count;
    std::function<Status(std::string_view dimension, const std::function<void(int64_t, std::string)>& each)> all;
    std::function<Result<int64_t>(std::string_view dimension, std::string_view value)> add;
  };
  explicit SegmentDictionary(Table table) : table_(std::move(table)) {}

  // The id of a value, added when new; nullopt once its dimension is full.
  Result<std::optional<int64_t>> Id(std::string_view dimension, std::string_view value);
  // The segment ids of `c` (channel, topic, team, tags, attributes), as
  // little-endian uint32s: the report row's `segments`.
  // `language` is the conversation's (CustomerLanguage), a segment too.
  Result<std::string> RowSegments(const Conversation& c, Language language);
  // Forget the cache (ids added in a rolled-back transaction are gone).
  void Clear();

 private:
  Table table_;
  std::unordered_map<std::string, int64_t> ids_;    // dimension \0 value -> id
  std::unordered_map<std::string, int64_t> sizes_;  // values stored per dimension
  std::unordered_set<std::string> full_;            // at kMaxSegmentValues, all cached
};

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
