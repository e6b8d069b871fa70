#include "store/sqlite/families.h"

#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteLabels final : public Labels {
 public:
  SqliteLabels(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  Status Add(const HumanLabel& l) override {
    // A conversation label needs only the ext_id index. A message label also
    // reads the row's customer and agent turns, a floor on its message count:
    // only an index past them (a bot's or a note's message, or none) reads
    // the messages to count them, which cost 100,000 message labels 2.3-3.3 s
    // (bench/RESULTS.md, 2026-12-05).
    ASSIGN_OR_RETURN(const auto found, Find(l.conversation, /*turns=*/l.message >= 0));
    if (!found) return Status::NotFound("no conversation " + l.conversation);
    if (l.message >= found->turns) {
      ASSIGN_OR_RETURN(const int count, Count(found->id, l.conversation));
      if (l.message >= count) {
        return Status::InvalidArgument("conversation " + l.conversation + " has " + std::to_string(count) +
                                       " messages: no message " + std::to_string(l.message));
      }
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
    row_.Bind(1, found->id).Bind(2, static_cast<int>(l.label)).Bind(3, l.source == "audit" ? 1 : 0);
    return StepDone(row_, db_, path_, "storing a label of " + l.conversation);
  }

  Result<std::optional<int>> MessageCount(const std::string& conversation) override {
    ASSIGN_OR_RETURN(const auto found, Find(conversation, /*turns=*/false));
    if (!found) return std::optional<int>();
    ASSIGN_OR_RETURN(const int count, Count(found->id, conversation));
    return std::optional<int>(count);
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
  struct Found {
    int64_t id;  // the conversation's row
    int turns;   // its customer and agent messages, if asked for (else 0)
  };
  Result<std::optional<Found>> Find(const std::string& conversation, bool turns) {
    Stmt& q = turns ? turns_ : find_;
    RETURN_IF_ERROR(turns ? EnsurePrepared(q, db_,
                                           "SELECT id, customer_turns + agent_replies FROM conversations "
                                           "WHERE ext_id = ?")
                          : EnsurePrepared(q, db_, "SELECT id, 0 FROM conversations WHERE ext_id = ?"));
    q.Bind(1, conversation);
    const int rc = q.Step();
    std::optional<Found> out;
    if (rc == SQLITE_ROW) out = Found{q.Int(0), static_cast<int>(q.Int(1))};
    q.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, path_, "reading conversation " + conversation);
    return out;
  }

  // Every message of the conversation in row `id`, bots' and notes' too.
  Result<int> Count(int64_t id, const std::string& conversation) {
    RETURN_IF_ERROR(EnsurePrepared(
        count_, db_, "SELECT coalesce(json_array_length(messages), 0) FROM conversation_messages WHERE conversation = ?"));
    count_.Bind(1, id);
    const int rc = count_.Step();
    const int count = rc == SQLITE_ROW ? static_cast<int>(count_.Int(0)) : 0;
    count_.Reset();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, path_, "counting the messages of " + conversation);
    return count;
  }

  sqlite3* db_;
  std::string path_;
  Stmt add_, row_, find_, turns_, count_;
};

}  // namespace

std::unique_ptr<Labels> NewLabels(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteLabels>(db, path);
}

}  // namespace convsent::sqlite
