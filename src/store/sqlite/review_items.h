// The SQLite implementation of ReviewItems, on its store's connection.
#ifndef CONVSENT_SRC_STORE_SQLITE_REVIEW_ITEMS_H_
#define CONVSENT_SRC_STORE_SQLITE_REVIEW_ITEMS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "convsent/review_queue.h"

namespace convsent::sqlite {

std::unique_ptr<ReviewItems> NewReviewItems(sqlite3* db, const std::string& path);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_REVIEW_ITEMS_H_
