// The fixture of the Store contract tests (store_test.cc, and the record
// families' in store_families_test.cc): a store of each backend with the
// embedded model registered, and conversations made to order.
#ifndef CONVSENT_TESTS_STORE_FIXTURE_H_
#define CONVSENT_TESTS_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "convsent/model.h"
#include "convsent/rollup.h"
#include "convsent/store.h"
#include "test_util.h"

namespace convsent::testing {

class StoreTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    auto store = Store::Open(location_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    auto model = Model::Embedded();
    ASSERT_TRUE(model.ok());
    scorer_ = std::make_unique<Scorer>(*model);
    auto id = store_->RegisterModel((*model)->info().version, "{}");
    ASSERT_TRUE(id.ok()) << id.status().message();
    model_id_ = *id;
    ASSERT_TRUE(store_->SetCurrentModel((*model)->info().version).ok());
  }

  std::unique_ptr<Store> OpenAnother() {
    auto store = Store::Open(location_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  ScoredConversation Make(const std::string& id, int64_t created_at_ms, std::vector<std::string> texts,
                          const std::string& channel = "chat") {
    Conversation c;
    c.id = id;
    c.channel = channel;
    c.topic = "billing";
    c.team = "tier-1";
    c.tags = {"refund", "vip"};
    c.attributes = {{"agent", "a-07"}, {"plan", "pro"}};
    c.created_at_ms = created_at_ms;
    c.csat = 2;
    c.nps = 6;
    c.events = {{"escalated", created_at_ms + 60000}};
    for (size_t i = 0; i < texts.size(); ++i) {
      Message m;
      m.role = i % 2 == 0 ? Role::kCustomer : Role::kAgent;
      m.author = i % 2 == 0 ? "u-1" : "a-07";
      m.at_ms = created_at_ms + static_cast<int64_t>(i) * 30000;
      m.text = texts[i];
      c.messages.push_back(std::move(m));
    }
    return ScoreConversation(std::move(c), *scorer_);
  }

  Status Put(const ScoredConversation& sc) {
    RETURN_IF_ERROR(store_->Begin());
    RETURN_IF_ERROR(store_->conversations().Put(sc, model_id_));
    return store_->Commit();
  }

  std::vector<ReportRow> Rows(int64_t from = INT64_MIN, int64_t to = INT64_MAX) {
    std::vector<ReportRow> rows;
    EXPECT_TRUE(store_->conversations().ScanForReport(from, to, [&](const ReportRow& r) { rows.push_back(r); }).ok());
    return rows;
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Scorer> scorer_;
  int64_t model_id_ = 0;
};

inline constexpr int64_t kDay = 86400000;
inline constexpr int64_t kT0 = 1793000000000;  // 2026-10-26

}  // namespace convsent::testing

#endif  // CONVSENT_TESTS_STORE_FIXTURE_H_
