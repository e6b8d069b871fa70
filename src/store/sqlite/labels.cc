#include "store/sqlite/families.h"

#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteLabels final : public Labels {
 public:
  SqliteLabels(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Status Add(const HumanLabel& l) override {
    // A conversation label needs only the conversation's row; a message
    // label also its message count (which reads all its messages).
    ASSIGN_OR_RETURN(const auto found, Find(l.conversation, /*count=*/l.message >= 0));
    if (!found) return Status::NotFound("no conversation " + l.conversation);
    if (l.message >= found->second) {
      return Status::InvalidArgument("conversation " + l.conversation + " has " + std::to_string(found->second) +
                                     " messages: no message " + std::to_string(l.message));
    }
    RETURN_IF_ERROR(
        EnsurePrepared(add_, db_,
                       "INSERT INTO human_labels(conversation, message, label, source, reviewer, note, "
                       "model, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?7 = '' THEN coalesce((SELECT value "
                       "FROM meta WHERE key = 'current_model'), '') ELSE ?7 END, ?8)"));
    add_.Bind(1, l.conversation).Bind(2, l.message).Bind(3, static_cast<int>(l.label)).Bind(4, l.source);
    add_.Bind(5, l.reviewer).Bind(6, l.note).Bind(7, l.model).Bind(8, l.at_ms);
    RETURN_IF_ERROR(StepDone(add_, db_, path_, "storing a label of " + l.conversation));
    if (l.message >= 0) return Status::Ok();
    // The conversation's tone, where the report reads it.
    RETURN_IF_ERROR(EnsurePrepared(row_, db_,
                                   "INSERT INTO conversation_labels(conversation, human_label, audit_label) "
                                   "VALUES(?1, ?2, CASE WHEN ?3 THEN ?2 END) ON CONFLICT(conversation) DO UPDATE SET "
                                   "human_label = excluded.human_label, "
                                   "audit_label = CASE WHEN ?3 THEN excluded.human_label ELSE audit_label END"));
    row_.Bind(1, found->first).Bind(2, static_cast<int>(l.label)).Bind(3, l.source == "audit" ? 1 : 0);
    return StepDone(row_, db_, path_, "storing a label of " + l.conversation);
  }

  Result<std::optional<int>> MessageCount(const std::string& conversation) override {
    ASSIGN_OR_RETURN(const auto found, Find(conversation, /*count=*/true));
    if (!found) return std::optional<int>();
    return std::optional<int>(found->second);
  }

  Status ForEach(const std::function<Status(const HumanLabel&)>& fn) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_,
                              "SELECT id, conversation, message, label, source, reviewer, note, model, at "
                              "FROM human_labels ORDER BY id"));
    int rc;
    HumanLabel l;
    while ((rc = q.Step()) == SQLITE_ROW) {
      l.id = q.Int(0), l.conversation = q.Text(1), l.message = static_cast<int>(q.Int(2));
      l.label = static_cast<Sentiment>(q.Int(3)), l.source = q.Text(4), l.reviewer = q.Text(5), l.note = q.Text(6);
      l.model = q.Text(7), l.at_ms = q.Int(8);
      RETURN_IF_ERROR(fn(l));
    }
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading the labels");
    return Status::Ok();
  }

 private:
  // A conversation's row id and, if `count`, its message count (else 0).
  Result<std::optional<std::pair<int64_t, int>>> Find(const std::string& conversation, bool count) {
    Stmt& q = count ? count_ : find_;
    RETURN_IF_ERROR(
        count ? EnsurePrepared(q, db_,
                               "SELECT c.id, coalesce(json_array_length(m.messages), 0) FROM conversations c "
                               "LEFT JOIN conversation_messages m ON m.conversation = c.id WHERE c.ext_id = ?")
              : EnsurePrepared(q, db_, "SELECT id, 0 FROM conversations WHERE ext_id = ?"));
    q.Bind(1, conversation);
    const int rc = q.Step();
    std::optional<std::pair<int64_t, int>> out;
    if (rc == SQLITE_ROW) out.emplace(q.Int(0), static_cast<int>(q.Int(1)));
    q.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return SqlError(db_, path_, "reading conversation " + conversation);
    }
    return out;
  }

  sqlite3* db_;
  std::string path_;
  Stmt add_, row_, find_, count_;
};

}  // namespace

std::unique_ptr<Labels> NewLabels(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteLabels>(db, path);
}

}  // namespace convsent::sqlite
