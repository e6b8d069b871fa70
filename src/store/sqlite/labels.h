// The SQLite implementation of Labels, on its store's connection.
#ifndef CONVSENT_SRC_STORE_SQLITE_LABELS_H_
#define CONVSENT_SRC_STORE_SQLITE_LABELS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "convsent/labels.h"

namespace convsent::sqlite {

std::unique_ptr<Labels> NewLabels(sqlite3* db, const std::string& path);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_LABELS_H_
