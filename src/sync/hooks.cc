// Webhooks in: each vendor's signature (hooks.h) and each event's mapping
// onto a message, a conversation to fetch, or whole conversations.
#include "convsent/hooks.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "sync/api.h"


namespace convsent {
namespace {

using json = nlohmann::json;

constexpr struct {
  HookSystem system;
  std::string_view name;
} kHookSystems[] = {{HookSystem::kZendesk, "zendesk"}, {HookSystem::kIntercom, "intercom"},
                    {HookSystem::kFront, "front"},     {HookSystem::kTwilio, "twilio"},
                    {HookSystem::kChatwoot, "chatwoot"}, {HookSystem::kZammad, "zammad"},
                    {HookSystem::kFreescout, "freescout"}};

bool SameBytes(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// application/x-www-form-urlencoded pairs, decoded.
std::vector<std::pair<std::string, std::string>> FormPairs(std::string_view body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
    }
    start = end + 1;
  }
  return out;
}

// A timestamp header in seconds or milliseconds, or RFC 3339; 0 if unreadable.
int64_t SignedAtMs(const std::string& value, bool milliseconds) {
  if (value.empty()) return 0;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 15) return 0;
    const int64_t v = std::stoll(value);
    return milliseconds ? v : v * 1000;
  }
  int64_t ms = 0;
  return ParseTime(value, &ms) ? ms : 0;
}

std::string Str(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return json(*it).dump();
  return "";
}

int64_t TimeOf(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number()) {
    const double v = it->get<double>();
    return static_cast<int64_t>(v > 1e11 ? v : v * 1000);  // seconds, or already ms
  }
  int64_t ms = 0;
  return it->is_string() && ParseTime(it->get<std::string>(), &ms) ? ms : 0;
}

HookEvent Ignore(std::string why) {
  HookEvent e;
  e.kind = HookEvent::Kind::kIgnore;
  e.why = std::move(why);
  return e;
}

HookEvent MessageEvent(std::string conversation, Role role, std::string text, int64_t at_ms, std::string key) {
  HookEvent e;
  e.kind = HookEvent::Kind::kMessage;
  e.conversation_id = std::move(conversation);
  e.message.role = role;
  e.message.text = CleanMessageText(text);
  e.message.at_ms = at_ms;
  e.message_key = std::move(key);
  if (e.message.text.empty()) return Ignore("a message with no text to score (an attachment alone)");
  return e;
}

Result<json> JsonBody(const HookRequest& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("body: not a JSON object");
  return j;
}

Result<HookEvent> Zendesk(const HookRequest& r, bool can_fetch) {
  ASSIGN_OR_RETURN(const json j, JsonBody(r));
  // A trigger's own JSON ({"ticket_id": "{{ticket.id}}"}, docs/sync.md), or
  // an event subscription (zen:event-type:ticket.*, the ticket in detail).
  std::string id = Str(j, "ticket_id");
  if (id.empty() && j.contains("ticket") && j["ticket"].is_object()) id = Str(j["ticket"], "id");
  if (id.empty() && j.contains("detail") && j["detail"].is_object()) id = Str(j["detail"], "id");
  if (id.empty()) return Status::InvalidArgument("body: no ticket_id, ticket.id or detail.id");
  if (!can_fetch) {
    return Status::FailedPrecondition("a Zendesk webhook names the ticket: the server fetches it, and needs the "
                                      "zendesk block of the sync config (url, email, token) to");
  }
  HookEvent e;
  e.kind = HookEvent::Kind::kFetch;
  e.conversation_id = id;
  return e;
}

Result<HookEvent> Intercom(const HookRequest& r, bool can_fetch) {
  ASSIGN_OR_RETURN(const json j, JsonBody(r));
  const std::string topic = Str(j, "topic");
  if (topic == "ping") return Ignore("ping");
  const json* item = nullptr;
  if (j.contains("data") && j["data"].is_object() && j["data"].contains("item") && j["data"]["item"].is_object()) {
    item = &j["data"]["item"];
  }
  if (item == nullptr || Str(*item, "type") != "conversation") return Ignore("topic " + topic + ": not a conversation");
  const std::string id = Str(*item, "id");
  if (id.empty()) return Status::InvalidArgument("data.item.id: missing");
  if (can_fetch) {
    HookEvent e;
    e.kind = HookEvent::Kind::kFetch;
    e.conversation_id = id;
    return e;
  }
  // Without the API: the event's newest part (the conversation's opening
  // message when it has none), read as the import reads a conversation.
  ImportResult imported = ImportResponses(HelpDesk::kIntercom, {{"intercom webhook", "/conversations/" + id, item->dump()}});
  if (imported.conversations.empty() || imported.conversations[0].messages.empty()) {
    return Ignore("topic " + topic + ": no message with text");
  }
  Conversation& c = imported.conversations[0];
  HookEvent e;
  e.kind = HookEvent::Kind::kMessage;
  e.conversation_id = c.id;
  e.message = c.messages.back();
  c.messages.clear();
  e.header = std::move(c);
  std::string part;
  if (const json& parts = sync_internal::Member(sync_internal::Member(*item, "conversation_parts"), "conversation_parts");
      parts.is_array() && !parts.empty() && parts.back().is_object()) {
    part = Str(parts.back(), "id");
  }
  e.message_key = part.empty() ? "source:" + id : "part:" + part;
  return e;
}

