// A data table: the SQLite schema's migrations. A released migration is
// never edited; a change is a new entry (and a new kStoreSchemaVersion).
#include "store/sqlite/schema.h"

#include <iterator>

#include "convsent/store.h"

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
    // v9: an audit item stays one once a rule flags its conversation
    // (ReviewItems::Add), so its label stays an audit label.
    R"sql(
ALTER TABLE review_queue ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;
UPDATE review_queue SET audit = 1 WHERE severity = 'audit';
)sql",
    // v10: the emerging issues discovery found (include/convsent/discovered_issues.h).
    R"sql(
CREATE TABLE discovered_issues(
  id INTEGER PRIMARY KEY, phrases TEXT NOT NULL, period TEXT NOT NULL, negative INTEGER NOT NULL,
  lift REAL NOT NULL, found_at INTEGER NOT NULL, alert INTEGER NOT NULL);
)sql",
    // v11: where each help-desk sync stands, the webhook events seen
    // (include/convsent/sync_cursors.h), what is written back
    // (include/convsent/write_backs.h).
    R"sql(
CREATE TABLE sync_cursors(name TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE hook_events(system TEXT NOT NULL, digest TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY(system, digest));
CREATE INDEX hook_events_expiry ON hook_events(expires_at);
CREATE TABLE write_backs(
  id INTEGER PRIMARY KEY, system TEXT NOT NULL, conversation TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE, status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at INTEGER NOT NULL,
  next_at INTEGER NOT NULL, done_at INTEGER NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX write_backs_due ON write_backs(status, next_at);
CREATE INDEX write_backs_conversation ON write_backs(system, conversation, kind);
)sql",
};
static_assert(std::size(kMigrations) == kStoreSchemaVersion);

}  // namespace

std::span<const char* const> Migrations() { return kMigrations; }

}  // namespace convsent::sqlite
