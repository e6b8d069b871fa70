// The SQLite schema, as the migrations that build it: Migrations()[v]
// takes a store from version v to v+1, up to kStoreSchemaVersion (store.h).
// The tables are described in docs/store-and-ingest.md, "Schema".
#ifndef CONVSENT_SRC_STORE_SQLITE_SCHEMA_H_
#define CONVSENT_SRC_STORE_SQLITE_SCHEMA_H_

#include <string>
#include <vector>

namespace convsent::sqlite {

const std::vector<std::string>& Migrations();

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_SCHEMA_H_
