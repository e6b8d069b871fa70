// A uniformly random sample of conversations for people to label: the
// audit that the corrected estimate (convsent/estimate.h) stands on.
//
// Only conversations the report counts (with a customer message) and not
// audited yet are eligible; every eligible one has the same chance, and
// the same store, filters and seed draw the same sample.
#ifndef CONVSENT_AUDIT_SAMPLE_H_
#define CONVSENT_AUDIT_SAMPLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convsent/store.h"

namespace convsent {

struct AuditSampleOptions {
  int64_t size = 100;
  uint64_t seed = 1;
  std::optional<int64_t> from_ms, to_ms;                   // created in [from, to)
  std::vector<std::pair<std::string, std::string>> where;  // segment filters, as the report's
};

struct AuditSample {
  std::vector<Conversation> conversations;  // in the order drawn
  int64_t eligible = 0;                     // how many it was drawn from
};

Result<AuditSample> SampleForAudit(Store& store, const AuditSampleOptions& options);

// The sample as a file for people to label: CSV (conversation_id, label,
// reviewer, note, transcript) or JSON Lines (conversation_id, label: null,
// reviewer, messages), notes left out. `convsent labels import` reads
// either back once the labels are filled in.
std::string AuditFileOf(const AuditSample& sample, bool csv);

// Puts the sample into the review queue as audit items, in one
// transaction; returns how many were added (the others were audit items
// already). Nothing is queued on an error.
Result<int64_t> QueueForAudit(Store& store, const AuditSample& sample, int64_t now_ms);

}  // namespace convsent

#endif  // CONVSENT_AUDIT_SAMPLE_H_
