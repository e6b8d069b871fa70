#include "store/codec.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace convsent::store {
namespace {

// Bit offsets of the packed report facts.
constexpr int kHasCustomer = 0, kTone = 1, kTrajectory = 3, kAgentTone = 5, kEscalated = 8, kReopened = 12,
              kHandoffs = 16, kAgentReplies = 22, kCustomerTurns = 30, kCsat = 38, kNps = 41;

int64_t Field(int64_t v, int64_t max, int shift) { return std::clamp<int64_t>(v, 0, max) << shift; }
int64_t Get(int64_t packed, int bits, int shift) { return (packed >> shift) & ((int64_t{1} << bits) - 1); }

nlohmann::json Parse(std::string_view text) { return nlohmann::json::parse(text, nullptr, false); }

}  // namespace

int64_t PackFacts(const ConversationRollup& r, const ConversationFacts& f, const Conversation& c) {
  return Field(r.has_customer, 1, kHasCustomer) | Field(static_cast<int>(r.tone), 3, kTone) |
         Field(static_cast<int>(r.trajectory), 3, kTrajectory) |
         Field(r.has_agent ? 1 + static_cast<int>(r.agent_tone) : 0, 7, kAgentTone) |
         Field(f.escalated, 15, kEscalated) | Field(f.reopened, 15, kReopened) | Field(f.handoffs, 63, kHandoffs) |
         Field(f.agent_replies, 255, kAgentReplies) | Field(f.customer_turns, 255, kCustomerTurns) |
         Field(c.csat ? *c.csat : 0, 7, kCsat) | Field(c.nps ? *c.nps + 1 : 0, 15, kNps);
}

void UnpackFacts(int64_t v, ReportRow* row) {
  row->has_customer = Get(v, 1, kHasCustomer) != 0;
  row->tone = static_cast<Sentiment>(Get(v, 2, kTone));
  row->trajectory = static_cast<Trajectory>(Get(v, 2, kTrajectory));
  const int64_t agent = Get(v, 3, kAgentTone);
  row->agent_tone = agent ? std::optional<Sentiment>(static_cast<Sentiment>(agent - 1)) : std::nullopt;
  row->escalated = static_cast<int>(Get(v, 4, kEscalated));
  row->reopened = static_cast<int>(Get(v, 4, kReopened));
  row->handoffs = static_cast<int>(Get(v, 6, kHandoffs));
  row->agent_replies = static_cast<int>(Get(v, 8, kAgentReplies));
  row->customer_turns = static_cast<int>(Get(v, 8, kCustomerTurns));
  const int64_t csat = Get(v, 3, kCsat), nps = Get(v, 4, kNps);
  row->csat = csat ? std::optional<int>(static_cast<int>(csat)) : std::nullopt;
  row->nps = nps ? std::optional<int>(static_cast<int>(nps - 1)) : std::nullopt;
}

int64_t ToneMask() { return (int64_t{1} << kEscalated) - 1; }
int64_t CustomerToneMask() { return (int64_t{1} << kTrajectory) - 1; }
int64_t PackCustomerTone(Sentiment tone) { return Field(1, 1, kHasCustomer) | Field(static_cast<int>(tone), 3, kTone); }

namespace {
std::string SegmentKey(std::string_view dimension, std::string_view value) {
  std::string key(dimension);
  key.push_back('\0');
  key += value;
  return key;
}
}  // namespace

Result<std::optional<int64_t>> SegmentDictionary::Id(std::string_view dimension, std::string_view value) {
  std::string key = SegmentKey(dimension, value);
  if (auto it = ids_.find(key); it != ids_.end()) return std::optional<int64_t>(it->second);
  const std::string dim(dimension);
  if (full_.count(dim)) return std::optional<int64_t>();
  // Filled on demand: a reader never pays for the dictionary, which can
  // hold a value per customer.
  ASSIGN_OR_RETURN(const std::optional<int64_t> found, table_.find(dimension, value));
  if (found) {
    ids_.emplace(std::move(key), *found);
    return found;
  }
  auto count = sizes_.find(dim);
  if (count == sizes_.end()) {
    ASSIGN_OR_RETURN(const int64_t size, table_.count(dimension));
    count = sizes_.emplace(dim, size).first;
  }
  if (count->second >= kMaxSegmentValues) {
    RETURN_IF_ERROR(table_.all(dimension, [&](int64_t id, std::string v) { ids_.emplace(SegmentKey(dimension, v), id); }));
    full_.insert(dim);
    return std::optional<int64_t>();
  }
  ++count->second;
  ASSIGN_OR_RETURN(const int64_t id, table_.add(dimension, value));
  ids_.emplace(std::move(key), id);
  return std::optional<int64_t>(id);
}

