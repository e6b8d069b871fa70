// The schema's migrations: written once where the dialects agree, and never
// edited once released.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <string>
#include <vector>

#include "convsent/store.h"
#include "store/postgres/schema.h"
#include "store/shared_schema.h"
#include "store/sqlite/schema.h"

namespace convsent {
namespace {

std::vector<uint64_t> Hashes(const std::vector<std::string>& migrations) {
  std::vector<uint64_t> out;
  for (const std::string& m : migrations) out.push_back(XXH3_64bits(m.data(), m.size()));
  return out;
}

std::string Listed(const std::vector<uint64_t>& hashes) {
  std::string out;
  char buf[32];
  for (uint64_t h : hashes) std::snprintf(buf, sizeof(buf), "0x%016llxULL, ", static_cast<unsigned long long>(h)), out += buf;
  return out;
}

// A store made by a release was migrated with these texts; one edited
// afterwards would leave stores of the same version with different tables.
// A change is a new migration. (On a mismatch the message lists the hashes
// of today's texts.)
TEST(Schema, ReleasedMigrationsAreNeverEdited) {
  const std::vector<uint64_t> sqlite = {
      0x96fc90b2b5449ff9ULL, 0x4391d196cb05f6d6ULL, 0xebf857f5989d24edULL, 0x3fd7d9eca37eb096ULL, 0xadce1d180c0bd7ecULL, 0x28b604fcebba6a8dULL, 0xc3ed4f3e39a7fccaULL, 0x81adf8667a90ebe3ULL, 0xc9876b346b12970dULL, 0x7596ce9e9a9af827ULL, 0x6d9a3d088c8b004dULL, 0x2b998fc8ccfc171fULL
  };
  const std::vector<uint64_t> postgres = {
      0xb126dca0d359bcdbULL, 0x6c440a7b4b9a2fbdULL, 0xd9cfff2c50ca70afULL, 0xc9876b346b12970dULL, 0x252b4b860fb429d7ULL, 0x0420f27fadef3fc8ULL, 0x22024ce1e1255353ULL
  };
  const auto sqlite_now = Hashes(sqlite::Migrations());
  const auto postgres_now = Hashes(pg::Migrations());
  ASSERT_GE(sqlite_now.size(), sqlite.size());
  ASSERT_GE(postgres_now.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite_now[i], sqlite[i]) << "SQLite migration to version " << i + 1 << " was edited; today: "
                                        << Listed(sqlite_now);
  }
  for (size_t i = 0; i < postgres.size(); ++i) {
    EXPECT_EQ(postgres_now[i], postgres[i]) << "PostgreSQL migration " << i << " was edited; today: "
                                            << Listed(postgres_now);
  }
  EXPECT_EQ(static_cast<int>(sqlite_now.size()), kStoreSchemaVersion);
  EXPECT_EQ(pg::kBaseVersion + static_cast<int>(postgres_now.size()) - 1, kStoreSchemaVersion);
}

TEST(Schema, EachDialectSpellsThePortableTypes) {
  const std::string portable = "CREATE TABLE t(id {id}, at {int64} NOT NULL, x {real}, b {bytes}, n INTEGER, s TEXT, j '{x}');";
  EXPECT_EQ(ForDialect(portable, SqlDialect::kSqlite),
            "CREATE TABLE t(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, x REAL, b BLOB, n INTEGER, s TEXT, j '{x}');");
  EXPECT_EQ(ForDialect(portable, SqlDialect::kPostgres),
            "CREATE TABLE t(id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, x DOUBLE PRECISION, b BYTEA, n INTEGER, "
            "s TEXT, j '{x}');");
}

TEST(Schema, TheSharedMigrationsCloseBothBackends) {
  const auto sqlite_shared = SharedMigrations(SqlDialect::kSqlite);
  const auto postgres_shared = SharedMigrations(SqlDialect::kPostgres);
  const auto& sqlite_all = sqlite::Migrations();
  const auto& postgres_all = pg::Migrations();
  ASSERT_EQ(sqlite_shared.size(), static_cast<size_t>(kStoreSchemaVersion - kFirstSharedSchemaVersion + 1));
  for (size_t i = 0; i < sqlite_shared.size(); ++i) {
    EXPECT_EQ(sqlite_all[sqlite_all.size() - sqlite_shared.size() + i], sqlite_shared[i]);
    EXPECT_EQ(postgres_all[postgres_all.size() - postgres_shared.size() + i], postgres_shared[i]);
    EXPECT_EQ(sqlite_shared[i].find('{'), std::string::npos) << "a placeholder no dialect spells";
  }
}

}  // namespace
}  // namespace convsent
