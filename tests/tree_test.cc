// The metric tree: its config, attribution on hand-made rows, the alert
// rules, and, on the generated sample, the planted causes as top drivers,
// exactly the expected webhooks, and interventions judged on the numbers.
#include "convsent/tree.h"

#include <gtest/gtest.h>

#include <chrono>
#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "loopback_server.h"
#include "test_util.h"

namespace convsent {
namespace {

TEST(TreeConfig, TheDefaultIsTheProductTree) {
  auto c = ParseTreeConfig(DefaultTreeYaml(), "default");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->nodes[0].id, "sentiment");
  std::vector<std::string> branches;
  for (int i : c->nodes[0].children) branches.push_back(c->nodes[static_cast<size_t>(i)].id);
  EXPECT_EQ(branches, (std::vector<std::string>{"wait_and_effort", "resolution_quality", "agent_interaction",
                                                "product_and_business_friction"}));
  for (const char* driver : {"slow_first_response", "many_replies", "handoffs", "long_gap", "reopened",
                             "repeated_question", "escalated", "agent_tone", "policy_refusal", "bug_or_outage",
                             "billing_dispute", "cancellation_intent"}) {
    const auto i = c->Find(driver);
    ASSERT_TRUE(i.has_value()) << driver;
    EXPECT_TRUE(c->nodes[static_cast<size_t>(*i)].is_driver()) << driver;
  }
  for (const auto& n : c->nodes) EXPECT_FALSE(n.owners.accountable.empty()) << n.id;  // every node is owned
  // A driver without owners of its own has its branch's.
  EXPECT_EQ(c->nodes[static_cast<size_t>(*c->Find("slow_first_response"))].owners.accountable, "Workforce management lead");
  EXPECT_EQ(c->nodes[static_cast<size_t>(*c->Find("billing_dispute"))].owners.accountable, "Billing operations lead");
}

TEST(TreeConfig, ErrorsNameTheLineAndTheKey) {
  auto error = [](const std::string& yaml) {
    auto c = ParseTreeConfig(yaml, "t.yaml");
    return c.ok() ? std::string("(parsed)") : c.status().message();
  };
  const std::string head = "version: 1\nroot:\n  id: r\n  owners: {accountable: A}\n  children:\n";
  EXPECT_EQ(error(head + "    - id: d\n      when: {fact: frt, at_least: 60}\n"),
            "t.yaml:7: root.children[0].when.fact: unknown fact 'frt' (one of: first_response_minutes, "
            "longest_wait_minutes, resolution_hours, agent_replies, customer_turns, handoffs, reopened, escalated, "
            "agent_tone_negative, souring)");
  EXPECT_NE(error(head + "    - id: d\n      chidren: []\n").find("t.yaml:7: root.children[0].chidren: unknown key"),
            std::string::npos);
  EXPECT_NE(error(head + "    - id: d\n      when: {detector: refund_please}\n").find("t.yaml:7: root.children[0].when.detector: unknown detector"),
            std::string::npos);
  EXPECT_NE(error(head + "    - id: d\n      when: {fact: reopened}\n    - id: d\n      when: {fact: escalated}\n")
                .find("t.yaml:8: root.children[1].id: 'd' is used twice"),
            std::string::npos);
  EXPECT_NE(error("version: 1\nroot:\n  id: r\n  children:\n    - id: d\n      when: {fact: reopened}\n").find("root.owners"),
            std::string::npos);
  EXPECT_NE(error(head + "    - id: d\n      owners: {accountable: B, webhook: ftp://x}\n      when: {fact: reopened}\n")
                .find("t.yaml:7: root.children[0].owners.webhook: expected an http:// or https:// URL"),
            std::string::npos);
  EXPECT_NE(error("version: 1\nroot: [unclosed\n").find("t.yaml:"), std::string::npos);
  EXPECT_NE(error("version: 2\n").find("version"), std::string::npos);
}

// Rows: a negative share, facts, detectors, on one day.
ReportRow Row(const char* day, bool negative, int reopened, int64_t frt_min, bool billing = false) {
  ReportRow r;
  ParseTime(std::string(day) + "T10:00:00Z", &r.created_at_ms);
  r.has_customer = true;
  r.tone = negative ? Sentiment::kNegative : Sentiment::kPositive;
  r.reopened = reopened;
  r.first_response_ms = frt_min * 60000;
  DetectorCounts d;
  if (billing) d.Add(Detector::kBillingDispute, Role::kCustomer);
  r.detectors = d.packed();
  return r;
}

TreeConfig SmallTree() {
  auto c = ParseTreeConfig(R"(version: 1
alerts: {min_conversations: 5, baseline_periods: 2}
root:
  id: root
  owners: {accountable: Boss}
  children:
    - id: wait
      owners: {accountable: Wait owner}
      children:
        - id: slow
          when: {fact: first_response_minutes, at_least: 60}
    - id: quality
      owners: {accountable: Quality owner}
      children:
        - id: reopened
          when: {fact: reopened}
        - id: billing
          when: {detector: billing_dispute, role: customer}
)", "small");
  CONVSENT_CHECK(c.ok());
  return *c;
}

TEST(Tree, AttributionOnHandMadeRows) {
  const TreeConfig config = SmallTree();
  TreeBuilder b(config);
  // One week (2026-W45), 8 conversations:
  //   slow + reopened, negative    -> its credit splits 1/2, 1/2
  //   slow, negative ; slow, positive
  //   reopened, negative
  //   nothing, negative (unexplained) ; nothing, positive x 3
  b.Add(Row("2026-11-02", true, 1, 90));
  b.Add(Row("2026-11-02", true, 0, 90));
  b.Add(Row("2026-11-03", false, 0, 90));
  b.Add(Row("2026-11-03", true, 1, 5));
  b.Add(Row("2026-11-04", true, 0, 5));
  for (int i = 0; i < 3; ++i) b.Add(Row("2026-11-05", false, 0, 5));
  const TreeReport r = b.Finish();
  ASSERT_EQ(r.periods.size(), 1u);
  const auto& n = r.periods[0].nodes;
  const size_t slow = static_cast<size_t>(*config.Find("slow")), reop = static_cast<size_t>(*config.Find("reopened"));
  const size_t quality = static_cast<size_t>(*config.Find("quality"));
  EXPECT_EQ(n[0].counts.n, 8);
  EXPECT_EQ(n[0].counts.negative, 4);
  EXPECT_EQ(n[slow].counts.with, 3);
  EXPECT_DOUBLE_EQ(n[slow].prevalence, 3.0 / 8);
  EXPECT_DOUBLE_EQ(n[slow].negative_with, 2.0 / 3);
  EXPECT_DOUBLE_EQ(n[slow].negative_without, 2.0 / 5);
  EXPECT_DOUBLE_EQ(n[slow].lift, 2.0 / 3 - 2.0 / 5);
  EXPECT_LT(n[slow].lift_interval.low, n[slow].lift);
  EXPECT_GT(n[slow].lift_interval.high, n[slow].lift);
  // Shapley credit: slow 1/2 + 1, reopened 1/2 + 1; the unexplained one is nobody's.
  EXPECT_DOUBLE_EQ(n[slow].counts.credited, 1.5);
  EXPECT_DOUBLE_EQ(n[reop].counts.credited, 1.5);
  EXPECT_DOUBLE_EQ(n[slow].share_of_negative, 1.5 / 4);
  EXPECT_DOUBLE_EQ(n[quality].counts.credited, 1.5);  // a branch sums its drivers
  EXPECT_DOUBLE_EQ(n[0].counts.credited, 3.0);        // every explained negative, once
  EXPECT_EQ(r.unexplained_negative, 1);
  // Which nodes one conversation has.
  const auto present = b.Present(Row("2026-11-02", true, 1, 90));
  EXPECT_TRUE(present[slow] && present[reop] && present[quality]);
  EXPECT_FALSE(present[static_cast<size_t>(*config.Find("billing"))]);
}

TEST(Tree, AlertRulesOnHandMadeRows) {
  const TreeConfig config = SmallTree();
  TreeBuilder b(config);
  // Two quiet weeks: 1 in 10 conversations with a billing dispute; then a
  // week where half have one.
  for (const char* day : {"2026-11-02", "2026-11-09"}) {
    for (int i = 0; i < 100; ++i) b.Add(Row(day, i % 5 == 0, 0, 5, i % 10 == 0));
  }
  for (int i = 0; i < 100; ++i) b.Add(Row("2026-11-16", i % 2 == 0, 0, 5, i % 2 == 0));
  const TreeReport r = b.Finish();
  const auto moves = FindMoves(config, r);
  ASSERT_FALSE(moves.empty());
  for (const Move& m : moves) EXPECT_EQ(config.nodes[static_cast<size_t>(m.node)].id, "billing");  // not its branch
  EXPECT_EQ(moves[0].kind, "prevalence");
  EXPECT_NEAR(moves[0].before, 0.1, 1e-12);
  EXPECT_NEAR(moves[0].after, 0.5, 1e-12);
  EXPECT_EQ(moves[0].period, "2026-W47");
  EXPECT_FALSE(Recovered(config, r, *config.Find("billing"), "prevalence", 0.1));
  // A fourth week back to normal: recovered, and no new move.
  for (int i = 0; i < 100; ++i) b.Add(Row("2026-11-23", i % 5 == 0, 0, 5, i % 10 == 0));
  const TreeReport r2 = b.Finish();
  EXPECT_TRUE(Recovered(config, r2, *config.Find("billing"), "prevalence", 0.1));
  EXPECT_TRUE(FindMoves(config, r2).empty());
}

// The default tree, with webhooks for two owners only: the receiver must
// get exactly the alerts of their nodes.
std::string ConfigWithWebhooks(const testing::WebhookReceiver& receiver) {
  std::string yaml(DefaultTreeYaml());
  auto set = [&](const std::string& owner, const std::string& who) {
    const std::string key = "accountable: " + owner + "\n        webhook: \"\"";
    const size_t at = yaml.find(key);
    CONVSENT_CHECK(at != std::string::npos);
    yaml.replace(at, key.size(), "accountable: " + owner + "\n        webhook: \"" + receiver.Url(who) + "\"");
  };
  set("Workforce management lead", "workforce");
  const std::string billing = "accountable: Billing operations lead\n            webhook: \"\"";
  const size_t at = yaml.find(billing);
  CONVSENT_CHECK(at != std::string::npos);
  yaml.replace(at, billing.size(), "accountable: Billing operations lead\n            webhook: \"" + receiver.Url("billing") + "\"");
  return yaml;
}

TEST(Tree, FindsThePlantedCausesAlertsTheirOwnersAndJudgesInterventions) {
  testing::TempDir dir;
  const std::string in = dir.path() + "/s.jsonl", db = dir.path() + "/s.db";
  const std::string bin = testing::Binary();
  ASSERT_EQ(testing::RunCommand(bin + " generate --conversations 6000 --seed 3 -o " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(testing::RunCommand(bin + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  const auto truth = nlohmann::json::parse(testing::ReadFile(in + ".truth.json"));

  // Top drivers: each planted cause is the first driver of its periods.
  for (const auto& planted : truth["tree"]["top_driver"]) {
    int64_t from = 0, to = 0;
    ASSERT_TRUE(ParseTime(planted["from"].get<std::string>(), &from));
    ASSERT_TRUE(ParseTime(planted["to"].get<std::string>(), &to));
    for (int64_t week_end = from + 7 * 86400000LL; week_end <= to; week_end += 7 * 86400000LL) {
      const auto r = testing::RunCommand(bin + " tree --json --no-alerts --db " + db + " --to " + FormatTime(week_end));
      ASSERT_EQ(r.exit_code, 0);
      const auto j = nlohmann::json::parse(r.out);
      ASSERT_FALSE(j["top_drivers"].empty());
      EXPECT_EQ(j["top_drivers"][0], planted["node"]) << j["current_period"];
    }
    // And not the week before it started.
    const auto before = nlohmann::json::parse(
        testing::RunCommand(bin + " tree --json --no-alerts --db " + db + " --to " + FormatTime(from)).out);
    EXPECT_NE(before["top_drivers"][0], planted["node"]) << before["current_period"];
  }

  // Alerts, run weekly as a team would: the receiver gets exactly the
  // alerts of the planted causes on the nodes whose owners have webhooks.
  testing::WebhookReceiver receiver;
  const std::string config = dir.Write("tree.yaml", ConfigWithWebhooks(receiver));
  int64_t start = 0;
  ASSERT_TRUE(ParseTime(truth["start"].get<std::string>(), &start));
  for (int week = 2; week <= 8; ++week) {
    const std::string to = FormatTime(start + week * 7 * 86400000LL);
    const auto r = testing::RunCommand(bin + " tree --db " + db + " --config " + config + " --to " + to + " 2>&1");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    if (week == 4) {  // no storm: the same week again raises nothing new
      const auto again = testing::RunCommand(bin + " tree --db " + db + " --config " + config + " --to " + to + " 2>&1");
      EXPECT_EQ(again.out.find("ALERT"), std::string::npos) << again.out;
    }
  }
  std::vector<std::string> got;
  for (const auto& [who, body] : receiver.Posts()) {
    got.push_back(who + ":" + body["alert"]["node"].get<std::string>() + ":" + body["alert"]["period"].get<std::string>());
    EXPECT_EQ(body["type"], "convsent.alert");
    EXPECT_FALSE(body["owners"]["accountable"].get<std::string>().empty());
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"billing:billing_dispute:2026-W42", "workforce:long_gap:2026-W40",
                                           "workforce:slow_first_response:2026-W40"}));
  // Stored: delivered ones marked sent, recovered ones closed; acknowledging works.
  const auto alerts = nlohmann::json::parse(testing::RunCommand(bin + " alerts --all --json --db " + db).out);
  int sent = 0;
  for (const auto& a : alerts) {
    sent += a["delivery"] == "sent";
    if (a["node"] == "slow_first_response" || a["node"] == "billing_dispute") {
      EXPECT_EQ(a["status"], "recovered") << a;
    }
  }
  EXPECT_EQ(sent, 3);
  const auto open = nlohmann::json::parse(testing::RunCommand(bin + " alerts --json --db " + db).out);
  if (!open.empty()) {
    const std::string id = std::to_string(open[0]["id"].get<int64_t>());
    EXPECT_EQ(testing::RunCommand(bin + " alerts --ack " + id + " --db " + db).exit_code, 0);
    EXPECT_EQ(testing::RunCommand(bin + " alerts --ack " + id + " --db " + db + " 2>/dev/null").exit_code, 1);
  }

  // Interventions: the planted fix is verified; one where nothing changed is not.
  const auto& fix = truth["tree"]["intervention_that_worked"];
  std::string segment;
  for (auto it = fix["segment"].begin(); it != fix["segment"].end(); ++it) {
    segment += " --segment " + it.key() + "=" + it.value().get<std::string>();
  }
  ASSERT_EQ(testing::RunCommand(bin + " intervention add --db " + db + " --node " + fix["node"].get<std::string>() +
                                " --at " + fix["at"].get<std::string>() + " --owner Billing --note fix" + segment + " >/dev/null").exit_code, 0);
  ASSERT_EQ(testing::RunCommand(bin + " intervention add --db " + db + " --node policy_refusal --at " +
                                FormatTime(start + 14 * 86400000LL) + " --owner Training --note macro >/dev/null").exit_code, 0);
  const auto checks = nlohmann::json::parse(testing::RunCommand(bin + " intervention check --json --db " + db).out);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0]["verdict"], "improved") << checks[0]["reasoning"];
  EXPECT_LT(checks[0]["difference_in_differences"]["p"].get<double>(), 0.05);
  EXPECT_EQ(checks[1]["verdict"], "no measurable change") << checks[1]["reasoning"];
  EXPECT_EQ(testing::RunCommand(bin + " intervention add --db " + db + " --node nope --at 2026-10-01 --owner X --note y 2>/dev/null").exit_code, 2);

  // One conversation's drivers.
  const auto one = testing::RunCommand(bin + " tree --json --db " + db + " --conversation C-1");
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_TRUE(nlohmann::json::parse(one.out)["drivers"].is_array());
}

TEST(Tree, InitWritesTheDefaultAndABadConfigFails) {
  testing::TempDir dir;
  const std::string out = dir.path() + "/t.yaml", bin = testing::Binary();
  ASSERT_EQ(testing::RunCommand(bin + " tree init -o " + out + " 2>/dev/null").exit_code, 0);
  EXPECT_EQ(testing::ReadFile(out), std::string(DefaultTreeYaml()));
  EXPECT_EQ(testing::RunCommand(bin + " tree init -o " + out + " 2>/dev/null").exit_code, 1);  // never overwrites
  const std::string bad = dir.Write("bad.yaml", "version: 1\nroot:\n  id: r\n  owners: {accountable: A}\n  children:\n    - id: d\n      when: {fact: nope}\n");
  const auto r = testing::RunCommand(bin + " tree --db " + dir.path() + "/x.db --config " + bad + " 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("bad.yaml:7: root.children[0].when.fact: unknown fact 'nope'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace convsent
