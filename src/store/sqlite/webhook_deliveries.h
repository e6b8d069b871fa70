// The SQLite implementation of WebhookDeliveries, on its store's connection.
#ifndef CONVSENT_SRC_STORE_SQLITE_WEBHOOK_DELIVERIES_H_
#define CONVSENT_SRC_STORE_SQLITE_WEBHOOK_DELIVERIES_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "convsent/webhook_deliveries.h"

namespace convsent::sqlite {

std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(sqlite3* db, const std::string& path);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_WEBHOOK_DELIVERIES_H_
