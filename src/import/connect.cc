// Amazon Connect: chat transcripts (the S3 export, "Version": "2019-08-26")
// and Contact Lens output files for chat and voice, which embed the
// transcript. docs/import.md#amazon-connect.
#include <algorithm>
#include <map>

#include "import/clean_text.h"
#include "import/payload.h"

namespace convsent::import_internal {
namespace {

Role RoleOf(const std::string& role) {
  if (role == "CUSTOMER") return Role::kCustomer;
  if (role == "AGENT" || role == "SUPERVISOR") return Role::kAgent;
  return Role::kBot;  // CUSTOM_BOT (a Lex bot talking with the customer)
}

// Contact Lens names its files "<ContactId>_analysis_<time>.json".
std::string IdFromFileName(const std::string& file) {
  std::string name = file.substr(file.find_last_of('/') == std::string::npos ? 0 : file.find_last_of('/') + 1);
  if (const size_t at = name.find("_analysis"); at != std::string::npos) return name.substr(0, at);
  if (const size_t dot = name.find('.'); dot != std::string::npos && dot > 0) return name.substr(0, dot);
  return name;
}

class ConnectReader : public Reader {
 public:
  void Read(const Node& doc, Context& ctx) override {
    if (!doc.has("Transcript")) {
      doc.Fail("not an Amazon Connect chat transcript or Contact Lens output (no Transcript)");
    }
    std::string id = doc["CustomerMetadata"]["ContactId"].Str();
    if (id.empty()) id = doc["ContactId"].Str();
    if (id.empty()) id = doc["InitialContactId"].Str();
    if (id.empty()) id = IdFromFileName(ctx.file());
    Draft d;  // read whole, then merged: a malformed transcript adds nothing
    Conversation& c = d.conversation;
    c.id = id;
    std::string channel = doc["Channel"].Str();
    for (char& ch : channel) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.channel = channel.empty() ? "chat" : channel;
    d.SetAttribute("language", doc["LanguageCode"].Str());
      for (const Node& category : doc["Categories"]["MatchedCategories"].Items()) {
      const std::string tag = category.Str();
      if (std::find(c.tags.begin(), c.tags.end(), tag) == c.tags.end()) c.tags.push_back(tag);
    }

    std::map<std::string, std::string> roles;  // ParticipantId -> ParticipantRole
    for (const Node& p : doc["Participants"].Items()) roles[p["ParticipantId"].Str()] = p["ParticipantRole"].Str();
    int agents_joined = 0;
    for (const Node& item : doc["Transcript"].Items()) {
      ctx.Guard([&] {
        std::string role = item["ParticipantRole"].Str();
        const std::string participant = item["ParticipantId"].Str();
        if (role.empty()) role = roles.count(participant) ? roles[participant] : participant;
        const std::string type = item["Type"].Str();
        const std::string content_type = item["ContentType"].Str();
        const int64_t at = item["AbsoluteTime"].Time();
        if (c.created_at_ms == 0) c.created_at_ms = at;
        if (type == "EVENT") {
          if (content_type.find("participant.joined") != std::string::npos && role == "AGENT" && ++agents_joined > 1) {
            d.AddEvent("handoff", at);
          } else if (content_type.find("transfer.succeeded") != std::string::npos) {
            d.AddEvent("handoff", at);
          } else if (content_type.find("chat.ended") != std::string::npos) {
            d.AddEvent("resolved", at);
          }
          return;
        }
        // Messages: chat items of type MESSAGE with text, or voice turns.
        const bool text = content_type.empty() || content_type == "text/plain" || content_type == "text/markdown";
        if ((!type.empty() && type != "MESSAGE") || !text) return ctx.LeftOut();  // attachments, receipts
        // Connect's own notices ("You are now being placed in queue") are
        // no one's sentiment.
        if (role == "SYSTEM") return ctx.LeftOut();
        DraftMessage m;
        // The same turn in the original and the redacted file is kept once;
        // voice turns in AWS's example all carry one placeholder Id.
        m.source_id = item["Id"].Str() + "@" + (at != 0 ? std::to_string(at) : item["BeginOffsetMillis"].Str());
        m.message.role = RoleOf(role);
        m.message.author = item["DisplayName"].Str();
        if (m.message.author.empty()) m.message.author = participant;
        m.message.at_ms = at;
        m.message.text = CleanBody(item["Content"].Str(), false);
        if (m.message.text.empty()) return ctx.LeftOut();
        d.AddMessage(std::move(m));
      });
    }
    drafts_.Merge(std::move(d), ctx);
  }

  void Finish(ImportResult* out) override { drafts_.Finish(out); }

 private:
  Drafts drafts_;
};

}  // namespace

std::unique_ptr<Reader> NewConnectReader() { return std::make_unique<ConnectReader>(); }

}  // namespace convsent::import_internal
