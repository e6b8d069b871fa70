// What convsent writes back to a help desk (docs/sync.md, "Write-back"): a
// tone tag on a ticket, an internal note when a conversation enters the
// review queue. Each is recorded in the transaction that stored what
// caused it, under a key of its own, so a note is never queued twice; the
// server sends them from its own thread (never in the scoring path),
// retries, and records the outcome.
//
// A record family of its own (HACKING.md): a Store hands out its
// WriteBacks, which works on the store's connection, in its transaction.
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_WRITE_BACKS_H_
#define CONVSENT_WRITE_BACKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct WriteBack {
  int64_t id = 0;
  std::string system;        // "zendesk", "chatwoot", "zammad"
  std::string conversation;  // the vendor's id
  std::string kind;          // "tag" or "note"
  std::string value;         // the tag ("convsent-negative"), or the note's text
  std::string key;           // unique: the same key is queued once
  std::string status = "pending";  // pending, sent, failed (gave up)
  int attempts = 0;
  int64_t created_at_ms = 0, next_at_ms = 0, done_at_ms = 0;
  std::string last_error;
};

class WriteBacks {
 public:
  virtual ~WriteBacks() = default;
  // Queues `w` unless its key is queued already: its id, or 0.
  virtual Result<int64_t> Add(const WriteBack& w) = 0;
  // Pending ones due by `now_ms`, oldest first, at most `limit`.
  virtual Result<std::vector<WriteBack>> Due(int64_t now_ms, int limit) = 0;
  // Writes status, attempts, next_at, done_at and last_error of w.id.
  virtual Status Update(const WriteBack& w) = 0;
  // The value of the newest tag queued for a conversation of `system`, or "".
  virtual Result<std::string> LastTag(const std::string& system, const std::string& conversation) = 0;
  // All, newest first, at most `limit` (tests, an operator's look).
  virtual Result<std::vector<WriteBack>> Recent(int limit) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_WRITE_BACKS_H_
