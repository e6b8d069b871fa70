// A support conversation: the unit that convsent stores, scores and reports
// on. This is the input model of PRODUCT.md ("Input"): one JSON object per
// line, or CSV rows of messages.
//
// Parsing never throws: a bad line gives a Status whose message names the
// field ("messages[2].role: ...").
#ifndef CONVSENT_CONVERSATION_H_
#define CONVSENT_CONVERSATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convsent/status.h"

namespace convsent {

enum class Role : uint8_t { kCustomer = 0, kAgent = 1, kBot = 2, kNote = 3 };
std::string_view RoleName(Role r);
bool ParseRole(std::string_view name, Role* out);

// A bad line of input, where it is: file:line and the field at fault. Every
// reader of conversations and labels reports with it, and keeps the rest.
struct IngestError {
  std::string file;
  int64_t line = 0;
  std::string field;    // empty when the whole line is at fault
  std::string message;
};

struct Message {
  Role role = Role::kCustomer;
  std::string author;
  int64_t at_ms = 0;   // milliseconds since the Unix epoch, UTC; 0 when absent
  std::string text;
};

struct Event {
  std::string type;    // reopened, escalated, handoff, resolved, ...
  int64_t at_ms = 0;
};

struct Conversation {
  std::string id;
  std::string channel, topic, team;
  std::vector<std::string> tags;
  int64_t created_at_ms = 0;
  std::vector<Message> messages;
  std::vector<Event> events;
  std::optional<int> csat;  // 1-5
  std::optional<int> nps;   // 0-10
  // Any other top-level string (or number) field, kept as a segment key.
  std::vector<std::pair<std::string, std::string>> attributes;
};

// A conversation id must name one conversation in a URL and in every
// store: 1 to 256 bytes of valid UTF-8, without control characters or "/".
inline constexpr size_t kMaxConversationIdBytes = 256;
Status CheckConversationId(std::string_view id);

// Parses one JSON Lines record.
Status ParseConversationJson(std::string_view json, Conversation* out);

// Writes the canonical JSON of a conversation (one line, no newline).
std::string ConversationToJson(const Conversation& c);

// RFC 3339 date-times ("2026-11-02T09:14:00Z", "...+02:00", fractions) and
// plain dates ("2026-11-02", midnight UTC).
bool ParseTime(std::string_view text, int64_t* ms);
std::string FormatTime(int64_t ms);  // "2026-11-02T09:14:00Z" (with .mmm when needed)
int64_t NowMs();                     // the current time, in ms since the Unix epoch

}  // namespace convsent

#endif  // CONVSENT_CONVERSATION_H_
