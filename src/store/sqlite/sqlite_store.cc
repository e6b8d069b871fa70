#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"
#include "store/sqlite/families.h"
#include "store/sqlite/held_file.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "convsent/detectors.h"
#include "convsent/score_format.h"
#include "store/codec.h"

namespace convsent {
namespace {

using sqlite::Stmt;

using store::PackFacts;

using store::UnpackFacts;

// A plain path, not ":memory:" or a "file:" URI.
bool IsFileOnly(const std::string& path) { return !path.empty() && path != ":memory:" && path.rfind("file:", 0) != 0; }

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

// Schema migrations: kMigrations[v] takes a database from version v to v+1.
// A released migration is never edited; a change is a new entry.
const char* const kMigrations[] = {
    // v0 -> v1
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE models(id INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE, info TEXT NOT NULL, added_at INTEGER NOT NULL);
CREATE TABLE conversations(
  id INTEGER PRIMARY KEY,
  ext_id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL, topic TEXT NOT NULL, team TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  csat INTEGER, nps INTEGER,
  tags TEXT NOT NULL, attributes TEXT NOT NULL, events TEXT NOT NULL,
  first_response_ms INTEGER, agent_replies INTEGER NOT NULL, customer_turns INTEGER NOT NULL,
  agents INTEGER NOT NULL, handoffs INTEGER NOT NULL, reopened INTEGER NOT NULL, escalated INTEGER NOT NULL,
  resolution_ms INTEGER, longest_wait_ms INTEGER);
CREATE INDEX conversations_created ON conversations(created_at);
-- A conversation's messages, and each model's scores of them, are one row
-- each (JSON arrays in message order): a conversation is read and written
-- whole, and one row instead of one per message makes ingest several times
-- faster.
CREATE TABLE conversation_messages(conversation INTEGER PRIMARY KEY, messages TEXT NOT NULL);
CREATE TABLE conversation_scores(
  conversation INTEGER NOT NULL, model INTEGER NOT NULL, scores TEXT NOT NULL,
  PRIMARY KEY(conversation, model)) WITHOUT ROWID;
CREATE TABLE tones(
  conversation INTEGER NOT NULL, model INTEGER NOT NULL, has_customer INTEGER NOT NULL, tone INTEGER NOT NULL,
  compound REAL NOT NULL, score5 REAL NOT NULL, start_tone INTEGER NOT NULL, end_tone INTEGER NOT NULL,
  start_compound REAL NOT NULL, end_compound REAL NOT NULL, trajectory INTEGER NOT NULL,
  has_agent INTEGER NOT NULL, agent_tone INTEGER NOT NULL, agent_compound REAL NOT NULL, movers TEXT NOT NULL,
  PRIMARY KEY(conversation, model)) WITHOUT ROWID;
CREATE TABLE conversation_tags(tag TEXT NOT NULL, conversation INTEGER NOT NULL, PRIMARY KEY(tag, conversation)) WITHOUT ROWID;
)sql",
    // v1 -> v2: one narrow row per conversation for the report and the tree
    // (the tone under the method the report uses, the facts, the text
    // detectors' counts, and the segment ids as little-endian uint32s), and
    // the dictionary of segment values. Rows of existing conversations are
    // filled in by BackfillReportRows() in the same transaction.
    R"sql(
CREATE TABLE segment_values(id INTEGER PRIMARY KEY, dimension TEXT NOT NULL, value TEXT NOT NULL, UNIQUE(dimension, value));
CREATE TABLE report_rows(
  conversation INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, model INTEGER NOT NULL, score5 REAL NOT NULL,
  facts INTEGER NOT NULL,  -- small fields packed by PackFacts(): fewer columns scan faster
  first_response_ms INTEGER, longest_wait_ms INTEGER, resolution_ms INTEGER,
  detectors INTEGER NOT NULL, segments BLOB NOT NULL);
)sql",
    // v2 -> v3: the metric tree's alerts and interventions.
    R"sql(
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY, node TEXT NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL,
  before REAL NOT NULL, after REAL NOT NULL, p REAL NOT NULL, owner TEXT NOT NULL, webhook TEXT NOT NULL,
  message TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER NOT NULL,
  delivery TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX alerts_open ON alerts(status) WHERE status = 'open';
CREATE TABLE interventions(
  id INTEGER PRIMARY KEY, node TEXT NOT NULL, at INTEGER NOT NULL, owner TEXT NOT NULL, note TEXT NOT NULL,
  segment TEXT NOT NULL, added_at INTEGER NOT NULL);
)sql",
    // v3 -> v4: the server's API keys, the review queue, and human labels
    // (the latest label per conversation also on its report row).
    R"sql(