Result<HookEvent> Front(const HookRequest& r, bool can_fetch) {
  ASSIGN_OR_RETURN(json j, JsonBody(r));
  if (j.contains("payload") && j["payload"].is_object()) j = j["payload"];  // an application webhook's wrapper
  const std::string type = Str(j, "type");
  if (!j.contains("conversation") || !j["conversation"].is_object()) return Ignore("event " + type + ": no conversation");
  const std::string id = Str(j["conversation"], "id");
  if (id.empty()) return Status::InvalidArgument("conversation.id: missing");
  if (type != "inbound" && type != "outbound" && type != "out_reply" && type != "comment") {
    return Ignore("event " + type + ": no new message");
  }
  if (can_fetch) {
    HookEvent e;
    e.kind = HookEvent::Kind::kFetch;
    e.conversation_id = id;
    return e;
  }
  const json* data = nullptr;
  if (j.contains("target") && j["target"].is_object() && j["target"].contains("data") && j["target"]["data"].is_object()) {
    data = &j["target"]["data"];
  }
  if (data == nullptr) return Ignore("event " + type + ": no message in target.data");
  const Role role = type == "comment" ? Role::kNote : data->value("is_inbound", false) ? Role::kCustomer : Role::kAgent;
  std::string text = Str(*data, "text");
  if (text.empty()) text = Str(*data, "body");
  return MessageEvent(id, role, text, TimeOf(*data, "created_at"), "message:" + Str(*data, "id"));
}

Result<HookEvent> Twilio(const HookRequest& r) {
  std::map<std::string, std::string> p;
  for (auto& [k, v] : FormPairs(r.body)) p[k] = v;
  const std::string type = p["EventType"];
  if (type != "onMessageAdded") return Ignore("event " + (type.empty() ? std::string("(none)") : type));
  if (p["ConversationSid"].empty()) return Status::InvalidArgument("ConversationSid: missing");
  // As the Twilio reader decides: an address (whatsapp:+1..., +1...) is the
  // customer, "system" a bot, an identity an agent.
  const std::string& author = p["Author"];
  const Role role = author == "system" ? Role::kBot
                    : (!author.empty() && (author[0] == '+' || author.find(':') != std::string::npos)) ? Role::kCustomer
                                                                                                    : Role::kAgent;
  int64_t at = 0;
  (void)ParseTime(p["DateCreated"], &at);
  HookEvent e = MessageEvent(p["ConversationSid"], role, p["Body"], at, "message:" + p["MessageSid"]);
  e.header.channel = Lower(p["Source"]) == "whatsapp" ? "whatsapp" : Lower(p["Source"]) == "sms" ? "sms" : "chat";
  return e;
}

Result<HookEvent> Chatwoot(const HookRequest& r) {
  ASSIGN_OR_RETURN(const json j, JsonBody(r));
  const std::string event = Str(j, "event");
  if (event != "message_created") return Ignore("event " + event);
  if (!j.contains("conversation") || !j["conversation"].is_object()) return Status::InvalidArgument("conversation: missing");
  const std::string id = Str(j["conversation"], "id");
  if (id.empty()) return Status::InvalidArgument("conversation.id: missing");
  // message_type: incoming (0) from the contact, outgoing (1) from an agent
  // or bot; activity (2) and template (3) are the system's.
  std::string type = Str(j, "message_type");
  if (type == "0") type = "incoming";
  if (type == "1") type = "outgoing";
  if (type != "incoming" && type != "outgoing") return Ignore("message_type " + type + ": not a person's message");
  Role role = type == "incoming" ? Role::kCustomer : Role::kAgent;
  if (j.contains("sender") && j["sender"].is_object() && Str(j["sender"], "type") == "agent_bot") role = Role::kBot;
  if (j.value("private", false)) role = Role::kNote;
  HookEvent e = MessageEvent(id, role, Str(j, "content"), TimeOf(j, "created_at"), "message:" + Str(j, "id"));
  const std::string channel = Lower(Str(j["conversation"], "channel"));
  if (!channel.empty()) {
    e.header.channel = channel.find("email") != std::string::npos ? "email"
                       : channel.find("whatsapp") != std::string::npos ? "whatsapp"
                                                                        : "chat";
  }
  return e;
}