Result<std::string> SegmentDictionary::RowSegments(const Conversation& c, Language language) {
  std::string bytes;
  auto add = [&](std::string_view dim, std::string_view value) -> Status {
    if (value.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(const std::optional<int64_t> id, Id(dim, value));
    if (id) AppendSegmentId(static_cast<uint32_t>(*id), &bytes);
    return Status::Ok();
  };
  RETURN_IF_ERROR(add("channel", c.channel));
  RETURN_IF_ERROR(add("topic", c.topic));
  RETURN_IF_ERROR(add("team", c.team));
  RETURN_IF_ERROR(add("language", LanguageCode(language)));
  for (const auto& t : c.tags) RETURN_IF_ERROR(add("tag", t));
  // A help desk's own "language" attribute is what the scores used (or
  // not a language convsent scores): the segment is the scored one.
  for (const auto& [k, v] : c.attributes) {
    if (k != "language") RETURN_IF_ERROR(add(k, v));
  }
  return bytes;
}

void SegmentDictionary::Clear() {
  ids_.clear();
  sizes_.clear();
  full_.clear();
}

void AppendSegmentId(uint32_t id, std::string* bytes) {
  for (int k = 0; k < 4; ++k) bytes->push_back(static_cast<char>((id >> (8 * k)) & 0xFF));
}

void DecodeSegmentIds(std::string_view bytes, std::vector<uint32_t>* ids) {
  ids->resize(bytes.size() / 4);
  for (size_t i = 0; i < ids->size(); ++i) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data()) + 4 * i;
    (*ids)[i] = uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
  }
}

void DecodeConversationJson(std::string_view tags_json, std::string_view attributes_json,
                            std::string_view events_json, Conversation* c) {
  const auto tags = Parse(tags_json);
  if (tags.is_array()) {
    for (const auto& t : tags) {
      if (t.is_string()) c->tags.push_back(t.get<std::string>());
    }
  }
  const auto attrs = Parse(attributes_json);
  if (attrs.is_object()) {
    for (auto it = attrs.begin(); it != attrs.end(); ++it) {
      if (it.value().is_string()) c->attributes.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  const auto events = Parse(events_json);
  if (events.is_array()) {
    for (const auto& e : events) {
      if (e.is_object() && e.contains("type") && e["type"].is_string()) {
        const auto at = e.find("at");
        c->events.push_back({e["type"].get<std::string>(),
                             at != e.end() && at->is_number_integer() ? at->get<int64_t>() : 0});
      }
    }
  }
}

Status DecodeMessages(std::string_view json, const std::string& where, Conversation* c) {
  const auto all = Parse(json);
  for (size_t i = 0; all.is_array() && i < all.size(); ++i) {
    const auto& j = all[i];
    if (!j.is_array() || j.size() != 4 || !j[0].is_number() || !j[1].is_string() || !j[2].is_number() ||
        !j[3].is_string()) {
      return Status::DataLoss(where + ": conversation " + c->id + ": message " + std::to_string(i) + " is corrupt");
    }
    Message msg;
    msg.role = static_cast<Role>(j[0].get<int>());
    msg.author = j[1].get<std::string>();
    msg.at_ms = j[2].get<int64_t>();
    msg.text = j[3].get<std::string>();
    c->messages.push_back(std::move(msg));
  }
  return Status::Ok();
}

void DecodeScores(std::string_view json, std::vector<std::optional<MessageScore>>* scores) {
  const auto all = Parse(json);
  for (size_t i = 0; all.is_array() && i < all.size() && i < scores->size(); ++i) {
    const auto& j = all[i];
    if (!j.is_array() || j.size() < 5 || j.size() > 8 || !j[0].is_number() || !j[4].is_array()) continue;
    MessageScore s;
    s.label = static_cast<Sentiment>(j[0].get<int>());
    for (int c = 0; c < 3; ++c) s.p[c] = j[1 + c].is_number() ? j[1 + c].get<float>() : 0.0f;
    s.compound = s.p[2] - s.p[0];
    s.score5 = 3 + 2 * s.compound;
    s.context = j.size() >= 6 && j[5] == 1;
    // Scores stored before languages were told apart are English's.
    if (j.size() >= 7 && j[6].is_number_integer() && j[6].get<int>() >= 0 && j[6].get<int>() < kNumLanguages) {
      s.language = static_cast<Language>(j[6].get<int>());
      s.language_given = j.size() == 8 && j[7] == 1;
    }
    for (const auto& e : j[4]) {
      if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_number()) {
        s.explain.push_back({e[0].get<std::string>(), e[1].get<float>()});
      }
    }
    (*scores)[i] = std::move(s);
  }
}

void DecodeMovers(std::string_view json, ConversationRollup* r) {
  const auto movers = Parse(json);
  if (!movers.is_array()) return;
  for (const auto& m : movers) {
    if (m.is_number_unsigned()) r->movers.push_back(m.get<uint32_t>());
  }
}

SegmentPairs DecodeInterventionSegment(std::string_view json) {
  SegmentPairs out;
  const auto segment = Parse(json);
  for (const auto& kv : segment.is_array() ? segment : nlohmann::json::array()) {
    if (kv.is_array() && kv.size() == 2 && kv[0].is_string() && kv[1].is_string()) {
      out.emplace_back(kv[0].get<std::string>(), kv[1].get<std::string>());
    }
  }
  return out;
}

std::string EncodeInterventionSegment(const SegmentPairs& segment) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [k, v] : segment) out.push_back({k, v});
  return out.dump();
}

}  // namespace convsent::store