CREATE TABLE api_keys(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL);
CREATE TABLE review_queue(
  id INTEGER PRIMARY KEY, conversation TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, severity TEXT NOT NULL,
  compound REAL NOT NULL, status TEXT NOT NULL, claimed_by TEXT NOT NULL, label TEXT NOT NULL, note TEXT NOT NULL,
  created_at INTEGER NOT NULL, claimed_at INTEGER NOT NULL, resolved_at INTEGER NOT NULL);
CREATE INDEX review_queue_status ON review_queue(status, created_at);
CREATE TABLE human_labels(
  id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, label INTEGER NOT NULL, reviewer TEXT NOT NULL,
  note TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX human_labels_conversation ON human_labels(conversation);
ALTER TABLE report_rows ADD COLUMN human_label INTEGER;
)sql",
    // v4 -> v5: conversation_tags goes: nothing reads it (tags are in the
    // conversation row and, as segments, in its report row), and its
    // randomly ordered inserts slowed ingest.
    R"sql(
DROP TABLE IF EXISTS conversation_tags;
)sql",
    // v5 -> v6: the backlog of conversations waiting for `convsent worker`.
    R"sql(
CREATE TABLE backlog(id INTEGER PRIMARY KEY, conversation TEXT NOT NULL, added_at INTEGER NOT NULL);
)sql",
    // v6 -> v7: the server's live log, messages stored as they arrive and
    // not yet folded into their conversations' rows. It stays small: rows
    // go once folded, a fraction of a second later. No index: a message is
    // one row appended to one page, and rows go by seq.
    R"sql(
CREATE TABLE live_messages(
  seq INTEGER PRIMARY KEY, conversation TEXT NOT NULL, position INTEGER NOT NULL,
  header TEXT NOT NULL, message TEXT NOT NULL, score TEXT NOT NULL);
)sql",
    // v7 -> v8: webhook deliveries, durable (include/convsent/webhook_deliveries.h);
    // a review claim names its key by id; labels of messages, with their
    // source and model (include/convsent/labels.h); the latest audit label
    // on the report row.
    R"sql(
CREATE TABLE webhook_deliveries(
  id INTEGER PRIMARY KEY, url TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL, next_at INTEGER NOT NULL, done_at INTEGER NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(status, id);
ALTER TABLE review_queue ADD COLUMN claimed_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE human_labels ADD COLUMN message INTEGER NOT NULL DEFAULT -1;
ALTER TABLE human_labels ADD COLUMN source TEXT NOT NULL DEFAULT 'review';
ALTER TABLE human_labels ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE report_rows ADD COLUMN audit_label INTEGER;
)sql",
    // v9: an audit item stays one once a rule flags its conversation
    // (ReviewItems::Add), so its label stays an audit label.
    R"sql(
ALTER TABLE review_queue ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;
UPDATE review_queue SET audit = 1 WHERE severity = 'audit';
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kStoreSchemaVersion);

class SqliteStore final : public Store {
 public:
  ~SqliteStore() override {
    statements_.clear();
    families_ = {};  // on db_: gone before it closes
    if (db_) sqlite3_close_v2(db_);
  }

