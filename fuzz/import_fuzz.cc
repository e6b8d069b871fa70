// libFuzzer target: one untrusted document through every help-desk reader
// and the HTML/email cleaner. Nothing may crash, and every conversation an
// import yields must write canonical JSON that the ingest parser reads back.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "convsent/import.h"
#include "import/clean_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)convsent::import_internal::CleanBody(text, true);
  (void)convsent::import_internal::StripQuotedEmail(text);
  for (convsent::HelpDesk system : convsent::AllHelpDesks()) {
    const auto result = convsent::ImportDocuments(system, {{"fuzz.json", text}});
    for (const auto& c : result.conversations) {
      convsent::Conversation again;
      if (c.messages.empty() || !convsent::ParseConversationJson(convsent::ConversationToJson(c), &again).ok()) {
        std::abort();
      }
    }
  }
  return 0;
}
