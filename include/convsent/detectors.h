// Text detectors: what a conversation's messages say about why it went
// wrong. Each detector counts the messages of one role that match it (a
// billing dispute, a policy refusal, ...); the metric tree turns counts into
// drivers with thresholds (docs/metric-tree.md).
//
// Detectors run once per conversation at ingest, on the scoring threads;
// the store keeps the counts packed in one integer, so the tree over a
// million conversations never reads a message again.
#ifndef CONVSENT_DETECTORS_H_
#define CONVSENT_DETECTORS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "convsent/conversation.h"

namespace convsent {

enum class Detector : uint8_t {
  kRepeatedQuestion = 0,  // the customer has to ask again ("third time I'm asking", a near-copy of an earlier message)
  kPolicyRefusal = 1,     // "that's our policy", "unfortunately we can't"
  kBugOrOutage = 2,       // "crashes", "not working", "service is down"
  kBillingDispute = 3,    // "charged twice", "refund", "overcharged"
  kCancellationIntent = 4,  // "cancel my account", "switching to another provider"
};
inline constexpr int kDetectorCount = 5;
std::string_view DetectorName(Detector d);  // "billing_dispute"
std::optional<Detector> ParseDetector(std::string_view name);

// Per detector and role (customer or agent), the number of messages that
// matched, saturated at 15: four bits each, packed in one integer. The
// packing is stored, so it is part of the store's schema.
class DetectorCounts {
 public:
  DetectorCounts() = default;
  explicit DetectorCounts(uint64_t packed) : packed_(packed) {}
  int Get(Detector d, Role role) const { return static_cast<int>((packed_ >> Shift(d, role)) & 0xF); }
  void Add(Detector d, Role role) {
    if (Get(d, role) < 15) packed_ += uint64_t{1} << Shift(d, role);
  }
  uint64_t packed() const { return packed_; }

 private:
  static int Shift(Detector d, Role role) {
    return 4 * (static_cast<int>(d) + (role == Role::kAgent ? kDetectorCount : 0));
  }
  uint64_t packed_ = 0;
};

// Runs every detector over the customer and agent messages of `c` (bots
// count as agents; internal notes are never read).
DetectorCounts DetectInConversation(const Conversation& c);

}  // namespace convsent

#endif  // CONVSENT_DETECTORS_H_
