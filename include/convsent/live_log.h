// The live log (docs/server.md): a message the server receives is stored
// here at once (one cheap insert, so a 201 means stored) and folded into its
// conversation's rows later, with the others that arrived meanwhile.
//
// A record family of its own (HACKING.md), which only a store that one
// process writes has (SQLite): a shared store's conversations are written
// directly, and its Store::live_log() is null.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_LIVE_LOG_H_
#define CONVSENT_LIVE_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "convsent/rollup.h"
#include "convsent/status.h"

namespace convsent {

// A message stored the moment it arrived, before it was folded.
struct LiveMessage {
  int64_t seq = 0;             // order of arrival
  std::string conversation;    // its id
  int64_t position = 0;        // the message's index in its conversation
  std::string header;          // the first message of a new conversation: ConversationToJson of it; else empty
  std::string message, score;  // AppendMessageJson, AppendScoreJson
};

class LiveLog {
 public:
  virtual ~LiveLog() = default;
  // Claims the log for this store's writer until the store is closed: the
  // writer caches what it logged, so a second writer (another `convsent
  // serve`, even in another process) would hand out the same message
  // positions. FailedPrecondition, naming the store, while another holds it.
  virtual Status Claim() = 0;
  // Returns the message's seq.
  virtual Result<int64_t> Append(const LiveMessage& m) = 0;
  // The messages not yet folded, in order of arrival: all, or one
  // conversation's (a scan: the writer knows the seqs of those it logged,
  // and asks only after a restart or a rollback).
  virtual Result<std::vector<LiveMessage>> List(const std::string& conversation = "") = 0;
  // Removes folded messages.
  virtual Status Delete(const std::vector<int64_t>& seqs) = 0;
};

// Appends a logged message and its score to `c`, as the store would read
// them back; DataLoss names the conversation when the log is corrupt.
Status FoldLiveMessage(const LiveMessage& m, ScoredConversation* c);

}  // namespace convsent

#endif  // CONVSENT_LIVE_LOG_H_
