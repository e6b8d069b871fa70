// The PostgreSQL implementation of ReviewItems, on its store's connection.
#ifndef CONVSENT_SRC_STORE_POSTGRES_REVIEW_ITEMS_H_
#define CONVSENT_SRC_STORE_POSTGRES_REVIEW_ITEMS_H_

#include <memory>

#include "convsent/review_queue.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

// `in_transaction`: the store's own flag, true between its Begin and its
// Commit or Rollback (an item read then is locked until the end).
std::unique_ptr<ReviewItems> NewReviewItems(Connection* db, const bool* in_transaction);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_REVIEW_ITEMS_H_
