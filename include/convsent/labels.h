// People's labels of the customer's tone: what the model is checked
// against, and what corrects the report's shares (docs/report.md,
// "The corrected estimate").
//
// A label names a conversation and, optionally, one of its messages (its
// 0-based index; none: the conversation's customer tone). Its source says
// how the item was chosen, which decides what it may be used for:
// - "audit": drawn uniformly at random (`convsent audit sample`, or a file
//   imported with --audit). Only these estimate the true shares: the
//   sample stands for every conversation.
// - "review": a reviewer resolving a review-queue item. Those items were
//   flagged, so they are a biased sample: agreement and --blend only.
// - "import": labels from elsewhere, of unknown design: agreement only.
//
// A record family of its own (HACKING.md): a Store hands out its Labels,
// which write in the store's open transaction.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_LABELS_H_
#define CONVSENT_LABELS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convsent/eval.h"
#include "convsent/scorer.h"
#include "convsent/status.h"

namespace convsent {

struct HumanLabel {
  int64_t id = 0;
  std::string conversation;
  int message = -1;  // 0-based index; -1: the conversation's customer tone
  Sentiment label = Sentiment::kNeutral;
  std::string source = "review";  // audit, review, import
  std::string reviewer, note;
  std::string model;  // the method version current when it was given (empty: Add fills in the store's)
  int64_t at_ms = 0;
};

// Whether `source` is one of the three.
bool IsLabelSource(const std::string& source);

class Labels {
 public:
  virtual ~Labels() = default;
  // Stores a label. A conversation label also goes on the conversation's
  // report row: the latest one as its human label (agreement, --blend),
  // the latest audit one as its audit label (the estimate). NotFound: no
  // such conversation; InvalidArgument: it has no such message.
  virtual Status Add(const HumanLabel& label) = 0;
  // How many messages a stored conversation has; nullopt if unknown.
  virtual Result<std::optional<int>> MessageCount(const std::string& conversation) = 0;
  // Every label, in the order given (id), `fn` stopping at an error.
  virtual Status ForEach(const std::function<Status(const HumanLabel&)>& fn) = 0;
};

// What `convsent labels stats` shows: counts per source and kind, and how
// often two reviewers agree where both labelled the same item.
struct LabelStats {
  int64_t labels = 0;
  std::map<std::string, int64_t> by_source;  // audit, review, import
  int64_t conversation_labels = 0, message_labels = 0;
  std::map<std::string, int64_t> by_label;  // negative, neutral, positive
  int64_t reviewers = 0;
  // Items labelled by two or more reviewers (each reviewer's latest label):
  // pairs of reviewers compared, and those that agree.
  int64_t shared_items = 0, pairs = 0, pairs_agreeing = 0;
  std::optional<double> kappa;  // Scott's pi over those pairs (Fleiss' kappa for two); undefined: unset
};
LabelStats ComputeLabelStats(const std::vector<HumanLabel>& labels);
std::string LabelStatsToText(const LabelStats& stats);
std::string LabelStatsToJson(const LabelStats& stats);

class Store;
// The conversations that have message labels, every turn in order with
// the latest label of each labelled message (the rest unlabelled): what
// `convsent model adapt` learns from, in context. Conversation-level
// labels are counted in *conversation_labels and not returned.
Result<std::vector<LabeledConversation>> LabelledConversations(Store& store, int64_t* conversation_labels);

}  // namespace convsent

#endif  // CONVSENT_LABELS_H_
