// The write-ahead log of a store that has one (SQLite): who copies it into
// the store, and when. A store that checkpoints on its own (PostgreSQL)
// hands out none (Store::checkpoints() is null).
//
// A record family of the store in all but records (HACKING.md): it acts on
// the store's connection. Thread safety: as its Store.
#ifndef CONVSENT_CHECKPOINTS_H_
#define CONVSENT_CHECKPOINTS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "convsent/status.h"

namespace convsent {

class Checkpoints {
 public:
  virtual ~Checkpoints() = default;
  // For a long-running writer: its commits stop copying the log into the
  // store (a pause of a fraction of a second each time); Run(), from another
  // connection, does it without blocking the writer. `false` gives the
  // copying back to the commits.
  virtual Status Defer(bool defer = true) = 0;
  // Copies what it can into the store. `restart`: also starts the log over
  // from its beginning once it is all copied, so that it stops growing; it
  // waits for the copy of what is left (little, when another connection
  // checkpoints often). Busy: no error.
  virtual Status Run(bool restart = false) = 0;
  // Starts writing what changed to disk without waiting for it (the
  // database file and its log), so that the next Run's sync has little
  // left to wait for.
  virtual Status StartWriteback() = 0;
};

// For a long-running writer whose own connection deferred its checkpoints:
// a thread with a connection of its own runs them every `period`, with
// `start_writeback` first starting the writeback. Nothing on a store
// without a log to manage, or one that cannot be opened. The thread stops
// when this is destroyed.
class BackgroundCheckpoints {
 public:
  BackgroundCheckpoints(const std::string& location, std::chrono::milliseconds period, bool start_writeback);
  ~BackgroundCheckpoints();
  BackgroundCheckpoints(const BackgroundCheckpoints&) = delete;
  BackgroundCheckpoints& operator=(const BackgroundCheckpoints&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable wake_;  // done_ set: stop at once, not after the period
  bool done_ = false;
  std::thread thread_;
};

}  // namespace convsent

#endif  // CONVSENT_CHECKPOINTS_H_
