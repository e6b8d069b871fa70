// The review queue: which conversations go to a person, and the life of an
// item from open to resolved (docs/server.md, "The review queue").
//
// The rules (QueueRule) and the life cycle (ApplyReviewAction) are pure
// functions, tested beside their code; `convsent serve` applies them on its
// writer thread and stores items through the store's ReviewItems, a record
// family of its own (HACKING.md) that writes in the store's transaction.
#ifndef CONVSENT_REVIEW_QUEUE_H_
#define CONVSENT_REVIEW_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convsent/detectors.h"
#include "convsent/labels.h"
#include "convsent/rollup.h"
#include "convsent/status.h"

namespace convsent {

// A conversation waiting for a person.
struct ReviewItem {
  int64_t id = 0;
  std::string conversation;  // its id
  std::string reason;
  std::string severity;  // high, medium (flagged by a rule), audit (drawn at random, not flagged)
  bool audit = false;    // drawn at random: its label is an audit label, even once flagged
  double compound = 0;                  // the message or tone that set it off
  std::string status = "open";          // open, claimed, resolved
  std::string claimed_by, label, note;  // label: the reviewer's negative, neutral or positive
  int64_t claimed_key = 0;              // the claiming API key's id (claimed_by: its name, shown)
  int64_t created_at_ms = 0, claimed_at_ms = 0, resolved_at_ms = 0;
};

// When a conversation goes into the review queue.
struct QueueRules {
  float message_below = -0.5f;  // a customer message with compound at or below: severity high
  bool souring = true;          // the customer's tone went from start to a negative end: severity medium
  std::vector<Detector> detectors = {Detector::kCancellationIntent};  // in a customer message: severity high
  std::string webhook;  // announced here too (JSON POST), besides the event stream
  // The share of new conversations drawn at random into the queue as audit
  // items (0: none). The draw hangs on the conversation's id alone
  // (AuditDraw), never on what it says.
  double audit_rate = 0;
};

// Whether the conversation `id` is drawn for audit at `rate`: a hash of the
// id, uniform in [0, 1), below the rate. The same id is always drawn or
// not, whatever it says and whenever it arrives.
bool AuditDraw(const std::string& id, double rate);

// Whether `sc`, after its message `message` arrived, should go to a person:
// the item to queue (not stored yet), or nullopt.
std::optional<ReviewItem> QueueRule(const QueueRules& rules, const ScoredConversation& sc, size_t message,
                                    int64_t now_ms);

// Who acts on an item.
struct Reviewer {
  std::string name;
  int64_t key_id = 0;
  bool admin = false;  // may release or resolve anyone's claim
};

enum class ReviewAction { kClaim, kRelease, kResolve };
// "claim", "release", "resolve".
std::optional<ReviewAction> ParseReviewAction(const std::string& name);

// Moves `item` through its life: open -> claimed (by one key) -> open again
// (released by that key or an admin) or resolved (with a label; by the
// claimant, an admin, or anyone while it is open). FailedPrecondition, saying
// why, when the action is not allowed now; `item` is then unchanged.
// `label` and `note` are read by kResolve only.
Status ApplyReviewAction(ReviewItem* item, ReviewAction action, const Reviewer& who, Sentiment label,
                         const std::string& note, int64_t now_ms);

// The label a resolved item gives its conversation: an audit label for an
// item drawn at random (it may correct the report's shares), a review label
// for a flagged one (a biased sample: agreement and --blend only).
// `who` resolved it; `model` is the method version current then.
HumanLabel ResolutionLabel(const ReviewItem& resolved, const Reviewer& who, const std::string& model);

// The queue's items in the store.
class ReviewItems {
 public:
  virtual ~ReviewItems() = default;
  // A conversation enters the queue once: nullopt when it is already there.
  // One exception keeps the random sample whole: an audit item and a
  // flagged one of the same conversation merge, whichever came first, into
  // one audit item with the flag's severity, reason and compound, open
  // again if it was resolved (so its next label is an audit label), and
  // the merge returns its id.
  virtual Result<std::optional<int64_t>> Add(const ReviewItem& item) = 0;
  // Inside a transaction, the item is held until the transaction ends: on a
  // store shared by several servers, a second claim of it waits, then sees
  // it claimed.
  virtual Result<std::optional<ReviewItem>> Get(int64_t id) = 0;
  // status empty: all; order "severity" (high first, then oldest) or "age" (oldest first).
  virtual Result<std::vector<ReviewItem>> List(const std::string& status, const std::string& order, int limit) = 0;
  // Writes status, claimed_by, claimed_key, claimed_at, resolved_at, label
  // and note. NotFound: no such item.
  virtual Status Update(const ReviewItem& item) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_REVIEW_QUEUE_H_
