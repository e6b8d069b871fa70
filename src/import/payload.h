// What the help-desk readers share: a JSON value that knows its path (for
// errors), the conversation being assembled from several payloads, and the
// Reader interface each system implements.
//
// Inside the import, a malformed item throws PayloadError; the loop over
// items catches it (Context::Guard), records it with the file and the JSON
// path, and goes on with the next item. Nothing throws out of ImportFiles.
#ifndef CONVSENT_SRC_IMPORT_PAYLOAD_H_
#define CONVSENT_SRC_IMPORT_PAYLOAD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "convsent/import.h"

namespace convsent::import_internal {

struct PayloadError {
  std::string path, message;
};

// A JSON value and the path that reached it. A missing key gives a missing
// node (like null), so optional fields read as defaults; a value of the
// wrong type is an error naming its path.
class Node {
 public:
  Node(const nlohmann::json* j, std::string path) : j_(j), path_(std::move(path)) {}

  Node operator[](std::string_view key) const;
  bool missing() const { return j_ == nullptr || j_->is_null(); }
  bool is_object() const { return j_ != nullptr && j_->is_object(); }
  bool is_array() const { return j_ != nullptr && j_->is_array(); }
  bool has(std::string_view key) const { return is_object() && j_->contains(key); }

  // The items of an array; missing gives none, another type is an error.
  std::vector<Node> Items() const;
  // A string as is, a number in decimal, a boolean as true/false, missing
  // as "". An object or array is an error.
  std::string Str() const;
  // Str() that must not be empty.
  std::string Id() const;
  // A whole number, or a string holding one; nullopt when missing.
  std::optional<int64_t> Int() const;
  bool Bool(bool fallback) const;
  // An RFC 3339 string or a number of seconds since the epoch (fractions
  // allowed); 0 when missing.
  int64_t Time() const;

  [[noreturn]] void Fail(const std::string& message) const { throw PayloadError{path_, message}; }
  const std::string& path() const { return path_; }
  const nlohmann::json& json() const;

 private:
  const nlohmann::json* j_;
  std::string path_;
};

// One document being read: the file it came from and, for a response saved
// with its request (Nango's recordings), the request path.
class Context {
 public:
  Context(std::string file, std::string request_path, ImportResult* result)
      : file_(std::move(file)), request_path_(std::move(request_path)), result_(result) {}

  const std::string& file() const { return file_; }
  const std::string& request_path() const { return request_path_; }
  // The path segment after `collection` in the request path ("tickets" in
  // "/api/v2/tickets/1/comments.json" gives "1"), or "".
  std::string RequestId(std::string_view collection) const;

  // Runs `read`; a PayloadError it throws is recorded and read goes on.
  void Guard(const std::function<void()>& read);
  void Error(const std::string& path, const std::string& message);
  void LeftOut() { ++result_->messages_left_out; }

 private:
  std::string file_, request_path_;
  ImportResult* result_;
};

// A message as read, before the conversation is put together.
struct DraftMessage {
  std::string source_id;   // the system's id, to drop duplicates (comments seen in two payloads)
  std::string author_id;   // for roles decided at the end (Zendesk's users)
  bool decide_role = false;  // the role waits for what the other payloads say of the author
  Message message;
};

// A conversation assembled from several payloads.
struct Draft {
  Conversation conversation;  // metadata; messages are added by Finish()
  std::vector<DraftMessage> messages;
  std::unordered_set<std::string> message_ids;
  std::string file;           // where it was first seen, for errors

  // Adds `m` unless a message with the same non-empty source id is there.
  void AddMessage(DraftMessage m);
  void AddEvent(std::string type, int64_t at_ms);
  void SetAttribute(const std::string& key, const std::string& value);
};

// A message read before (or without) its conversation: comments and
// threads do not always say which ticket they belong to.
struct Orphan {
  std::string file, path;
  DraftMessage message;
};

// Drafts by id, in the order first seen.
class Drafts {
 public:
  Draft& Get(const std::string& id, const Context& ctx);
  // Adds what one item said of a conversation, read whole into `local`
  // first so that a malformed item adds nothing: a new conversation, or
  // one seen before with its metadata updated where `local` has it and
  // its events and messages added.
  Draft& Merge(Draft local, const Context& ctx);
  Draft* Find(const std::string& id);
  size_t size() const { return drafts_.size(); }
  const std::vector<std::unique_ptr<Draft>>& all() const { return drafts_; }
  // Gives each orphan to the one conversation of the import; with none or
  // several, each orphan is an error (`what`: "comment", "thread").
  void Adopt(std::vector<Orphan> orphans, const std::string& what, ImportResult* out);
  // Moves every draft with a message into `out` (messages ordered by time,
  // created_at from the first message when unknown); a draft without one
  // is an error.
  void Finish(ImportResult* out);

 private:
  std::vector<std::unique_ptr<Draft>> drafts_;
  std::unordered_map<std::string, Draft*> index_;
};

// What each system implements.
class Reader {
 public:
  virtual ~Reader() = default;
  // Reads one document (the raw response); an unknown shape is an error.
  virtual void Read(const Node& doc, Context& ctx) = 0;
  // Joins what was read.
  virtual void Finish(ImportResult* out) = 0;
};

std::unique_ptr<Reader> NewZendeskReader();
std::unique_ptr<Reader> NewIntercomReader();
std::unique_ptr<Reader> NewFrontReader();
std::unique_ptr<Reader> NewGorgiasReader();
std::unique_ptr<Reader> NewZohoDeskReader();
std::unique_ptr<Reader> NewTwilioReader();
std::unique_ptr<Reader> NewConnectReader();

// The items of a response: the page at `doc[list_key]`, `doc` itself when
// it is an array, or `doc` alone when it is one item (an object with an
// id). Anything else fails with "not a <system> response ... (expected
// <expected>)".
std::vector<Node> ItemsOf(const Node& doc, std::string_view list_key, std::string_view system,
                          std::string_view expected);

}  // namespace convsent::import_internal

#endif  // CONVSENT_SRC_IMPORT_PAYLOAD_H_
