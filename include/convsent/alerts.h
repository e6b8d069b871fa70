// The metric tree's alerts (docs/metric-tree.md, "Alerts"), kept in the
// store: raised by `convsent tree --alert`, delivered to the node owner's
// webhook, acknowledged by a person, closed when the driver recovers.
//
// A record family of its own (HACKING.md): a Store hands out its Alerts,
// which reads and writes on the store's connection, in its transaction.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_ALERTS_H_
#define CONVSENT_ALERTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

// An alert on a node of the metric tree.
struct AlertRecord {
  int64_t id = 0;
  std::string node, kind, period;  // kind: "prevalence" or "lift"
  double before = 0, after = 0, p = 1;
  std::string owner, webhook, message;
  std::string status = "open";  // open, acknowledged, recovered
  int64_t created_at_ms = 0, closed_at_ms = 0;
  std::string delivery = "none";  // none (no webhook), pending, sent, failed
  int attempts = 0;
  std::string last_error;
};

class Alerts {
 public:
  virtual ~Alerts() = default;
  // Stores a new alert; returns its id.
  virtual Result<int64_t> Add(const AlertRecord& alert) = 0;
  // Oldest first; only those still open when `open_only`.
  virtual Result<std::vector<AlertRecord>> List(bool open_only) = 0;
  // Writes status, closed_at, delivery, attempts and last_error of alert.id;
  // NotFound when there is no such alert.
  virtual Status Update(const AlertRecord& alert) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_ALERTS_H_
