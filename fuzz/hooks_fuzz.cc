// libFuzzer target: one untrusted webhook body (and its headers, from the
// same bytes) through every system's signature check and event mapping.
// Nothing may crash; a message it yields must have text, and conversations
// must write canonical JSON that the ingest parser reads back.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "convsent/hooks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  // The first line is every header's value, the rest the body.
  const size_t nl = bytes.find('\n');
  const std::string header = nl == std::string::npos ? "" : bytes.substr(0, nl);
  convsent::HookRequest r;
  r.body = nl == std::string::npos ? bytes : bytes.substr(nl + 1);
  r.content_type = size % 2 ? "application/json" : "application/x-www-form-urlencoded";
  r.header = [&](const std::string&) { return header; };
  r.url = "https://convsent.example/v1/hooks/x";
  for (convsent::HookSystem system : convsent::AllHookSystems()) {
    (void)convsent::VerifyHook(system, "secret", r, 1790000000000, 300000);
    for (const bool can_fetch : {false, true}) {
      auto event = convsent::ParseHook(system, r, can_fetch);
      if (!event.ok()) continue;
      if (event->kind == convsent::HookEvent::Kind::kMessage && event->message.text.empty()) std::abort();
      for (const auto& c : event->conversations) {
        convsent::Conversation again;
        if (c.messages.empty() || !convsent::ParseConversationJson(convsent::ConversationToJson(c), &again).ok()) {
          std::abort();
        }
      }
    }
  }
  return 0;
}
