// Interventions: changes a team logged against a node of the metric tree
// (a new refund policy, a staffing change), each checked later for whether
// it really moved that driver (docs/metric-tree.md, "Interventions").
//
// A record family of its own (HACKING.md): a Store hands out its
// Interventions, which reads and writes on the store's connection.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_INTERVENTIONS_H_
#define CONVSENT_INTERVENTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct InterventionRecord {
  int64_t id = 0;
  std::string node;
  int64_t at_ms = 0;  // when the change took effect
  std::string owner, note;
  std::vector<std::pair<std::string, std::string>> segment;  // what it touched; empty: everything
  int64_t added_at_ms = 0;
};

class Interventions {
 public:
  virtual ~Interventions() = default;
  // Stores a new intervention; returns its id.
  virtual Result<int64_t> Add(const InterventionRecord& intervention) = 0;
  // Every intervention, oldest first.
  virtual Result<std::vector<InterventionRecord>> List() = 0;
};

}  // namespace convsent

#endif  // CONVSENT_INTERVENTIONS_H_
