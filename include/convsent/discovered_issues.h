// The emerging issues discovery has found (convsent/discover.h), kept so
// that each is announced once: `convsent discover --alert` raises an alert
// to the tree's root owner for an issue none of whose phrases is known yet,
// and the dashboard lists when each was first seen.
//
// A record family of its own (HACKING.md): a Store hands out its
// DiscoveredIssues, which reads and writes on the store's connection, in
// its transaction. Thread safety: as its Store (one per thread).
#ifndef CONVSENT_DISCOVERED_ISSUES_H_
#define CONVSENT_DISCOVERED_ISSUES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct DiscoveredIssueRecord {
  int64_t id = 0;
  std::vector<std::string> phrases;
  std::string period;     // the period it was first found in
  int64_t negative = 0;   // its negative conversations then
  double lift = 0;
  int64_t found_at_ms = 0;
  int64_t alert = 0;      // the alert raised for it (convsent/alerts.h); 0: none
};

class DiscoveredIssues {
 public:
  virtual ~DiscoveredIssues() = default;
  // Stores a newly found issue; returns its id.
  virtual Result<int64_t> Add(const DiscoveredIssueRecord& issue) = 0;
  // Oldest first.
  virtual Result<std::vector<DiscoveredIssueRecord>> List() = 0;
};

}  // namespace convsent

#endif  // CONVSENT_DISCOVERED_ISSUES_H_
