// The PostgreSQL schema, as the migrations that build it. PostgreSQL
// support came with schema 6: Migrations()[0] builds a new store at
// kBaseVersion in one step, and Migrations()[i] takes it from
// kBaseVersion + i - 1 to kBaseVersion + i, as for SQLite. Every migration
// runs in one transaction under an advisory lock (pg_store.cc), so that
// processes starting together migrate once.
#ifndef CONVSENT_SRC_STORE_POSTGRES_SCHEMA_H_
#define CONVSENT_SRC_STORE_POSTGRES_SCHEMA_H_

#include <string>
#include <vector>

namespace convsent::pg {

inline constexpr int kBaseVersion = 6;

const std::vector<std::string>& Migrations();

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_SCHEMA_H_
