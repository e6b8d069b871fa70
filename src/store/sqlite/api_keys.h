// The SQLite implementation of ApiKeys, on its store's connection.
#ifndef CONVSENT_SRC_STORE_SQLITE_API_KEYS_H_
#define CONVSENT_SRC_STORE_SQLITE_API_KEYS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "convsent/api_keys.h"

namespace convsent::sqlite {

std::unique_ptr<ApiKeys> NewApiKeys(sqlite3* db, const std::string& path);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_API_KEYS_H_