Result<HookEvent> Zammad(const HookRequest& r) {
  ASSIGN_OR_RETURN(const json j, JsonBody(r));
  if (!j.contains("ticket") || !j["ticket"].is_object()) return Status::InvalidArgument("ticket: missing");
  const std::string id = Str(j["ticket"], "id");
  if (id.empty()) return Status::InvalidArgument("ticket.id: missing");
  if (!j.contains("article") || !j["article"].is_object()) return Ignore("a ticket change with no article");
  const json& a = j["article"];
  std::string sender = Str(a, "sender");
  if (sender.empty() && a.contains("sender") && a["sender"].is_object()) sender = Str(a["sender"], "name");
  Role role = sender == "Customer" ? Role::kCustomer : sender == "System" ? Role::kBot : Role::kAgent;
  if (a.value("internal", false)) role = Role::kNote;
  HookEvent e = MessageEvent(id, role, Str(a, "body"), TimeOf(a, "created_at"), "article:" + Str(a, "id"));
  e.header.topic = Str(j["ticket"], "title");
  return e;
}

Result<HookEvent> Freescout(const HookRequest& r) {
  const std::string event = r.header("X-FreeScout-Event");
  if (event.find("deleted") != std::string::npos) return Ignore("event " + event);
  ASSIGN_OR_RETURN(const json j, JsonBody(r));
  const std::string id = Str(j, "id");
  if (id.empty()) return Status::InvalidArgument("id: missing (expected a conversation)");
  const json* threads = nullptr;
  if (j.contains("_embedded") && j["_embedded"].is_object() && j["_embedded"].contains("threads") &&
      j["_embedded"]["threads"].is_array()) {
    threads = &j["_embedded"]["threads"];
  }
  if (threads == nullptr) return Ignore("event " + event + ": no threads embedded");
  // The conversation whole, its threads oldest first (the API lists them
  // newest first): it replaces what was stored.
  Conversation c;
  c.id = id;
  c.topic = Str(j, "subject");
  c.created_at_ms = TimeOf(j, "createdAt");
  c.channel = Str(j, "type") == "chat" ? "chat" : Str(j, "type") == "phone" ? "voice" : "email";
  for (const json& t : *threads) {
    if (!t.is_object()) continue;
    const std::string type = Str(t, "type");
    Role role;
    if (type == "customer") role = Role::kCustomer;
    else if (type == "message") role = Role::kAgent;
    else if (type == "note") role = Role::kNote;
    else continue;  // lineitem: a status or assignment change
    Message m;
    m.role = role;
    m.text = CleanMessageText(Str(t, "body"));
    m.at_ms = TimeOf(t, "createdAt");
    if (!m.text.empty()) c.messages.push_back(std::move(m));
  }
  std::stable_sort(c.messages.begin(), c.messages.end(), [](const Message& a, const Message& b) { return a.at_ms < b.at_ms; });
  if (c.messages.empty()) return Ignore("event " + event + ": no message with text");
  if (c.created_at_ms == 0) c.created_at_ms = c.messages.front().at_ms;
  HookEvent e;
  e.kind = HookEvent::Kind::kConversations;
  e.conversations.push_back(std::move(c));
  return e;
}

}  // namespace

