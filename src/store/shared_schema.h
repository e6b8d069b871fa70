// The schema migrations both backends share. Up to version 8 each backend
// kept its own text (PostgreSQL began at version 6 in one step); from
// version 9 on a migration is written once here in portable DDL, whose
// placeholders each dialect spells its own way:
//   {id}     a table's own row number: INTEGER PRIMARY KEY / BIGSERIAL PRIMARY KEY
//   {int64}  a 64-bit integer (times, counts, ids):  INTEGER / BIGINT
//   {real}   a double:                               REAL / DOUBLE PRECISION
//   {bytes}  a blob:                                 BLOB / BYTEA
// Everything else (TEXT, INTEGER for small numbers, indexes, ALTER TABLE)
// reads the same in both. A released migration is never edited, in either
// backend: schema_test.cc holds each one's hash.
#ifndef CONVSENT_SRC_STORE_SHARED_SCHEMA_H_
#define CONVSENT_SRC_STORE_SHARED_SCHEMA_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace convsent {

enum class SqlDialect { kSqlite, kPostgres };

// The first schema version whose migration is shared.
inline constexpr int kFirstSharedSchemaVersion = 9;

// `portable` with its placeholders spelled for `dialect`.
std::string ForDialect(std::string_view portable, SqlDialect dialect);

// The migrations to versions kFirstSharedSchemaVersion..kStoreSchemaVersion,
// in `dialect`.
std::vector<std::string> SharedMigrations(SqlDialect dialect);

// A backend's own migrations, then the shared ones in its dialect.
std::vector<std::string> AllMigrations(std::span<const char* const> own, SqlDialect dialect);

}  // namespace convsent

#endif  // CONVSENT_SRC_STORE_SHARED_SCHEMA_H_
