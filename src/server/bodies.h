// The bodies the server accepts, parsed into the conversation model. Pure
// functions of untrusted bytes: fuzzed (fuzz/request_body_fuzz.cc).
#ifndef CONVSENT_SRC_SERVER_BODIES_H_
#define CONVSENT_SRC_SERVER_BODIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/status.h"

namespace convsent {

// POST /v1/conversations/{id}/messages:
//   {"role": "customer", "author": "u-1", "at": "2026-11-02T09:14:00Z", "text": "…",
//    "conversation": {"channel": "chat", …}}   (the last only used when the conversation is new)
// Errors name the field.
struct MessageBody {
  Message message;
  Conversation header;  // channel, topic, team, tags, created_at, attributes; no messages
  bool has_header = false;
  uint32_t repaired_bytes = 0;  // invalid UTF-8 bytes replaced with U+FFFD
};
Status ParseMessageBody(std::string_view json, MessageBody* out);

// POST /v1/conversations: JSON Lines of conversations (the ingest format) or
// one JSON array of them. Good records are kept; each bad one is reported
// with its line (or array index) and the reason.
struct BulkError {
  int64_t line = 0;
  std::string error;
};
void ParseBulkBody(std::string_view body, std::vector<Conversation>* out, std::vector<BulkError>* errors);

}  // namespace convsent

#endif  // CONVSENT_SRC_SERVER_BODIES_H_
