// The PostgreSQL implementation of Store, through libpq: one database that
// several ingest workers and servers share (docs/deployment.md).
#ifndef CONVSENT_SRC_STORE_POSTGRES_PG_STORE_H_
#define CONVSENT_SRC_STORE_POSTGRES_PG_STORE_H_

#include <memory>
#include <string>

#include "convsent/store.h"

namespace convsent {

// `url`: postgresql://user:password@host:port/database?options
Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url);

// `url` with any password replaced by "***", for messages and logs.
std::string RedactPgUrl(const std::string& url);

}  // namespace convsent

#endif  // CONVSENT_SRC_STORE_POSTGRES_PG_STORE_H_