  Status Init(const std::string& path) {
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
    families_ = {sqlite::NewAlerts(db_, path_),    sqlite::NewApiKeys(db_, path_),
                 sqlite::NewBacklog(db_, path_),   sqlite::NewInterventions(db_, path_),
                 sqlite::NewLabels(db_, path_),    sqlite::NewLiveLog(db_, path_),
                 sqlite::NewReviewItems(db_, path_), sqlite::NewWebhookDeliveries(db_, path_)};
    if (read_only_) return Migrate();
    // WAL with synchronous=NORMAL: a committed batch survives a crash of the
    // process (kill -9); only a power loss can lose the last commits.
    // Switching a new file to WAL takes its lock without waiting for it
    // (no busy handler): processes opening one new store together retry.
    for (int attempt = 0;; ++attempt) {
      Status s = Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
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

  // Prepared, not exec'd: the server's writer begins and commits thousands
  // of times a second.
  Status Begin() override { return Done(*statements_.at("begin"), "beginning a transaction"); }
  Status Commit() override { return Done(*statements_.at("commit"), "committing"); }
  Status Rollback() override {
    RETURN_IF_ERROR(Exec("ROLLBACK"));
    // Ids handed out in the rolled-back transaction no longer exist.
    return LoadCaches();
  }

  Status DeferCheckpoints(bool defer) override {
    return Exec(defer ? "PRAGMA wal_autocheckpoint=0" : "PRAGMA wal_autocheckpoint=16384");
  }
  Status Checkpoint(bool restart) override {
    // PASSIVE copies what it can without waiting for, or blocking, the
    // writer; RESTART then lets the next commit write the log from its start.
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
                                             nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return Error("checkpointing the log");
    return Status::Ok();
  }

  Status StartWriteback() override {
    const char* db = sqlite3_db_filename(db_, "main");
    if (db != nullptr && *db != '\0') sqlite::StartWriteback(db);  // not in memory
    return Status::Ok();
  }

  // Prepared, not exec'd: the server takes a savepoint per request.
  Status Savepoint() override { return Done(*statements_.at("savepoint"), "taking a savepoint"); }
  Status Release() override { return Done(*statements_.at("release"), "releasing a savepoint"); }
  Status RollbackToSavepoint() override {
    RETURN_IF_ERROR(Exec("ROLLBACK TO op"));
    RETURN_IF_ERROR(Exec("RELEASE op"));
    return LoadCaches();
  }

  Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) override {
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

  Status SetCurrentModel(const std::string& version) override {
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

  Status PutConversation(const ScoredConversation& sc, int64_t model_id,
                         const EncodedConversation* encoded) override {
    const Conversation& c = sc.conversation;
    const ConversationFacts& f = sc.facts;
    EncodedConversation local;
    if (encoded == nullptr) {
      local = EncodeConversation(sc);
      encoded = &local;
    }
    const std::string& tags = encoded->tags;
    const std::string& attributes = encoded->attributes;
    const std::string& events = encoded->events;
    // A new id is inserted; an existing one is updated in place and its
    // children dropped. Trying the insert first saves a lookup for the
    // common case, a new conversation.
    auto bind = [&](Stmt& put) {
      put.Bind(1, c.id).Bind(2, c.channel).Bind(3, c.topic).Bind(4, c.team).Bind(5, c.created_at_ms);
      put.Bind(6, c.csat).Bind(7, c.nps).Bind(8, tags).Bind(9, attributes).Bind(10, events);
      put.Bind(11, f.first_response_ms).Bind(12, f.agent_replies).Bind(13, f.customer_turns).Bind(14, f.agents);
      put.Bind(15, f.handoffs).Bind(16, f.reopened).Bind(17, f.escalated).Bind(18, f.resolution_ms);
      put.Bind(19, f.longest_wait_ms);
    };
    Stmt& insert = *statements_.at("insert_conversation");
    bind(insert);
    RETURN_IF_ERROR(Done(insert, "storing conversation " + c.id));
    int64_t id = 0;
    if (sqlite3_changes(db_) == 1) {
      id = sqlite3_last_insert_rowid(db_);
    } else {
      Stmt& update = *statements_.at("update_conversation");
      bind(update);
      RETURN_IF_ERROR(Done(update, "storing conversation " + c.id));
      Stmt& find = *statements_.at("find_conversation");
      find.Bind(1, c.id);
      if (find.Step() == SQLITE_ROW) id = find.Int(0);
      find.Reset();
      for (const char* name : {"delete_messages", "delete_scores", "delete_tones"}) {
        Stmt& del = *statements_.at(name);
        del.Bind(1, id);
        RETURN_IF_ERROR(Done(del, "replacing conversation " + c.id));
      }
    }
    // Replaced whole, by whichever process: the messages the server logged
    // for it and has not folded yet go with the old version (a scan of the
    // live log, which holds a fraction of a second of messages).
    Stmt& unlog = *statements_.at("delete_live_of");
    RETURN_IF_ERROR(Done(unlog.Bind(1, c.id), "replacing conversation " + c.id));
    Stmt& msg = *statements_.at("insert_messages");
    msg.Bind(1, id).Bind(2, encoded->messages);
    RETURN_IF_ERROR(Done(msg, "storing the messages of " + c.id));
    RETURN_IF_ERROR(PutScoresById(id, sc, model_id, *encoded));
    return PutReportRow(id, sc, model_id, *encoded);
  }

  Status AppendToConversation(const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e) override {
    const Conversation& c = sc.conversation;
    const ConversationFacts& f = sc.facts;
    Stmt& find = *statements_.at("find_conversation");
    find.Bind(1, c.id);
    const bool exists = find.Step() == SQLITE_ROW;
    const int64_t id = exists ? find.Int(0) : 0;
    find.Reset();
    if (!exists) return PutConversation(sc, model_id, &e);
    Stmt& up = *statements_.at("append_conversation");
    up.Bind(1, id).Bind(2, f.first_response_ms).Bind(3, f.agent_replies).Bind(4, f.customer_turns).Bind(5, f.agents);
    up.Bind(6, f.handoffs).Bind(7, f.reopened).Bind(8, f.escalated).Bind(9, f.resolution_ms).Bind(10, f.longest_wait_ms);
    up.Bind(11, c.created_at_ms);
    RETURN_IF_ERROR(Done(up, "storing conversation " + c.id));
    Stmt& msg = *statements_.at("update_messages");
    msg.Bind(1, id).Bind(2, e.messages);
    RETURN_IF_ERROR(Done(msg, "storing the messages of " + c.id));
    // Other models scored a shorter conversation: their scores are dropped,
    // as when a conversation is replaced.
    for (const char* name : {"delete_other_scores", "delete_other_tones"}) {
      Stmt& del = *statements_.at(name);
      del.Bind(1, id).Bind(2, model_id);
      RETURN_IF_ERROR(Done(del, "storing conversation " + c.id));
    }
    RETURN_IF_ERROR(PutScoresById(id, sc, model_id, e, /*replace=*/true));
    return PutReportRow(id, sc, model_id, e);
  }

  Status PutScores(const std::string& ext_id, const ScoredConversation& sc, int64_t model_id) override {
    Stmt& find = *statements_.at("find_conversation");
    find.Bind(1, ext_id);
    const bool exists = find.Step() == SQLITE_ROW;
    const int64_t id = exists ? find.Int(0) : 0;
    find.Reset();
    if (!exists) return Status::NotFound("no conversation " + ext_id);
    Stmt& del = *statements_.at("delete_model_scores");
    del.Bind(1, id).Bind(2, model_id);
    RETURN_IF_ERROR(Done(del, "replacing scores of " + ext_id));
    Stmt& del_tone = *statements_.at("delete_model_tone");
    del_tone.Bind(1, id).Bind(2, model_id);
    RETURN_IF_ERROR(Done(del_tone, "replacing the tone of " + ext_id));
    RETURN_IF_ERROR(PutScoresById(id, sc, model_id, EncodeConversation(sc)));
    // The report's tone follows this model if it is the current one, or if
    // the current one has not scored the conversation and this one is newer.
    const ConversationRollup& r = sc.rollup;
    Stmt& tone = *statements_.at("report_tone_from");
    tone.Bind(1, id).Bind(2, model_id).Bind(3, store::PackTone(r));
    tone.Bind(4, static_cast<double>(r.score5)).Bind(5, store::ToneMask()).Bind(6, current_model_id_);
    return Done(tone, "updating the report row of " + ext_id);
  }

  Result<std::optional<ScoredConversation>> GetConversation(const std::string& ext_id,
                                                            const std::string& model) override {
    std::string version = model;
    if (version.empty()) {
      ASSIGN_OR_RETURN(version, Meta("current_model"));
    }
    int64_t model_id = -1;
    if (!version.empty()) {
      Stmt& fm = *statements_.at("find_model");
      fm.Bind(1, version);
      if (fm.Step() == SQLITE_ROW) model_id = fm.Int(0);
      fm.Reset();
      if (model_id < 0 && !model.empty()) return Status::NotFound("no scores from model " + model + " in " + path_);
    }
    Stmt& get = *statements_.at("get_conversation");
    get.Bind(1, ext_id);
    if (get.Step() != SQLITE_ROW) {
      get.Reset();
      return std::optional<ScoredConversation>();
    }
    ScoredConversation sc;
    const int64_t id = get.Int(0);
    ReadConversationRow(get, &sc.conversation, &sc.facts);
    get.Reset();
    RETURN_IF_ERROR(ReadMessages(id, &sc.conversation));
    sc.scores.resize(sc.conversation.messages.size());
    Stmt& scores = *statements_.at("get_scores");
    scores.Bind(1, id).Bind(2, model_id);
    if (scores.Step() == SQLITE_ROW) store::DecodeScores(scores.Text(0), &sc.scores);
    scores.Reset();
    Stmt& tone = *statements_.at("get_tone");
    tone.Bind(1, id).Bind(2, model_id);
    if (tone.Step() == SQLITE_ROW) {
      ConversationRollup& r = sc.rollup;
      r.has_customer = tone.Int(0) != 0;
      r.tone = static_cast<Sentiment>(tone.Int(1));
      r.compound = static_cast<float>(tone.Real(2));
      r.score5 = static_cast<float>(tone.Real(3));
      r.start = static_cast<Sentiment>(tone.Int(4));
      r.end = static_cast<Sentiment>(tone.Int(5));
      r.start_compound = static_cast<float>(tone.Real(6));
      r.end_compound = static_cast<float>(tone.Real(7));
      r.trajectory = static_cast<Trajectory>(tone.Int(8));
      r.has_agent = tone.Int(9) != 0;
      r.agent_tone = static_cast<Sentiment>(tone.Int(10));
      r.agent_compound = static_cast<float>(tone.Real(11));
      store::DecodeMovers(tone.Text(12), &r);
    }
    tone.Reset();
    return std::optional<ScoredConversation>(std::move(sc));
  }

  Status ForEachConversation(const std::function<Status(const Conversation&)>& fn, std::optional<int64_t> from_ms,
                             std::optional<int64_t> to_ms) override {
    // A separate statement: `fn` may itself read through this store.
    Stmt all;
    RETURN_IF_ERROR(all.Prepare(db_, "SELECT id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, "
                                     "events, first_response_ms, agent_replies, customer_turns, agents, handoffs, "
                                     "reopened, escalated, resolution_ms, longest_wait_ms FROM conversations "
                                     "WHERE created_at >= ? AND created_at < ? ORDER BY id"));
    all.Bind(1, from_ms.value_or(INT64_MIN)).Bind(2, to_ms.value_or(INT64_MAX));
    int rc;
    while ((rc = all.Step()) == SQLITE_ROW) {
      Conversation c;
      ConversationFacts facts;
      const int64_t id = all.Int(0);
      ReadConversationRow(all, &c, &facts);
      RETURN_IF_ERROR(ReadMessages(id, &c));
      RETURN_IF_ERROR(fn(c));
    }
    if (rc != SQLITE_DONE) return Error("reading conversations");
    return Status::Ok();
  }

  Status ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) override {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(
        db_,
        "SELECT created_at, model, score5, facts, first_response_ms, longest_wait_ms, resolution_ms, detectors, "
        "segments, human_label, audit_label FROM report_rows WHERE created_at >= ?1 AND created_at < ?2"));
    q.Bind(1, from_ms).Bind(2, to_ms);
    auto opt = [&](int col) { return q.IsNull(col) ? std::nullopt : std::optional<int64_t>(q.Int(col)); };
    ReportRow row;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      row.created_at_ms = q.Int(0);
      row.model = static_cast<uint32_t>(q.Int(1));
      row.score5 = static_cast<float>(q.Real(2));
      UnpackFacts(q.Int(3), &row);
      row.first_response_ms = opt(4);
      row.longest_wait_ms = opt(5);
      row.resolution_ms = opt(6);
      row.detectors = static_cast<uint64_t>(q.Int(7));
      row.human = q.IsNull(9) ? std::nullopt : std::optional<Sentiment>(static_cast<Sentiment>(q.Int(9)));
      row.audit = q.IsNull(10) ? std::nullopt : std::optional<Sentiment>(static_cast<Sentiment>(q.Int(10)));
      store::DecodeSegmentIds(q.Blob(8), &row.segments);
      fn(row);
    }
    return rc == SQLITE_DONE ? Status::Ok() : Error("scanning conversations for the report");
  }

