#include "store/sqlite/families.h"
#include "store/sqlite/held_file.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

class SqliteLiveLog final : public LiveLog {
 public:
  SqliteLiveLog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteLiveLog() override {
    if (claimed_) ReleaseFile(sqlite3_db_filename(db_, "main"));
  }

  Status Claim() override {
    if (claimed_) return Status::Ok();
    const char* file = sqlite3_db_filename(db_, "main");
    if (file == nullptr || *file == '\0') return Status::Ok();  // in memory: no other process can see it
    RETURN_IF_ERROR(ClaimFile(file, path_));
    claimed_ = true;
    return Status::Ok();
  }

  // On the server's hot path: prepared once, kept.
  Result<int64_t> Append(const LiveMessage& m) override {
    RETURN_IF_ERROR(EnsurePrepared(append_, db_,
                                   "INSERT INTO live_messages(conversation, position, header, message, score) "
                                   "VALUES(?, ?, ?, ?, ?)"));
    append_.Bind(1, m.conversation).Bind(2, m.position).Bind(3, m.header).Bind(4, m.message).Bind(5, m.score);
    RETURN_IF_ERROR(StepDone(append_, db_, path_, "storing a message of " + m.conversation));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Result<std::vector<LiveMessage>> List(const std::string& conversation) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(
        db_, conversation.empty() ? "SELECT seq, conversation, position, header, message, score FROM live_messages "
                                    "ORDER BY seq"
                                  : "SELECT seq, conversation, position, header, message, score FROM live_messages "
                                    "WHERE conversation = ? ORDER BY seq"));
    if (!conversation.empty()) q.Bind(1, conversation);
    std::vector<LiveMessage> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW)
      out.push_back({q.Int(0), q.Text(1), q.Int(2), q.Text(3), q.Text(4), q.Text(5)});
    if (rc != SQLITE_DONE) return SqlError(db_, path_, "reading the live log");
    return out;
  }

  Status Delete(const std::vector<int64_t>& seqs) override {
    RETURN_IF_ERROR(EnsurePrepared(delete_, db_, "DELETE FROM live_messages WHERE seq = ?"));
    for (const int64_t seq : seqs) {
      delete_.Bind(1, seq);
      RETURN_IF_ERROR(StepDone(delete_, db_, path_, "folding the live log"));
    }
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  std::string path_;
  bool claimed_ = false;
  Stmt append_, delete_;
};

}  // namespace

std::unique_ptr<LiveLog> NewLiveLog(sqlite3* db, const std::string& path) {
  return std::make_unique<SqliteLiveLog>(db, path);
}

}  // namespace convsent::sqlite
