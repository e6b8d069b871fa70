// The PostgreSQL implementation of Labels, on its store's connection.
#ifndef CONVSENT_SRC_STORE_POSTGRES_LABELS_H_
#define CONVSENT_SRC_STORE_POSTGRES_LABELS_H_

#include <memory>

#include "convsent/labels.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

std::unique_ptr<Labels> NewLabels(Connection* db);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_LABELS_H_
