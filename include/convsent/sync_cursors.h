// Where each help-desk sync stands (convsent/sync.h): an opaque cursor per
// sync name, written in the same transaction as the conversations it covers,
// so that a sync killed at any point and started again neither loses nor
// repeats anything. Webhook events seen (for replay protection) live here
// too: each is remembered in the transaction that stores what it carried.
//
// A record family of its own (HACKING.md): a Store hands out its
// SyncCursors, which reads and writes on the store's connection, in its
// transaction. Thread safety: as its Store (one per thread).
#ifndef CONVSENT_SYNC_CURSORS_H_
#define CONVSENT_SYNC_CURSORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct SyncCursorRecord {
  std::string name;     // the sync's name: the system, or the config's name for it
  std::string cursor;   // what the sync reads back (JSON of its own)
  int64_t updated_at_ms = 0;
};

class SyncCursors {
 public:
  virtual ~SyncCursors() = default;
  // The cursor of `name`, nullopt when it never ran.
  virtual Result<std::optional<std::string>> Get(const std::string& name) = 0;
  virtual Status Set(const std::string& name, const std::string& cursor, int64_t at_ms) = 0;
  virtual Result<std::vector<SyncCursorRecord>> List() = 0;
  // Records webhook event `digest` of `system`, remembered until
  // `expires_at_ms`; false when it is already remembered (a replay).
  // Entries expired by `now_ms` are dropped on the way: past its expiry, an
  // event is refused for its signed time, or no longer redelivered.
  virtual Result<bool> FirstSeen(const std::string& system, const std::string& digest, int64_t expires_at_ms,
                                 int64_t now_ms) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_SYNC_CURSORS_H_
