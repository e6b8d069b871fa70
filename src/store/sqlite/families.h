// The SQLite record families (HACKING.md), each on its store's connection:
// SqliteStore makes one of each when it opens and drops them before it
// closes the connection. `path` names the store in errors.
#ifndef CONVSENT_SRC_STORE_SQLITE_FAMILIES_H_
#define CONVSENT_SRC_STORE_SQLITE_FAMILIES_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "convsent/alerts.h"
#include "convsent/api_keys.h"
#include "convsent/backlog.h"
#include "convsent/discovered_issues.h"
#include "convsent/interventions.h"
#include "convsent/labels.h"
#include "convsent/live_log.h"
#include "convsent/review_queue.h"
#include "convsent/sync_cursors.h"
#include "convsent/write_backs.h"
#include "convsent/webhook_deliveries.h"

namespace convsent::sqlite {

std::unique_ptr<Alerts> NewAlerts(sqlite3* db, const std::string& path);
std::unique_ptr<ApiKeys> NewApiKeys(sqlite3* db, const std::string& path);
std::unique_ptr<Backlog> NewBacklog(sqlite3* db, const std::string& path);
std::unique_ptr<DiscoveredIssues> NewDiscoveredIssues(sqlite3* db, const std::string& path);
std::unique_ptr<Interventions> NewInterventions(sqlite3* db, const std::string& path);
std::unique_ptr<Labels> NewLabels(sqlite3* db, const std::string& path);
std::unique_ptr<LiveLog> NewLiveLog(sqlite3* db, const std::string& path);
std::unique_ptr<ReviewItems> NewReviewItems(sqlite3* db, const std::string& path);
std::unique_ptr<SyncCursors> NewSyncCursors(sqlite3* db, const std::string& path);
std::unique_ptr<WriteBacks> NewWriteBacks(sqlite3* db, const std::string& path);
std::unique_ptr<WebhookDeliveries> NewWebhookDeliveries(sqlite3* db, const std::string& path);

}  // namespace convsent::sqlite

#endif  // CONVSENT_SRC_STORE_SQLITE_FAMILIES_H_
