// What the two backends' stores share: each owns one of every record family
// (HACKING.md), made on its connection when it opens, and hands them out.
// A store drops them (`families_ = {}`) before it closes its connection.
// A family a backend does not have stays null (PostgreSQL's live log).
// Internal to src/store.
#ifndef CONVSENT_SRC_STORE_FAMILY_OWNER_H_
#define CONVSENT_SRC_STORE_FAMILY_OWNER_H_

#include <memory>

#include "convsent/store.h"

namespace convsent::store {

class FamilyOwner : public Store {
 public:
  Alerts& alerts() override { return *families_.alerts; }
  ApiKeys& api_keys() override { return *families_.api_keys; }
  Backlog& backlog() override { return *families_.backlog; }
  DiscoveredIssues& discovered_issues() override { return *families_.discovered_issues; }
  Interventions& interventions() override { return *families_.interventions; }
  Labels& labels() override { return *families_.labels; }
  LiveLog* live_log() override { return families_.live_log.get(); }
  ReviewItems& review_items() override { return *families_.review_items; }
  SyncCursors& sync_cursors() override { return *families_.sync_cursors; }
  WriteBacks& write_backs() override { return *families_.write_backs; }
  WebhookDeliveries& webhook_deliveries() override { return *families_.webhook_deliveries; }

 protected:
  struct Families {
    std::unique_ptr<Alerts> alerts;
    std::unique_ptr<ApiKeys> api_keys;
    std::unique_ptr<Backlog> backlog;
    std::unique_ptr<DiscoveredIssues> discovered_issues;
    std::unique_ptr<Interventions> interventions;
    std::unique_ptr<Labels> labels;
    std::unique_ptr<LiveLog> live_log;
    std::unique_ptr<ReviewItems> review_items;
    std::unique_ptr<SyncCursors> sync_cursors;
    std::unique_ptr<WriteBacks> write_backs;
    std::unique_ptr<WebhookDeliveries> webhook_deliveries;
  };
  Families families_;
};

}  // namespace convsent::store

#endif  // CONVSENT_SRC_STORE_FAMILY_OWNER_H_