  Result<ReportDictionary> LoadReportDictionary() override {
    ReportDictionary d;
    Stmt seg;
    RETURN_IF_ERROR(seg.Prepare(db_, "SELECT id, dimension, value FROM segment_values ORDER BY id"));
    while (seg.Step() == SQLITE_ROW) {
      const auto id = static_cast<size_t>(seg.Int(0));
      if (d.segments.size() <= id) d.segments.resize(id + 1);
      d.segments[id] = {seg.Text(1), seg.Text(2)};
    }
    Stmt full;
    RETURN_IF_ERROR(full.Prepare(db_, "SELECT dimension FROM segment_values GROUP BY dimension HAVING count(*) >= ?"));
    full.Bind(1, kMaxSegmentValues);
    while (full.Step() == SQLITE_ROW) d.capped_dimensions.push_back(full.Text(0));
    Stmt models;
    RETURN_IF_ERROR(models.Prepare(db_, "SELECT id, version FROM models ORDER BY id"));
    while (models.Step() == SQLITE_ROW) {
      const auto id = static_cast<size_t>(models.Int(0));
      if (d.models.size() <= id) d.models.resize(id + 1);
      d.models[id] = models.Text(1);
    }
    return d;
  }

  const std::string& location() const override { return path_; }

  Alerts& alerts() override { return *families_.alerts; }
  ApiKeys& api_keys() override { return *families_.api_keys; }
  Backlog& backlog() override { return *families_.backlog; }
  Interventions& interventions() override { return *families_.interventions; }
  Labels& labels() override { return *families_.labels; }
  LiveLog* live_log() override { return families_.live_log.get(); }
  ReviewItems& review_items() override { return *families_.review_items; }
  WebhookDeliveries& webhook_deliveries() override { return *families_.webhook_deliveries; }

