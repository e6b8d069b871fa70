// The SQLite implementation of Store: one file, WAL, a schema version with
// migrations, prepared statements. Batching is the caller's: Begin() and
// Commit() around many PutConversation calls.
#ifndef CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_H_
#define CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "convsent/store.h"

namespace convsent {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace convsent

#endif  // CONVSENT_SRC_STORE_SQLITE_SQLITE_STORE_H_
