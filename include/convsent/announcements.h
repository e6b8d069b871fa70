// Announcements between the processes that share a store (PostgreSQL), so
// that a review-queue change made through one server reaches the live
// streams of the others. A store that one process writes (SQLite) hands out
// none (Store::announcements() is null).
//
// A record family of the store in all but records (HACKING.md): it acts on
// the store's connection, in its transaction. Thread safety: as its Store.
#ifndef CONVSENT_ANNOUNCEMENTS_H_
#define CONVSENT_ANNOUNCEMENTS_H_

#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

class Announcements {
 public:
  virtual ~Announcements() = default;
  // Delivered to the other connections when the transaction commits, and
  // dropped if it rolls back.
  virtual Status Announce(const std::string& payload) = 0;
  // Waits up to `timeout_ms` for the announcements of other connections.
  virtual Result<std::vector<std::string>> Await(int timeout_ms) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_ANNOUNCEMENTS_H_
