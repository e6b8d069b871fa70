// A data table: the SQLite schema's own migrations, up to version 8; from
// version 9 on both backends share theirs (store/shared_schema.cc). A
// released migration is never edited; a change is a new entry there (and a
// new kStoreSchemaVersion).
#include "store/sqlite/schema.h"

#include <iterator>

#include "convsent/store.h"
#include "store/shared_schema.h"

namespace convsent::sqlite {
namespace {

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
};
static_assert(static_cast<int>(std::size(kMigrations)) == kFirstSharedSchemaVersion - 1);

}  // namespace

const std::vector<std::string>& Migrations() {
  static const auto* all = new std::vector<std::string>(AllMigrations(kMigrations, SqlDialect::kSqlite));
  return *all;
}

}  // namespace convsent::sqlite
