// A data table: the migrations both backends share (shared_schema.h). A
// change is a new entry and a new kStoreSchemaVersion.
#include "store/shared_schema.h"

#include <iterator>

#include "convsent/store.h"

namespace convsent {
namespace {

const char* const kSharedMigrations[] = {
    // v9: an audit item stays one once a rule flags its conversation
    // (ReviewItems::Add), so its label stays an audit label.
    R"sql(
ALTER TABLE review_queue ADD COLUMN audit INTEGER NOT NULL DEFAULT 0;
UPDATE review_queue SET audit = 1 WHERE severity = 'audit';
)sql",
    // v10: the emerging issues discovery found (include/convsent/discovered_issues.h).
    R"sql(
CREATE TABLE discovered_issues(
  id {id}, phrases TEXT NOT NULL, period TEXT NOT NULL, negative {int64} NOT NULL,
  lift {real} NOT NULL, found_at {int64} NOT NULL, alert {int64} NOT NULL);
)sql",
    // v11: where each help-desk sync stands, the webhook events seen
    // (include/convsent/sync_cursors.h), what is written back
    // (include/convsent/write_backs.h).
    R"sql(
CREATE TABLE sync_cursors(name TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at {int64} NOT NULL);
CREATE TABLE hook_events(system TEXT NOT NULL, digest TEXT NOT NULL, expires_at {int64} NOT NULL, PRIMARY KEY(system, digest));
CREATE INDEX hook_events_expiry ON hook_events(expires_at);
CREATE TABLE write_backs(
  id {id}, system TEXT NOT NULL, conversation TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE, status TEXT NOT NULL, attempts INTEGER NOT NULL, created_at {int64} NOT NULL,
  next_at {int64} NOT NULL, done_at {int64} NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX write_backs_due ON write_backs(status, next_at);
CREATE INDEX write_backs_conversation ON write_backs(system, conversation, kind);
)sql",
    // v12: a conversation's latest label and audit label in a narrow table
    // of their own, read by the report beside its rows. Written on the
    // report row, 100,000 labels rewrote almost every page of report_rows
    // (bench/RESULTS.md, 2026-12-05); report_rows' human_label and
    // audit_label are no longer read or written.
    R"sql(
CREATE TABLE conversation_labels(conversation {int64} PRIMARY KEY, human_label INTEGER, audit_label INTEGER);
INSERT INTO conversation_labels(conversation, human_label, audit_label)
  SELECT conversation, human_label, audit_label FROM report_rows WHERE human_label IS NOT NULL OR audit_label IS NOT NULL;
)sql",
};
static_assert(kFirstSharedSchemaVersion + static_cast<int>(std::size(kSharedMigrations)) - 1 == kStoreSchemaVersion);

struct Spelling {
  std::string_view placeholder, sqlite, postgres;
};
constexpr Spelling kSpellings[] = {
    {"{id}", "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"},
    {"{int64}", "INTEGER", "BIGINT"},
    {"{real}", "REAL", "DOUBLE PRECISION"},
    {"{bytes}", "BLOB", "BYTEA"},
};

}  // namespace

std::string ForDialect(std::string_view portable, SqlDialect dialect) {
  std::string out;
  out.reserve(portable.size() + 64);
  size_t i = 0;
  while (i < portable.size()) {
    bool replaced = false;
    if (portable[i] == '{') {
      for (const Spelling& s : kSpellings) {
        if (portable.substr(i, s.placeholder.size()) == s.placeholder) {
          out += dialect == SqlDialect::kSqlite ? s.sqlite : s.postgres;
          i += s.placeholder.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += portable[i++];
  }
  return out;
}

std::vector<std::string> SharedMigrations(SqlDialect dialect) {
  std::vector<std::string> out;
  for (const char* portable : kSharedMigrations) out.push_back(ForDialect(portable, dialect));
  return out;
}

std::vector<std::string> AllMigrations(std::span<const char* const> own, SqlDialect dialect) {
  std::vector<std::string> out(own.begin(), own.end());
  for (std::string& m : SharedMigrations(dialect)) out.push_back(std::move(m));
  return out;
}

}  // namespace convsent