std::string Hmac(std::string_view algorithm, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(algorithm == "sha1" ? EVP_sha1() : EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return std::string(reinterpret_cast<const char*>(out), n);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += kHex[c >> 4], out += kHex[c & 15];
  return out;
}

std::string_view HookSystemName(HookSystem system) {
  for (const auto& s : kHookSystems) {
    if (s.system == system) return s.name;
  }
  return "?";
}

bool ParseHookSystem(std::string_view name, HookSystem* out) {
  for (const auto& s : kHookSystems) {
    if (s.name == name) return *out = s.system, true;
  }
  return false;
}

std::vector<HookSystem> AllHookSystems() {
  std::vector<HookSystem> out;
  for (const auto& s : kHookSystems) out.push_back(s.system);
  return out;
}

bool HookHelpDesk(HookSystem system, HelpDesk* out) {
  switch (system) {
    case HookSystem::kZendesk: return *out = HelpDesk::kZendesk, true;
    case HookSystem::kIntercom: return *out = HelpDesk::kIntercom, true;
    case HookSystem::kFront: return *out = HelpDesk::kFront, true;
    case HookSystem::kTwilio: return *out = HelpDesk::kTwilio, true;
    default: return false;
  }
}

HookCheck VerifyHook(HookSystem system, const std::string& secret, const HookRequest& r, int64_t now_ms,
                     int64_t window_ms) {
  HookCheck c;
  if (secret.empty()) {
    c.error = "no webhook secret is configured for " + std::string(HookSystemName(system)) +
              " (webhook_secret_file in the sync config, docs/sync.md)";
    return c;
  }
  std::string header, expected, stamp;
  bool ms_stamp = false;
  switch (system) {
    case HookSystem::kZendesk:
      header = "X-Zendesk-Webhook-Signature";
      stamp = r.header("X-Zendesk-Webhook-Signature-Timestamp");
      expected = Base64Encode(Hmac("sha256", secret, stamp + r.body));
      break;
    case HookSystem::kFront:
      header = "X-Front-Signature";
      stamp = r.header("X-Front-Request-Timestamp");
      ms_stamp = true;
      expected = Base64Encode(Hmac("sha256", secret, stamp + ":" + r.body));
      break;
    case HookSystem::kChatwoot:
      header = "X-Chatwoot-Signature";
      stamp = r.header("X-Chatwoot-Timestamp");
      expected = "sha256=" + HexEncode(Hmac("sha256", secret, stamp + "." + r.body));
      break;
    case HookSystem::kIntercom:
    case HookSystem::kZammad:
      header = "X-Hub-Signature";
      expected = "sha1=" + HexEncode(Hmac("sha1", secret, r.body));
      break;
    case HookSystem::kFreescout:
      header = "X-FreeScout-Signature";
      expected = Base64Encode(Hmac("sha1", secret, r.body));
      break;
    case HookSystem::kTwilio: {
      header = "X-Twilio-Signature";
      auto pairs = FormPairs(r.body);
      std::sort(pairs.begin(), pairs.end());
      std::string data = r.url;
      if (r.content_type.find("application/x-www-form-urlencoded") != std::string::npos) {
        for (const auto& [k, v] : pairs) data += k + v;
      } else {
        // Any other body is signed through the URL's bodySHA256 parameter,
        // which must be the body's SHA-256.
        const size_t at = r.url.find("bodySHA256=");
        const std::string given = at == std::string::npos ? "" : r.url.substr(at + 11, 64);
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_Digest(r.body.data(), r.body.size(), digest, &n, EVP_sha256(), nullptr);
        if (!SameBytes(Lower(given), HexEncode(std::string(reinterpret_cast<char*>(digest), n)))) {
          c.error = "a Twilio body that is not a form must carry its SHA-256 in the URL's bodySHA256";
          return c;
        }
      }
      expected = Base64Encode(Hmac("sha1", secret, data));
      break;
    }
  }
  const std::string given = r.header(header);
  if (given.empty()) {
    c.error = "missing " + header;
    return c;
  }
  if (!SameBytes(given, expected)) {
    c.error = "bad " + header;
    return c;
  }
  if (system == HookSystem::kZendesk || system == HookSystem::kFront || system == HookSystem::kChatwoot) {
    c.signed_at_ms = SignedAtMs(stamp, ms_stamp);
    if (c.signed_at_ms == 0) {
      c.error = "missing or unreadable signed timestamp";
      return c;
    }
    if (c.signed_at_ms < now_ms - window_ms || c.signed_at_ms > now_ms + window_ms) {
      c.error = "signed at " + FormatTime(c.signed_at_ms) + ", outside the replay window of " +
                std::to_string(window_ms / 1000) + " s";
      return c;
    }
  }
  c.ok = true;
  c.digest = HexEncode(Hmac("sha256", "convsent-hook", stamp + "\n" + r.body));
  return c;
}

Result<HookEvent> ParseHook(HookSystem system, const HookRequest& r, bool can_fetch) {
  switch (system) {
    case HookSystem::kZendesk: return Zendesk(r, can_fetch);
    case HookSystem::kIntercom: return Intercom(r, can_fetch);
    case HookSystem::kFront: return Front(r, can_fetch);
    case HookSystem::kTwilio: return Twilio(r);
    case HookSystem::kChatwoot: return Chatwoot(r);
    case HookSystem::kZammad: return Zammad(r);
    case HookSystem::kFreescout: return Freescout(r);
  }
  return Status::Internal("unknown hook system");
}

}  // namespace convsent
