// The PostgreSQL record families (HACKING.md), each on its store's
// connection: PgStore makes one of each when it opens. A shared store has
// no live log (convsent/live_log.h).
#ifndef CONVSENT_SRC_STORE_POSTGRES_FAMILIES_H_
#define CONVSENT_SRC_STORE_POSTGRES_FAMILIES_H_

#include <memory>

#include "convsent/alerts.h"
#include "convsent/api_keys.h"
#include "convsent/backlog.h"
#include "convsent/discovered_issues.h"
#include "convsent/sync_cursors.h"
#include "convsent/write_backs.h"
#include "convsent/interventions.h"
#include "convsent/labels.h"
#include "convsent/review_queue.h"
#include "convsent/webhook_deliveries.h"
#include "store/postgres/connection.h"

namespace convsent::pg {

std::unique_ptr<Alerts> NewAlerts(Connection* db);
std::unique_ptr<ApiKeys> NewApiKeys(Connection* db);
std::unique_ptr<Backlog> NewBacklog(Connection* db);
std::unique_ptr<DiscoveredIssues> NewDiscoveredIssues(Connection* db);
std::unique_ptr<SyncCursors> NewSyncCursors(Connection* db);
std::unique_ptr<WriteBacks> NewWriteBacks(Connection* db);
std::unique_ptr<Interventions> NewInterventions(Connection* db);
std::unique_ptr<Labels> NewLabels(Connection* db);
// `in_transaction`: the store's flag, read when an item is claimed.
std::unique_ptr<ReviewItems> NewReviewItems(Connection* db, const bool* in_transaction);
std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(Connection* db);

}  // namespace convsent::pg

#endif  // CONVSENT_SRC_STORE_POSTGRES_FAMILIES_H_
