// libFuzzer target: the bodies convsent serve accepts from the network, a
// message and a bulk of conversations. Each either fails with a Status or
// gives messages that write back as canonical JSON and parse again.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convsent/conversation.h"
#include "server/bodies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  convsent::MessageBody message;
  if (convsent::ParseMessageBody(body, &message).ok() && message.has_header && !message.header.messages.empty()) {
    std::abort();  // a header never carries messages
  }
  std::vector<convsent::Conversation> conversations;
  std::vector<convsent::BulkError> errors;
  convsent::ParseBulkBody(body, &conversations, &errors);
  for (const auto& c : conversations) {
    convsent::Conversation again;
    if (!convsent::ParseConversationJson(convsent::ConversationToJson(c), &again).ok()) std::abort();
  }
  for (const auto& e : errors) {
    if (e.error.empty()) std::abort();  // every rejection says why
  }
  return 0;
}
