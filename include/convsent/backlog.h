// The backlog that `convsent worker` processes (docs/deployment.md):
// conversations enqueued once, each scored and stored by exactly one worker.
//
// A record family of its own (HACKING.md): a Store hands out its Backlog,
// which reads and writes on the store's connection, in its transaction.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_BACKLOG_H_
#define CONVSENT_BACKLOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

// A conversation waiting for a worker to score it.
struct BacklogItem {
  int64_t id = 0;
  std::string conversation;  // one line of the ingest format (canonical JSON)
};

class Backlog {
 public:
  virtual ~Backlog() = default;
  virtual Status Enqueue(const std::vector<std::string>& conversations, int64_t at_ms) = 0;
  // Inside a transaction: takes up to `limit` of the oldest items, passing
  // over those that another worker holds. Committing removes them for good;
  // a rollback, or a worker that dies, puts them back.
  virtual Result<std::vector<BacklogItem>> Claim(int limit) = 0;
  virtual Result<int64_t> Size() = 0;
};

}  // namespace convsent

#endif  // CONVSENT_BACKLOG_H_
