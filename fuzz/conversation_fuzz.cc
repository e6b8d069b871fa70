// libFuzzer target: one JSON Lines record through the conversation parser,
// the rollup and the canonical writer. A record either fails with a Status
// or parses into a conversation that writes back and parses again the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convsent/conversation.h"
#include "convsent/rollup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convsent::Conversation c;
  if (!convsent::ParseConversationJson(std::string_view(reinterpret_cast<const char*>(data), size), &c).ok()) return 0;
  (void)convsent::ComputeFacts(c);
  convsent::Conversation again;
  if (!convsent::ParseConversationJson(convsent::ConversationToJson(c), &again).ok()) std::abort();
  if (again.messages.size() != c.messages.size() || again.id != c.id) std::abort();
  return 0;
}
