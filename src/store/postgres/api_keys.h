// The PostgreSQL implementation of ApiKeys, on its store's connection.
#ifndef CONVSENT_SRC_STORE_POSTGRES_API_KEYS_H_
#define CONVSENT_SRC_STORE_POSTGRES_API_KEYS_H_

#include <memory>

#include "convsent/api_keys.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

std::unique_ptr<ApiKeys> NewApiKeys(Connection* db);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_API_KEYS_H_
