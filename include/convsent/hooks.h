// Webhooks in: a help desk's event, its signature checked the way the
// vendor documents it, turned into what the server stores (docs/sync.md).
//
//   zendesk    X-Zendesk-Webhook-Signature: base64 HMAC-SHA256 of timestamp + body,
//              X-Zendesk-Webhook-Signature-Timestamp
//   intercom   X-Hub-Signature: sha1=hex HMAC-SHA1 of the body (the app's client secret)
//   front      X-Front-Signature: base64 HMAC-SHA256 of timestamp + ":" + body,
//              X-Front-Request-Timestamp (ms)
//   twilio     X-Twilio-Signature: base64 HMAC-SHA1 of the URL Twilio called and
//              the form's parameters, sorted, each name then value (the auth token)
//   chatwoot   X-Chatwoot-Signature: sha256=hex HMAC-SHA256 of timestamp + "." + body,
//              X-Chatwoot-Timestamp (s)
//   zammad     X-Hub-Signature: sha1=hex HMAC-SHA1 of the body (the webhook's token)
//   freescout  X-FreeScout-Signature: base64 HMAC-SHA1 of the body
//
// A signed timestamp outside the replay window is refused; so is an event
// seen before (its digest is remembered in the store, SyncCursors::
// FirstSeen), which also catches the replay of a vendor that signs no time.
#ifndef CONVSENT_HOOKS_H_
#define CONVSENT_HOOKS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/import.h"
#include "convsent/status.h"

namespace convsent {

enum class HookSystem { kZendesk, kIntercom, kFront, kTwilio, kChatwoot, kZammad, kFreescout };
std::string_view HookSystemName(HookSystem system);
bool ParseHookSystem(std::string_view name, HookSystem* out);
std::vector<HookSystem> AllHookSystems();
// The help desk whose readers and API a hook system shares, if any.
bool HookHelpDesk(HookSystem system, HelpDesk* out);

// The largest webhook body read: events are small.
inline constexpr size_t kMaxHookBodyBytes = 1 << 20;

struct HookRequest {
  std::string body;
  std::string content_type;
  // The header `name` (case-insensitive) or "".
  std::function<std::string(const std::string& name)> header;
  std::string url;  // as the vendor called it (Twilio signs it): the public URL and the query
};

struct HookCheck {
  bool ok = false;
  std::string error;      // why not, for the 401
  std::string digest;     // what identifies this delivery, to refuse it twice
  int64_t signed_at_ms = 0;  // 0: the vendor signs no time
};
HookCheck VerifyHook(HookSystem system, const std::string& secret, const HookRequest& request, int64_t now_ms,
                     int64_t window_ms);

struct HookEvent {
  enum class Kind {
    kIgnore,        // an event with nothing to score (a ping, a status change)
    kMessage,       // one new message of a conversation
    kFetch,         // only an id: the conversation is fetched from the vendor's API
    kConversations, // whole conversations
  };
  Kind kind = Kind::kIgnore;
  std::string why;              // kIgnore: what it was
  std::string conversation_id;  // kMessage, kFetch
  Conversation header;          // kMessage: the conversation's fields when it is new
  Message message;              // kMessage
  std::string message_key;      // kMessage: the vendor's id of the message, so a redelivery is not stored twice
  std::vector<Conversation> conversations;  // kConversations
};
// What the event says. `can_fetch`: the server has the vendor's API
// credentials, so an event about a conversation fetches it whole rather
// than taking its latest message. Errors name the field.
Result<HookEvent> ParseHook(HookSystem system, const HookRequest& request, bool can_fetch);

// HMAC of `data` with `key`: "sha1" or "sha256", raw bytes.
std::string Hmac(std::string_view algorithm, std::string_view key, std::string_view data);
std::string Base64Encode(std::string_view bytes);
std::string HexEncode(std::string_view bytes);

}  // namespace convsent

#endif  // CONVSENT_HOOKS_H_