  Result<std::string> Setting(const std::string& key) override { return Meta("setting." + key); }
  Status SetSetting(const std::string& key, const std::string& value) override {
    Stmt& s = *statements_.at("set_meta");
    s.Bind(1, "setting." + key).Bind(2, value);
    return Done(s, "setting " + key);
  }

  Result<StoreInfo> Info() override {
    StoreInfo info;
    info.schema_version = kStoreSchemaVersion;
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "SELECT (SELECT count(*) FROM conversations), (SELECT sum(agent_replies + "
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

  Result<bool> ChangedElsewhere() override {
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

 private:
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::IoError(path_ + ": " + msg);
    }
    return Status::Ok();
  }
  Status Error(const std::string& what) {
    if (read_only_) return Status::FailedPrecondition(path_ + " is read-only (" + what + ")");
    return Status::IoError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
  }
  Status Done(Stmt& s, const std::string& what) {
    const int rc = s.Step();
    s.Reset();
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(what);
  }

  Result<std::string> Meta(const std::string& key) {
    Stmt& s = *statements_.at("get_meta");
    s.Bind(1, key);
    std::string v;
    if (s.Step() == SQLITE_ROW) v = s.Text(0);
    s.Reset();
    return v;
  }

  Result<int> SchemaVersion() {
    Stmt q;
    RETURN_IF_ERROR(q.Prepare(db_, "SELECT count(*) FROM sqlite_master WHERE name='meta'"));
    q.Step();
    if (q.Int(0) == 0) return 0;
    Stmt v;
    RETURN_IF_ERROR(v.Prepare(db_, "SELECT value FROM meta WHERE key='schema_version'"));
    return v.Step() == SQLITE_ROW ? std::atoi(v.Text(0).c_str()) : 0;
  }

