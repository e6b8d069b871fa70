#include "convsent/audit_sample.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <unordered_set>

#include "util/csv_writer.h"

namespace convsent {
namespace {

// Whether `c` has the segment dimension=value, as the report's --where
// reads it (channel, topic, team, tag, or an attribute).
bool HasSegment(const Conversation& c, const std::string& dimension, const std::string& value) {
  if (dimension == "channel") return c.channel == value;
  if (dimension == "topic") return c.topic == value;
  if (dimension == "team") return c.team == value;
  if (dimension == "tag") return std::find(c.tags.begin(), c.tags.end(), value) != c.tags.end();
  return std::any_of(c.attributes.begin(), c.attributes.end(),
                     [&](const auto& kv) { return kv.first == dimension && kv.second == value; });
}

}  // namespace

Result<AuditSample> SampleForAudit(Store& store, const AuditSampleOptions& o) {
  std::unordered_set<std::string> audited;
  RETURN_IF_ERROR(store.labels().ForEach([&](const HumanLabel& l) {
    if (l.source == "audit" && l.message < 0) audited.insert(l.conversation);
    return Status::Ok();
  }));
  // Reservoir sampling (Algorithm R): one pass, memory for the sample only.
  AuditSample out;
  std::mt19937_64 rng(o.seed);
  const size_t size = static_cast<size_t>(std::max<int64_t>(0, o.size));
  RETURN_IF_ERROR(store.conversations().ForEach(
      [&](const Conversation& c) {
        for (const auto& [k, v] : o.where) {
          if (!HasSegment(c, k, v)) return Status::Ok();
        }
        if (audited.contains(c.id)) return Status::Ok();
        if (std::none_of(c.messages.begin(), c.messages.end(),
                         [](const Message& m) { return m.role == Role::kCustomer; })) {
          return Status::Ok();
        }
        const int64_t seen = out.eligible++;
        if (out.conversations.size() < size) {
          out.conversations.push_back(c);
        } else if (size > 0) {
          const uint64_t j = std::uniform_int_distribution<uint64_t>(0, static_cast<uint64_t>(seen))(rng);
          if (j < size) out.conversations[j] = c;
        }
        return Status::Ok();
      },
      o.from_ms, o.to_ms));
  // The order of the file is the order of labelling: shuffled, so that a
  // labeller who stops early still leaves a random sample.
  std::shuffle(out.conversations.begin(), out.conversations.end(), rng);
  return out;
}

namespace {

// The conversation's messages as a transcript, notes left out.
std::string Transcript(const Conversation& c) {
  std::string t;
  for (const Message& m : c.messages) {
    if (m.role == Role::kNote) continue;
    t += (t.empty() ? "" : "\n") + std::string(RoleName(m.role)) + ": " + m.text;
  }
  return t;
}

}  // namespace

std::string AuditFileOf(const AuditSample& sample, bool csv) {
  std::string out = csv ? "conversation_id,label,reviewer,note,transcript\n" : "";
  for (const Conversation& c : sample.conversations) {
    if (csv) {
      out += CsvField(c.id) + ",,,," + CsvField(Transcript(c)) + "\n";
      continue;
    }
    nlohmann::json messages = nlohmann::json::array();
    for (const Message& m : c.messages) {
      if (m.role != Role::kNote) messages.push_back({{"role", RoleName(m.role)}, {"text", m.text}});
    }
    out += nlohmann::json({{"conversation_id", c.id}, {"label", nullptr}, {"reviewer", ""}, {"messages", messages}})
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
  }
  return out;
}

Result<int64_t> QueueForAudit(Store& store, const AuditSample& sample, int64_t now_ms) {
  int64_t added = 0;
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    for (const Conversation& c : sample.conversations) {
      ReviewItem item;
      item.conversation = c.id, item.severity = "audit", item.audit = true, item.created_at_ms = now_ms;
      item.reason = "random audit: label the customer's tone";
      ASSIGN_OR_RETURN(const auto id, store.review_items().Add(item));
      added += id ? 1 : 0;
    }
    return Status::Ok();
  }));
  return added;
}

}  // namespace convsent
