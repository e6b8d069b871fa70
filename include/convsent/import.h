// Import: help-desk exports and saved API responses into conversations.
//
// Each system has its own reader (src/import/<system>.cc) that maps its
// tickets, comments, parts, threads or transcripts onto the conversation
// model; docs/import.md has the mapping table of each. Several files of one
// system are read together and joined (Zendesk tickets with their comments,
// audits, side-loaded users and satisfaction ratings; Front conversations
// with their messages; ...), so one call takes them all.
//
// Text is cleaned as a person would read it: HTML to text, quoted email
// history and signatures removed, attachments and system messages left out.
// Bad input never stops the import: a file that is not JSON, or an item
// that is malformed, gives an error naming the file and the JSON path, and
// the rest is imported.
#ifndef CONVSENT_IMPORT_H_
#define CONVSENT_IMPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/conversation.h"

namespace convsent {

enum class HelpDesk { kZendesk, kIntercom, kFront, kGorgias, kZohoDesk, kTwilio, kConnect };

// "zendesk", "intercom", "front", "gorgias", "zoho-desk", "twilio", "connect".
std::string_view HelpDeskName(HelpDesk system);
bool ParseHelpDesk(std::string_view name, HelpDesk* out);
std::vector<HelpDesk> AllHelpDesks();

struct ImportResult {
  // In the order first seen; each with at least one message to score.
  std::vector<Conversation> conversations;
  // Each names the file and, in `field`, the JSON path ("tickets[3].via").
  // `line` is the line of a JSON syntax error, 0 otherwise.
  std::vector<IngestError> errors;
  int64_t files = 0;
  int64_t messages_left_out = 0;  // system messages, attachments only, empty after cleaning
};

// The largest file an import reads (a whole JSON document is parsed at once).
inline constexpr int64_t kMaxImportFileBytes = int64_t{256} << 20;

// Reads `paths`, all from `system`, and joins them into conversations.
ImportResult ImportFiles(HelpDesk system, const std::vector<std::string>& paths);

// The same on documents already in memory: {name, JSON text} pairs, where
// the name stands for the file in errors (and may carry the parent's id,
// see docs/import.md). Used by the tests and the fuzz target.
ImportResult ImportDocuments(HelpDesk system, const std::vector<std::pair<std::string, std::string>>& documents);

// An API response as a sync fetched it (convsent/sync.h): the request path
// tells a reader which ticket or conversation a list of comments, threads
// or messages belongs to, as in a recording.
struct ImportResponse {
  std::string name;          // stands for the file in errors
  std::string request_path;  // "/api/v2/tickets/7/comments.json"
  std::string body;
};
ImportResult ImportResponses(HelpDesk system, const std::vector<ImportResponse>& responses);

// A message body as a person would read it (HTML to text, quoted history
// and signatures removed), as every reader cleans it; HTML or not is told
// from the body. For the webhooks of help desks with no reader here.
std::string CleanMessageText(std::string_view body);

}  // namespace convsent

#endif  // CONVSENT_IMPORT_H_
