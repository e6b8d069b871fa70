// The PostgreSQL implementation of WebhookDeliveries, on its store's connection.
#ifndef CONVSENT_SRC_STORE_POSTGRES_WEBHOOK_DELIVERIES_H_
#define CONVSENT_SRC_STORE_POSTGRES_WEBHOOK_DELIVERIES_H_

#include <memory>

#include "convsent/webhook_deliveries.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(Connection* db);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_WEBHOOK_DELIVERIES_H_
