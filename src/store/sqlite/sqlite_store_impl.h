// The class behind OpenSqliteStore (sqlite_store.h), whose definitions
// are in two files: sqlite_store.cc (the connection, transactions, schema,
// models and settings) and conversations.cc (the conversation rows, their
// scores and tones, and the report's rows). Internal to src/store/sqlite.
#ifndef CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_IMPL_H_
#define CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_IMPL_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "convsent/store.h"
#include "store/codec.h"
#include "store/family_owner.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {

class SqliteStore final : public store::FamilyOwner, public StoredConversations, public Checkpoints {
 public:
  ~SqliteStore() override;
  Status Init(const std::string& path);

  // Prepared, not exec'd: the server's writer begins and commits thousands
  // of times a second.
  Status Begin() override { return Done(*statements_.at("begin"), "beginning a transaction"); }
  Status Commit() override { return Done(*statements_.at("commit"), "committing"); }
  Status Rollback() override;
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  Status Defer(bool defer) override;  // Checkpoints
  Status Run(bool restart) override;
  Status StartWriteback() override;

  // Prepared, not exec'd: the server takes a savepoint per request.
  Status Savepoint() override { return Done(*statements_.at("savepoint"), "taking a savepoint"); }
  Status Release() override { return Done(*statements_.at("release"), "releasing a savepoint"); }
  Status RollbackToSavepoint() override;
  Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) override;
  Status SetCurrentModel(const std::string& version) override;
  Status Put(const ScoredConversation& sc, int64_t model_id, const EncodedConversation* encoded) override;
  Status Append(const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e) override;
  Status PutScores(const std::string& ext_id, const ScoredConversation& sc, int64_t model_id) override;
  Result<std::optional<ScoredConversation>> Get(const std::string& ext_id,
                                                            const std::string& model) override;
  Status ForEach(const std::function<Status(const Conversation&)>& fn, std::optional<int64_t> from_ms,
                             std::optional<int64_t> to_ms) override;
  Status ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) override;
  Result<std::optional<int64_t>> LatestCreatedAt() override;
  Status ScanMessages(int64_t from_ms, int64_t to_ms, std::optional<Sentiment> tone,
                      const std::function<Status(const Conversation&, const ReportRow&)>& fn) override;
  Result<ReportDictionary> LoadReportDictionary() override;
  const std::string& location() const override { return path_; }

  StoredConversations& conversations() override { return *this; }
  Checkpoints* checkpoints() override { return this; }

  Result<std::string> Setting(const std::string& key) override { return Meta("setting." + key); }
  Status SetSetting(const std::string& key, const std::string& value) override;
  Result<std::string> CurrentModel() override { return Meta("current_model"); }
  Result<int64_t> ConversationCount() override;
  Result<StoreInfo> Info() override;
  Result<bool> ChangedElsewhere() override;

 private:
  Status Exec(const char* sql);
  Status Error(const std::string& what);
  Status Done(Stmt& s, const std::string& what);
  Result<std::string> Meta(const std::string& key);
  Result<int> SchemaVersion();

  // Brings the schema to kStoreSchemaVersion in one transaction, prepares
  // the statements and loads the caches.
  Status Migrate();

  // Rebuilds report_rows from the conversations, their messages and tones.
  Status BackfillReportRows();
  Status LoadCaches();

  // The segment dictionary's table, through the prepared statements.
  store::SegmentDictionary::Table SegmentTable();

  // Writes the report row of conversation `id` with the tone of `model_id`.
  Status PutReportRow(int64_t id, const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e);
  Status Prepare();
  Status PutScoresById(int64_t id, const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e,
                       bool replace = false);
  static void ReadConversationRow(const Stmt& q, Conversation* c, ConversationFacts* f);
  Status ReadMessages(int64_t id, Conversation* c);
  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;    // the file is not ours to write (Init)
  int64_t data_version_ = 0;  // ChangedElsewhere
  // By name; the names are the literals of Prepare(), so a lookup on the
  // writer's hot path hashes a view and allocates nothing.
  std::unordered_map<std::string_view, std::unique_ptr<Stmt>> statements_;
  std::unordered_map<std::string, int64_t> model_ids_;
  store::SegmentDictionary segments_{SegmentTable()};
  int64_t current_model_id_ = -1;
};

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_IMPL_H_
