#include <cstdio>

#include "convsent/review_queue.h"

namespace convsent {

std::optional<ReviewItem> QueueRule(const QueueRules& q, const ScoredConversation& sc, size_t message, int64_t now_ms) {
  ReviewItem item;
  item.conversation = sc.conversation.id;
  item.created_at_ms = now_ms;
  char buf[256];
  const Message& m = sc.conversation.messages[message];
  const auto& score = sc.scores[message];
  if (m.role == Role::kCustomer && score && score->compound <= q.message_below) {
    std::snprintf(buf, sizeof(buf), "a customer message scored %.2f: \"%.80s\"", score->compound, m.text.c_str());
    item.reason = buf, item.severity = "high", item.compound = score->compound;
    return item;
  }
  if (m.role == Role::kCustomer && !q.detectors.empty()) {
    Conversation one;
    one.messages.push_back(m);
    const DetectorCounts d = DetectInConversation(one);
    for (Detector det : q.detectors) {
      if (d.Get(det, Role::kCustomer) > 0) {
        item.reason = std::string(DetectorName(det)) + " in a customer message";
        item.severity = "high", item.compound = score ? score->compound : 0;
        return item;
      }
    }
  }
  const ConversationRollup& r = sc.rollup;
  if (q.souring && r.has_customer && r.trajectory == Trajectory::kSouring && r.tone == Sentiment::kNegative) {
    std::snprintf(buf, sizeof(buf), "souring: the customer's tone went from %.2f to %.2f", r.start_compound,
                  r.end_compound);
    item.reason = buf, item.severity = "medium", item.compound = r.compound;
    return item;
  }
  return std::nullopt;
}

bool AuditDraw(const std::string& id, double rate) {
  if (rate <= 0) return false;
  // FNV-1a, then splitmix64's finalizer, so that ids differing only in their
  // last characters still spread over [0, 1).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 30, h *= 0xbf58476d1ce4e5b9ull, h ^= h >> 27, h *= 0x94d049bb133111ebull, h ^= h >> 31;
  return static_cast<double>(h >> 11) * 0x1.0p-53 < rate;
}

std::optional<ReviewAction> ParseReviewAction(const std::string& name) {
  if (name == "claim") return ReviewAction::kClaim;
  if (name == "release") return ReviewAction::kRelease;
  if (name == "resolve") return ReviewAction::kResolve;
  return std::nullopt;
}

Status ApplyReviewAction(ReviewItem* item, ReviewAction action, const Reviewer& who, Sentiment label,
                         const std::string& note, int64_t now_ms) {
  ReviewItem& r = *item;
  const std::string id = std::to_string(r.id);
  // A claim is its key's, by id; one made before claims named their key
  // (schema 8) goes by the key's name (keys create refuses a name in use).
  const bool mine = (r.claimed_key != 0 ? r.claimed_key == who.key_id : r.claimed_by == who.name) || who.admin;
  switch (action) {
    case ReviewAction::kClaim:
      if (r.status != "open") return Status::FailedPrecondition("item " + id + " is " + r.status);
      r.status = "claimed", r.claimed_by = who.name, r.claimed_key = who.key_id, r.claimed_at_ms = now_ms;
      return Status::Ok();
    case ReviewAction::kRelease:
      if (r.status != "claimed" || !mine)
        return Status::FailedPrecondition("item " + id + " is not claimed by " + who.name);
      r.status = "open", r.claimed_by.clear(), r.claimed_key = 0, r.claimed_at_ms = 0;
      return Status::Ok();
    case ReviewAction::kResolve:
      if (r.status == "resolved") return Status::FailedPrecondition("item " + id + " is resolved");
      if (r.status == "claimed" && !mine)
        return Status::FailedPrecondition("item " + id + " is claimed by " + r.claimed_by);
      r.status = "resolved", r.label = std::string(SentimentName(label)), r.note = note, r.resolved_at_ms = now_ms;
      if (r.claimed_by.empty()) r.claimed_by = who.name, r.claimed_key = who.key_id;
      return Status::Ok();
  }
  return Status::Internal("unknown review action");
}

HumanLabel ResolutionLabel(const ReviewItem& r, const Reviewer& who, const std::string& model) {
  HumanLabel l;
  l.conversation = r.conversation, l.reviewer = who.name, l.note = r.note, l.model = model;
  l.at_ms = r.resolved_at_ms;
  (void)ParseSentiment(r.label, &l.label);
  l.source = r.audit || r.severity == "audit" ? "audit" : "review";
  return l;
}

}  // namespace convsent