  // Brings the schema to kStoreSchemaVersion in one transaction, prepares
  // the statements and loads the caches.
  Status Migrate() {
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
      Status s = Exec(kMigrations[v]);
      if (!s.ok()) return fail(s, v + 1);
    }
    if (Status s = Prepare(); !s.ok()) return fail(s, kStoreSchemaVersion);
    if (Status s = LoadCaches(); !s.ok()) return fail(s, kStoreSchemaVersion);
    if (version >= 1 && version < 2) {
      if (Status s = BackfillReportRows(); !s.ok()) return fail(s, 2);
    }
    const std::string set = "INSERT INTO meta(key, value) VALUES('schema_version', '" +
                            std::to_string(kStoreSchemaVersion) + "') ON CONFLICT(key) DO UPDATE SET value=excluded.value";
    if (Status s = Exec(set.c_str()); !s.ok()) return fail(s, kStoreSchemaVersion);
    return Exec("COMMIT");
  }

  // Rebuilds report_rows from the conversations, their messages and tones.
  Status BackfillReportRows() {
    Stmt all;
    RETURN_IF_ERROR(all.Prepare(db_, "SELECT id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, "
                                     "events, first_response_ms, agent_replies, customer_turns, agents, handoffs, "
                                     "reopened, escalated, resolution_ms, longest_wait_ms FROM conversations"));
    Stmt pick;
    RETURN_IF_ERROR(pick.Prepare(db_, "SELECT model, has_customer, tone, score5, trajectory, has_agent, agent_tone "
                                      "FROM tones WHERE conversation = ?1 ORDER BY model = ?2 DESC, model DESC LIMIT 1"));
    int rc;
    while ((rc = all.Step()) == SQLITE_ROW) {
      ScoredConversation sc;
      const int64_t id = all.Int(0);
      ReadConversationRow(all, &sc.conversation, &sc.facts);
      RETURN_IF_ERROR(ReadMessages(id, &sc.conversation));
      pick.Bind(1, id).Bind(2, current_model_id_);
      int64_t model = 0;
      if (pick.Step() == SQLITE_ROW) {
        model = pick.Int(0);
        sc.rollup.has_customer = pick.Int(1) != 0;
        sc.rollup.tone = static_cast<Sentiment>(pick.Int(2));
        sc.rollup.score5 = static_cast<float>(pick.Real(3));
        sc.rollup.trajectory = static_cast<Trajectory>(pick.Int(4));
        sc.rollup.has_agent = pick.Int(5) != 0;
        sc.rollup.agent_tone = static_cast<Sentiment>(pick.Int(6));
      }
      pick.Reset();
      EncodedConversation e;
      e.detectors = DetectInConversation(sc.conversation).packed();
      RETURN_IF_ERROR(PutReportRow(id, sc, model, e));
    }
    return rc == SQLITE_DONE ? Status::Ok() : Error("rebuilding the report rows");
  }

  Status LoadCaches() {
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

  // The segment dictionary's table, through the prepared statements.
  store::SegmentDictionary::Table SegmentTable() {
    store::SegmentDictionary::Table t;
    t.find = [this](std::string_view dim, std::string_view value) -> Result<std::optional<int64_t>> {
      Stmt& find = *statements_.at("find_segment");
      find.Bind(1, std::string(dim)).Bind(2, std::string(value));
      std::optional<int64_t> id;
      if (find.Step() == SQLITE_ROW) id = find.Int(0);
      find.Reset();
      return id;
    };
    t.count = [this](std::string_view dim) -> Result<int64_t> {
      Stmt& n = *statements_.at("count_segment_values");
      n.Bind(1, std::string(dim));
      const int64_t size = n.Step() == SQLITE_ROW ? n.Int(0) : 0;
      n.Reset();
      return size;
    };
    t.all = [this](std::string_view dim, const std::function<void(int64_t, std::string)>& each) {
      Stmt& all = *statements_.at("dimension_values");
      all.Bind(1, std::string(dim));
      while (all.Step() == SQLITE_ROW) each(all.Int(0), all.Text(1));
      all.Reset();
      return Status::Ok();
    };
    t.add = [this](std::string_view dim, std::string_view value) -> Result<int64_t> {
      Stmt& add = *statements_.at("add_segment");
      add.Bind(1, std::string(dim)).Bind(2, std::string(value));
      RETURN_IF_ERROR(Done(add, "adding segment value"));
      return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
    };
    return t;
  }

  // Writes the report row of conversation `id` with the tone of `model_id`.
  Status PutReportRow(int64_t id, const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e) {
    const Conversation& c = sc.conversation;
    const ConversationFacts& f = sc.facts;
    const ConversationRollup& r = sc.rollup;
    ASSIGN_OR_RETURN(const std::string blob, segments_.RowSegments(c));
    Stmt& put = *statements_.at("put_report_row");
    put.Bind(1, id).Bind(2, c.created_at_ms).Bind(3, model_id).Bind(4, static_cast<double>(r.score5));
    put.Bind(5, PackFacts(r, f, c)).Bind(6, f.first_response_ms).Bind(7, f.longest_wait_ms).Bind(8, f.resolution_ms);
    put.Bind(9, static_cast<int64_t>(e.detectors));
    put.BindBlob(10, blob);
    return Done(put, "storing the report row of " + c.id);
  }

  Status Prepare() {
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

  Status PutScoresById(int64_t id, const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e,
                       bool replace = false) {
    Stmt& score = *statements_.at(replace ? "replace_scores" : "insert_scores");
    score.Bind(1, id).Bind(2, model_id).Bind(3, e.scores);
    RETURN_IF_ERROR(Done(score, "storing scores of " + sc.conversation.id));
    const ConversationRollup& r = sc.rollup;
    Stmt& tone = *statements_.at(replace ? "replace_tone" : "insert_tone");
    tone.Bind(1, id).Bind(2, model_id).Bind(3, r.has_customer ? 1 : 0).Bind(4, static_cast<int>(r.tone));
    tone.Bind(5, static_cast<double>(r.compound)).Bind(6, static_cast<double>(r.score5));
    tone.Bind(7, static_cast<int>(r.start)).Bind(8, static_cast<int>(r.end));
    tone.Bind(9, static_cast<double>(r.start_compound)).Bind(10, static_cast<double>(r.end_compound));
    tone.Bind(11, static_cast<int>(r.trajectory)).Bind(12, r.has_agent ? 1 : 0);
    tone.Bind(13, static_cast<int>(r.agent_tone)).Bind(14, static_cast<double>(r.agent_compound));
    tone.Bind(15, e.movers);
    return Done(tone, "storing the tone of " + sc.conversation.id);
  }

  static void ReadConversationRow(const Stmt& q, Conversation* c, ConversationFacts* f) {
    c->id = q.Text(1);
    c->channel = q.Text(2);
    c->topic = q.Text(3);
    c->team = q.Text(4);
    c->created_at_ms = q.Int(5);
    if (!q.IsNull(6)) c->csat = static_cast<int>(q.Int(6));
    if (!q.IsNull(7)) c->nps = static_cast<int>(q.Int(7));
    store::DecodeConversationJson(q.Text(8), q.Text(9), q.Text(10), c);
    if (!q.IsNull(11)) f->first_response_ms = q.Int(11);
    f->agent_replies = static_cast<int>(q.Int(12));
    f->customer_turns = static_cast<int>(q.Int(13));
    f->agents = static_cast<int>(q.Int(14));
    f->handoffs = static_cast<int>(q.Int(15));
    f->reopened = static_cast<int>(q.Int(16));
    f->escalated = static_cast<int>(q.Int(17));
    if (!q.IsNull(18)) f->resolution_ms = q.Int(18);
    if (!q.IsNull(19)) f->longest_wait_ms = q.Int(19);
  }

  Status ReadMessages(int64_t id, Conversation* c) {
    Stmt& m = *statements_.at("get_messages");
    m.Bind(1, id);
    const int rc = m.Step();
    Status decoded = Status::Ok();
    if (rc == SQLITE_ROW) decoded = store::DecodeMessages(m.Text(0), path_, c);
    m.Reset();
    RETURN_IF_ERROR(decoded);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok() : Error("reading messages");
  }

  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;  // the file is not ours to write (Init)
  int64_t data_version_ = 0;  // ChangedElsewhere
  // By name; the names are the literals of Prepare(), so a lookup on the
  // writer's hot path hashes a view and allocates nothing.
  std::unordered_map<std::string_view, std::unique_ptr<Stmt>> statements_;
  struct {
    std::unique_ptr<Alerts> alerts;
    std::unique_ptr<ApiKeys> api_keys;
    std::unique_ptr<Backlog> backlog;
    std::unique_ptr<Interventions> interventions;
    std::unique_ptr<Labels> labels;
    std::unique_ptr<LiveLog> live_log;
    std::unique_ptr<ReviewItems> review_items;
    std::unique_ptr<WebhookDeliveries> webhook_deliveries;
  } families_;  // on db_
  std::unordered_map<std::string, int64_t> model_ids_;
  store::SegmentDictionary segments_{SegmentTable()};
  int64_t current_model_id_ = -1;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<SqliteStore>();
  RETURN_IF_ERROR(store->Init(path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace convsent
