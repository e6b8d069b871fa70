#include "convsent/audit_sample.h"

#include <algorithm>
#include <random>
#include <unordered_set>

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

}  // namespace convsent
