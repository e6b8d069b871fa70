#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <unordered_map>

#include "store/codec.h"
#include "store/sqlite/families.h"
#include "store/sqlite/held_file.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/statement.h"

namespace convsent::sqlite {
namespace {

// A plain path, not ":memory:" or a "file:" URI.
bool IsFileOnly(const std::string& path) {
  return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0;
}

bool WritableFolderOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  return access(folder.c_str(), W_OK) == 0;
}

// `path` for a file: URI ('%', '?' and '#' escaped).
std::string UriEscaped(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[c & 15];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

SqliteStore::~SqliteStore() {
  statements_.clear();
  families_ = {};  // on db_: gone before it closes
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteStore::Init(const std::string& path) {
  path_ = path;
  // Customer text is for this user only: a new store is created 0600
  // (SQLite gives its -wal and -shm files the database file's mode). No
  // connection of this process can hold locks on a file that did not
  // exist, so closing this descriptor drops none (held_file.h).
  if (IsFileOnly(path)) {
    const int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  // A store this user may read but not write (a copy handed to an
  // analyst, a backup on a read-only mount) is opened read-only: reports
  // and reads work, writes fail naming it. When its folder is not
  // writable either, SQLite cannot create the -shm it needs to read a WAL
  // store; with no -wal beside the file no writer can be running (one
  // would have created it), so the file is read as immutable.
  std::string open_as = path;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (IsFileOnly(path) && access(path.c_str(), F_OK) == 0 && access(path.c_str(), W_OK) != 0) {
    read_only_ = true;
    flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    if (!WritableFolderOf(path) && access((path + "-wal").c_str(), F_OK) != 0) {
      open_as = "file:" + UriEscaped(path) + "?immutable=1";
      flags |= SQLITE_OPEN_URI;
    }
  }
  if (sqlite3_open_v2(open_as.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    return Status::IoError("cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db_, 10000);
  families_ = {.alerts = sqlite::NewAlerts(db_, path_),
               .api_keys = sqlite::NewApiKeys(db_, path_),
               .backlog = sqlite::NewBacklog(db_, path_),
               .discovered_issues = sqlite::NewDiscoveredIssues(db_, path_),
               .interventions = sqlite::NewInterventions(db_, path_),
               .labels = sqlite::NewLabels(db_, path_),
               .live_log = sqlite::NewLiveLog(db_, path_),
               .review_items = sqlite::NewReviewItems(db_, path_),
               .sync_cursors = sqlite::NewSyncCursors(db_, path_),
               .write_backs = sqlite::NewWriteBacks(db_, path_),
               .webhook_deliveries = sqlite::NewWebhookDeliveries(db_, path_)};
  if (read_only_) return Migrate();
  // WAL with synchronous=NORMAL: a committed batch survives a crash of the
  // process (kill -9); only a power loss can lose the last commits.
  // Switching a new file to WAL takes its lock without waiting for it
  // (no busy handler): processes opening one new store together retry.
  for (int attempt = 0;; ++attempt) {
    Status s = Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-131072; PRAGMA wal_autocheckpoint=16384;"
        // Once copied, the log is cut back to 64 MiB: it no longer keeps the size
        // of its busiest moment for as long as the server runs.
        "PRAGMA journal_size_limit=67108864;");
    if (s.ok()) break;
    if ((sqlite3_errcode(db_) & 0xff) != SQLITE_BUSY || attempt == 200) return s;
    usleep(10000);
  }
  return Migrate();  // prepares the statements and loads the caches
}

Status SqliteStore::Rollback() {
  RETURN_IF_ERROR(Exec("ROLLBACK"));
  // Ids handed out in the rolled-back transaction no longer exist.
  return LoadCaches();
}

Status SqliteStore::Defer(bool defer) {
  return Exec(defer ? "PRAGMA wal_autocheckpoint=0" : "PRAGMA wal_autocheckpoint=16384");
}

Status SqliteStore::Run(bool restart) {
  // PASSIVE copies what it can without waiting for, or blocking, the
  // writer; RESTART then lets the next commit write the log from its start.
  const int rc = sqlite3_wal_checkpoint_v2(
      db_, nullptr, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Error("checkpointing the log");
  return Status::Ok();
}

Status SqliteStore::StartWriteback() {
  const char* db = sqlite3_db_filename(db_, "main");
  if (db != nullptr && *db != '\0') sqlite::StartWriteback(db);  // not in memory
  return Status::Ok();
}

Status SqliteStore::RollbackToSavepoint() {
  RETURN_IF_ERROR(Exec("ROLLBACK TO op"));
  RETURN_IF_ERROR(Exec("RELEASE op"));
  return LoadCaches();
}

Result<int64_t> SqliteStore::RegisterModel(const std::string& version, const std::string& info_json) {
  if (auto it = model_ids_.find(version); it != model_ids_.end()) return it->second;
  Stmt& find = *statements_.at("find_model");
  find.Bind(1, version);
  if (find.Step() == SQLITE_ROW) {
    const int64_t id = find.Int(0);
    find.Reset();
    model_ids_[version] = id;
    return id;
  }
  find.Reset();
  // Another process (a second worker) may register it at the same moment.
  Stmt& add = *statements_.at("add_model");
  add.Bind(1, version).Bind(2, info_json).Bind(3, static_cast<int64_t>(std::time(nullptr)));
  RETURN_IF_ERROR(Done(add, "registering model " + version));
  find.Bind(1, version);
  const bool found = find.Step() == SQLITE_ROW;
  const int64_t id = found ? find.Int(0) : 0;
  find.Reset();
  if (!found) return Error("registering model " + version);
  model_ids_[version] = id;
  return id;
}

Status SqliteStore::SetCurrentModel(const std::string& version) {
  ASSIGN_OR_RETURN(const int64_t id, RegisterModel(version, "{}"));
  if (id == current_model_id_) return Status::Ok();
  RETURN_IF_ERROR(Exec("SAVEPOINT set_current"));
  Stmt& s = *statements_.at("set_meta");
  s.Bind(1, std::string("current_model")).Bind(2, version);
  Status st = Done(s, "setting the current model");
  // The report reads the current model's tone where it scored the
  // conversation, else the latest model's that did.
  Stmt& to_current = *statements_.at("report_tone_to_current");
  if (st.ok()) st = Done(to_current.Bind(1, id).Bind(2, store::ToneMask()), "switching the report to model " + version);
  Stmt& to_latest = *statements_.at("report_tone_to_latest");
  if (st.ok()) st = Done(to_latest.Bind(1, id).Bind(2, store::ToneMask()), "switching the report to model " + version);
  if (!st.ok()) {
    (void)Exec("ROLLBACK TO set_current");
    (void)Exec("RELEASE set_current");
    return st;
  }
  current_model_id_ = id;
  return Exec("RELEASE set_current");
}

Status SqliteStore::SetSetting(const std::string& key, const std::string& value) {
  Stmt& s = *statements_.at("set_meta");
  s.Bind(1, "setting." + key).Bind(2, value);
  return Done(s, "setting " + key);
}

Result<int64_t> SqliteStore::ConversationCount() {
  Stmt q;
  RETURN_IF_ERROR(q.Prepare(db_, "SELECT count(*) FROM conversations"));
  if (q.Step() != SQLITE_ROW) return SqlError(db_, path_, "counting conversations");
  return q.Int(0);
}

Result<StoreInfo> SqliteStore::Info() {
  StoreInfo info;
  info.schema_version = kStoreSchemaVersion;
  Stmt q;
  RETURN_IF_ERROR(q.Prepare(db_,
                            "SELECT (SELECT count(*) FROM conversations), (SELECT sum(agent_replies + "
                            "customer_turns) FROM conversations)"));
  if (q.Step() == SQLITE_ROW) {
    info.conversations = q.Int(0);
    info.messages = q.Int(1);
  }
  Stmt m;
  RETURN_IF_ERROR(m.Prepare(db_, "SELECT version FROM models ORDER BY id"));
  while (m.Step() == SQLITE_ROW) info.models.push_back(m.Text(0));
  ASSIGN_OR_RETURN(info.current_model, Meta("current_model"));
  return info;
}

Result<bool> SqliteStore::ChangedElsewhere() {
  Stmt& q = *statements_.at("data_version");
  if (q.Step() != SQLITE_ROW) {
    q.Reset();
    return Error("reading the data version");
  }
  const int64_t version = q.Int(0);
  q.Reset();
  const bool changed = data_version_ != 0 && version != data_version_;
  data_version_ = version;
  return changed;
}

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError(path_ + ": " + msg);
  }
  return Status::Ok();
}

Status SqliteStore::Error(const std::string& what) {
  if (read_only_) return Status::FailedPrecondition(path_ + " is read-only (" + what + ")");
  return Status::IoError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Status SqliteStore::Done(Stmt& s, const std::string& what) {
  const int rc = s.Step();
  s.Reset();
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(what);
}

Result<std::string> SqliteStore::Meta(const std::string& key) {
  Stmt& s = *statements_.at("get_meta");
  s.Bind(1, key);
  std::string v;
  if (s.Step() == SQLITE_ROW) v = s.Text(0);
  s.Reset();
  return v;
}

Result<int> SqliteStore::SchemaVersion() {
  Stmt q;
  RETURN_IF_ERROR(q.Prepare(db_, "SELECT count(*) FROM sqlite_master WHERE name='meta'"));
  q.Step();
  if (q.Int(0) == 0) return 0;
  Stmt v;
  RETURN_IF_ERROR(v.Prepare(db_, "SELECT value FROM meta WHERE key='schema_version'"));
  return v.Step() == SQLITE_ROW ? std::atoi(v.Text(0).c_str()) : 0;
}

Status SqliteStore::Migrate() {
  ASSIGN_OR_RETURN(int version, SchemaVersion());
  if (version > kStoreSchemaVersion) {
    return Status::FailedPrecondition(path_ + " has schema version " + std::to_string(version) +
                                      ", newer than this convsent's " + std::to_string(kStoreSchemaVersion));
  }
  if (version == kStoreSchemaVersion) {
    RETURN_IF_ERROR(Prepare());
    return LoadCaches();
  }
  if (read_only_) {
    return Status::FailedPrecondition(path_ + " is read-only and has schema version " + std::to_string(version) +
                                      ": this convsent reads version " + std::to_string(kStoreSchemaVersion) +
                                      "; open it once where it can be written, to migrate it");
  }
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  // Another process may have migrated while this one waited for the lock
  // (two ingests creating one file: "table meta already exists").
  if (auto again = SchemaVersion(); !again.ok() || *again != version) {
    (void)Exec("ROLLBACK");
    return Migrate();
  }
  auto fail = [&](Status s, int to) {
    statements_.clear();
    (void)Exec("ROLLBACK");
    return s.WithContext("migrating the schema to version " + std::to_string(to));
  };
  for (int v = version; v < kStoreSchemaVersion; ++v) {
    Status s = Exec(sqlite::Migrations()[v].c_str());
    if (!s.ok()) return fail(s, v + 1);
  }
  if (Status s = Prepare(); !s.ok()) return fail(s, kStoreSchemaVersion);
  if (Status s = LoadCaches(); !s.ok()) return fail(s, kStoreSchemaVersion);
  if (version >= 1 && version < 2) {
    if (Status s = BackfillReportRows(); !s.ok()) return fail(s, 2);
  }
  const std::string set = "INSERT INTO meta(key, value) VALUES('schema_version', '" +
                          std::to_string(kStoreSchemaVersion) +
                          "') ON CONFLICT(key) DO UPDATE SET value=excluded.value";
  if (Status s = Exec(set.c_str()); !s.ok()) return fail(s, kStoreSchemaVersion);
  return Exec("COMMIT");
}

Status SqliteStore::LoadCaches() {
  model_ids_.clear();
  segments_.Clear();
  current_model_id_ = -1;
  ASSIGN_OR_RETURN(const std::string current, Meta("current_model"));
  if (!current.empty()) {
    Stmt& find = *statements_.at("find_model");
    find.Bind(1, current);
    if (find.Step() == SQLITE_ROW) current_model_id_ = find.Int(0);
    find.Reset();
  }
  return Status::Ok();
}

Status SqliteStore::Prepare() {
  static const std::pair<const char*, const char*> kStatements[] = {
      {"find_model", "SELECT id FROM models WHERE version = ?"},
      {"add_model", "INSERT INTO models(version, info, added_at) VALUES(?, ?, ?) ON CONFLICT(version) DO NOTHING"},
      {"get_meta", "SELECT value FROM meta WHERE key = ?"},
      {"set_meta", "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"},
      {"find_conversation", "SELECT id FROM conversations WHERE ext_id = ?"},
      {"delete_live_of", "DELETE FROM live_messages WHERE conversation = ?"},
      {"data_version", "PRAGMA data_version"},
      {"insert_conversation",
       "INSERT INTO conversations(ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, events, "
       "first_response_ms, agent_replies, customer_turns, agents, handoffs, reopened, escalated, resolution_ms, "
       "longest_wait_ms) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(ext_id) DO NOTHING"},
      {"update_conversation",
       "UPDATE conversations SET channel=?2, topic=?3, team=?4, created_at=?5, csat=?6, nps=?7, tags=?8, "
       "attributes=?9, events=?10, first_response_ms=?11, agent_replies=?12, customer_turns=?13, agents=?14, "
       "handoffs=?15, reopened=?16, escalated=?17, resolution_ms=?18, longest_wait_ms=?19 WHERE ext_id=?1"},
      {"delete_messages", "DELETE FROM conversation_messages WHERE conversation = ?"},
      {"delete_scores", "DELETE FROM conversation_scores WHERE conversation = ?"},
      {"delete_tones", "DELETE FROM tones WHERE conversation = ?"},
      {"delete_model_scores", "DELETE FROM conversation_scores WHERE conversation = ? AND model = ?"},
      {"delete_model_tone", "DELETE FROM tones WHERE conversation = ? AND model = ?"},
      {"insert_messages", "INSERT INTO conversation_messages(conversation, messages) VALUES(?, ?)"},
      {"insert_scores", "INSERT INTO conversation_scores(conversation, model, scores) VALUES(?, ?, ?)"},
      {"insert_tone",
       "INSERT INTO tones(conversation, model, has_customer, tone, compound, score5, start_tone, end_tone, "
       "start_compound, end_compound, trajectory, has_agent, agent_tone, agent_compound, movers) "
       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {"get_conversation",
       "SELECT id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, events, "
       "first_response_ms, agent_replies, customer_turns, agents, handoffs, reopened, escalated, resolution_ms, "
       "longest_wait_ms FROM conversations WHERE ext_id = ?"},
      {"get_messages", "SELECT messages FROM conversation_messages WHERE conversation = ?"},
      {"get_scores", "SELECT scores FROM conversation_scores WHERE conversation = ? AND model = ?"},
      {"append_conversation",
       "UPDATE conversations SET first_response_ms=?2, agent_replies=?3, customer_turns=?4, agents=?5, handoffs=?6, "
       "reopened=?7, escalated=?8, resolution_ms=?9, longest_wait_ms=?10, created_at=?11 WHERE id=?1"},
      {"update_messages", "UPDATE conversation_messages SET messages=?2 WHERE conversation=?1"},
      {"delete_other_scores", "DELETE FROM conversation_scores WHERE conversation = ? AND model <> ?"},
      {"delete_other_tones", "DELETE FROM tones WHERE conversation = ? AND model <> ?"},
      {"replace_scores", "INSERT OR REPLACE INTO conversation_scores(conversation, model, scores) VALUES(?, ?, ?)"},
      {"replace_tone",
       "INSERT OR REPLACE INTO tones(conversation, model, has_customer, tone, compound, score5, start_tone, end_tone, "
       "start_compound, end_compound, trajectory, has_agent, agent_tone, agent_compound, movers) "
       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {"begin", "BEGIN IMMEDIATE"},
      {"commit", "COMMIT"},
      {"savepoint", "SAVEPOINT op"},
      {"release", "RELEASE op"},
      {"find_segment", "SELECT id FROM segment_values WHERE dimension = ? AND value = ?"},
      {"count_segment_values", "SELECT count(*) FROM segment_values WHERE dimension = ?"},
      {"dimension_values", "SELECT id, value FROM segment_values WHERE dimension = ?"},
      {"add_segment", "INSERT INTO segment_values(dimension, value) VALUES(?, ?)"},
      {"put_report_row",
       "INSERT INTO report_rows(conversation, created_at, model, score5, facts, first_response_ms, "
       "longest_wait_ms, resolution_ms, detectors, segments) VALUES(?,?,?,?,?,?,?,?,?,?) "
       "ON CONFLICT(conversation) DO UPDATE SET created_at=excluded.created_at, model=excluded.model, "
       "score5=excluded.score5, facts=excluded.facts, first_response_ms=excluded.first_response_ms, "
       "longest_wait_ms=excluded.longest_wait_ms, resolution_ms=excluded.resolution_ms, "
       "detectors=excluded.detectors, segments=excluded.segments"},
      // ?3 is the packed tone fields (store::ToneMask()) of model ?2.
      {"report_tone_from",
       "UPDATE report_rows SET model=?2, score5=?4, facts=(facts & ~?5) | ?3 "
       "WHERE conversation=?1 AND (?2 = ?6 OR (model <> ?6 AND ?2 >= model))"},
      {"report_tone_to_current",
       "UPDATE report_rows SET model=t.model, score5=t.score5, facts=(facts & ~?2) | t.has_customer | (t.tone << 1) | "
       "(t.trajectory << 3) | (CASE WHEN t.has_agent THEN 1 + t.agent_tone ELSE 0 END << 5) "
       "FROM tones t WHERE t.conversation = report_rows.conversation AND t.model = ?1"},
      {"report_tone_to_latest",
       "UPDATE report_rows SET (model, score5, facts) = "
       "(SELECT model, score5, (report_rows.facts & ~?2) | has_customer | (tone << 1) | (trajectory << 3) | "
       " (CASE WHEN has_agent THEN 1 + agent_tone ELSE 0 END << 5) "
       " FROM tones t WHERE t.conversation = report_rows.conversation ORDER BY t.model DESC LIMIT 1) "
       "WHERE model <> ?1 AND EXISTS(SELECT 1 FROM tones t WHERE t.conversation = report_rows.conversation)"},
      {"get_tone",
       "SELECT has_customer, tone, compound, score5, start_tone, end_tone, start_compound, end_compound, "
       "trajectory, has_agent, agent_tone, agent_compound, movers FROM tones WHERE conversation = ? AND model = ?"},
  };
  for (const auto& [name, sql] : kStatements) {
    auto s = std::make_unique<Stmt>();
    RETURN_IF_ERROR(s->Prepare(db_, sql).WithContext(name));
    statements_.emplace(name, std::move(s));
  }
  return Status::Ok();
}

}  // namespace convsent::sqlite

namespace convsent {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<sqlite::SqliteStore>();
  RETURN_IF_ERROR(store->Init(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace convsent
