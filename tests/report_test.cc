// The report: its figures on hand-made rows, and on the generated sample it
// must find what was planted and flag nothing where nothing was planted.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "convsent/report.h"
#include "test_util.h"

namespace convsent {
namespace {

// Hand-made rows name their model and segments through one dictionary.
ReportDictionary dictionary;

ReportRow Row(const char* day, Sentiment tone, const char* channel, std::optional<int> csat = std::nullopt,
              std::optional<int> nps = std::nullopt, int64_t frt_min = 10, int escalated = 0) {
  ReportRow r;
  r.segments = {dictionary.InternSegment("channel", channel)};
  ParseTime(std::string(day) + "T12:00:00Z", &r.created_at_ms);
  r.has_customer = true;
  r.tone = tone;
  r.score5 = tone == Sentiment::kNegative ? 1.5f : tone == Sentiment::kPositive ? 4.5f : 3.0f;
  r.model = dictionary.InternModel("m1");
  r.csat = csat;
  r.nps = nps;
  r.first_response_ms = frt_min * 60000;
  r.escalated = escalated;
  return r;
}

Report BuildReport(const std::vector<ReportRow>& rows, const ReportOptions& o) {
  ReportBuilder builder(dictionary, o);
  for (const auto& r : rows) builder.Add(r);
  return builder.Finish();
}

TEST(Report, FiguresOnHandMadeRows) {
  constexpr auto N = Sentiment::kNegative, U = Sentiment::kNeutral, P = Sentiment::kPositive;
  // Week 2026-W45 (Mon 2 Nov): 1 negative, 1 neutral, 2 positive.
  // Week 2026-W46 (Mon 9 Nov): 2 negative, 1 neutral, 1 positive.
  std::vector<ReportRow> rows = {
      Row("2026-11-02", N, "chat", 1, 0, 30, 1), Row("2026-11-03", U, "chat", 4), Row("2026-11-04", P, "email", 5, 10),
      Row("2026-11-08", P, "email", std::nullopt, 9),  // Sunday: still W45
      Row("2026-11-09", N, "chat", 2), Row("2026-11-10", N, "chat"), Row("2026-11-11", U, "email"),
      Row("2026-11-12", P, "email", std::nullopt, 7, 50)};
  rows.push_back(rows.back());
  rows.back().has_customer = false;  // no customer message: no tone, but still handled
  ReportOptions o;
  o.min_segment_size = 1;
  const Report r = BuildReport(rows, o);
  EXPECT_EQ(r.overall.scored(), 8);
  EXPECT_DOUBLE_EQ(r.overall.NetScore(), 0.0);  // (3 - 3) / 8
  EXPECT_DOUBLE_EQ(r.overall.NegativeShare(), 3.0 / 8);
  ASSERT_EQ(r.trend.size(), 2u);
  EXPECT_EQ(r.trend[0].label, "2026-W45");
  EXPECT_EQ(r.trend[1].label, "2026-W46");
  EXPECT_EQ(r.trend[0].counts.scored(), 4);
  EXPECT_EQ(r.trend[1].counts.negative, 2);
  // CSAT: 4 responses (1, 4, 5, 2), 2 satisfied -> 50. NPS: 5 responses (0,
  // 10, 9, 7, and 7 again on the copied row), 2 promoters, 1 detractor -> 20.
  // Escalations: 1 of 9 handled.
  ASSERT_TRUE(r.related.csat.has_value());
  EXPECT_DOUBLE_EQ(*r.related.csat, 50.0);
  EXPECT_DOUBLE_EQ(*r.related.nps, 20.0);
  EXPECT_NEAR(r.related.escalation_rate, 100.0 / 9, 1e-9);
  EXPECT_EQ(r.related.conversations, 9);
  // First response, 9 values: six of 10, then 30, 50, 50. Nearest rank:
  // median the 5th (10), p90 the 9th (50).
  EXPECT_DOUBLE_EQ(*r.related.frt_median_min, 10.0);
  EXPECT_DOUBLE_EQ(*r.related.frt_p90_min, 50.0);
  // Segments: chat has 3 of 4 negative.
  bool found = false;
  for (const auto& s : r.segments) {
    if (s.dimension == "channel" && s.value == "chat") {
      found = true;
      EXPECT_EQ(s.counts.negative, 3);
      EXPECT_NEAR(s.negative_interval.low, WilsonInterval(3, 4).low, 1e-12);
      EXPECT_EQ(s.related.conversations, 4);
      ASSERT_TRUE(s.related.csat.has_value());  // chat's CSAT: 1, 4, 2 -> one satisfied of three
      EXPECT_NEAR(*s.related.csat, 100.0 / 3, 1e-9);
    }
  }
  EXPECT_TRUE(found);
  // Filters.
  o.where = {{"channel", "email"}};
  EXPECT_EQ(BuildReport(rows, o).overall.scored(), 4);
  o.where = {{"channel", "fax"}};  // no conversation has it: nothing selected
  EXPECT_EQ(BuildReport(rows, o).overall.scored(), 0);
  // Day periods.
  o.where.clear();
  o.period = Period::kDay;
  EXPECT_EQ(BuildReport(rows, o).trend.front().label, "2026-11-02");
}

TEST(Report, AgreementWithReviewersAndTheBlend) {
  constexpr auto N = Sentiment::kNegative, U = Sentiment::kNeutral, P = Sentiment::kPositive;
  // model -> reviewer: N->N, N->P, P->P, U->U, and one row nobody labelled.
  std::vector<ReportRow> rows = {Row("2026-11-02", N, "chat"), Row("2026-11-02", N, "chat"), Row("2026-11-02", P, "chat"),
                                 Row("2026-11-02", U, "chat"), Row("2026-11-02", N, "chat")};
  rows[0].human = N, rows[1].human = P, rows[2].human = P, rows[3].human = U;
  ReportOptions o;
  Report r = BuildReport(rows, o);
  EXPECT_EQ(r.human.labelled, 4);
  EXPECT_EQ(r.human.agree, 3);
  // Cohen's kappa by hand: observed 3/4; by chance (2*1 + 1*1 + 1*2) / 16.
  ASSERT_TRUE(r.human.kappa.has_value());
  EXPECT_NEAR(*r.human.kappa, (0.75 - 5.0 / 16) / (1 - 5.0 / 16), 1e-12);
  EXPECT_EQ(r.overall.negative, 3);  // the model's tones
  EXPECT_FALSE(r.human.blended);
  o.blend_human_labels = true;
  r = BuildReport(rows, o);
  EXPECT_EQ(r.overall.negative, 2);  // the reviewer's positive wins
  EXPECT_EQ(r.overall.positive, 2);
  EXPECT_TRUE(r.human.blended);
  EXPECT_NE(ReportToJson(r).find("\"human_labels\": true"), std::string::npos);
}

TEST(Report, MethodChangeIsMarked) {
  std::vector<ReportRow> rows;
  for (const char* day : {"2026-11-02", "2026-11-09", "2026-11-16"}) rows.push_back(Row(day, Sentiment::kNeutral, "chat"));
  rows[1].model = dictionary.InternModel("m2");
  rows[2].model = rows[1].model;
  rows.push_back(Row("2026-11-17", Sentiment::kNeutral, "chat"));  // m1 and m2 in one week
  const Report r = BuildReport(rows, {});
  ASSERT_EQ(r.trend.size(), 3u);
  EXPECT_FALSE(r.trend[0].method_change);
  EXPECT_TRUE(r.trend[1].method_change);  // m1 -> m2
  EXPECT_TRUE(r.trend[2].method_change);  // two methods in one period: never averaged silently
  EXPECT_EQ(r.trend[2].models.size(), 2u);
}

// On the generated sample the report finds what was planted, and only that.
TEST(Report, FindsWhatWasPlanted) {
  testing::TempDir dir;
  const std::string in = dir.path() + "/s.jsonl", db = dir.path() + "/s.db";
  ASSERT_EQ(testing::RunCommand(testing::Binary() + " generate --conversations 4000 --seed 11 -o " + in + " >/dev/null").exit_code, 0);
  ASSERT_EQ(testing::RunCommand(testing::Binary() + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  const auto r = testing::RunCommand(testing::Binary() + " report --json --db " + db);
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema_version"], 1);
  for (const char* key : {"scored", "net_score", "mean_score5", "share", "band", "method", "trend", "segments", "related"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  auto pocket = [&](const std::string& dim, const std::string& value) {
    for (const auto& s : j["segments"]) {
      if (s["dimension"] == dim && s["value"] == value) return s["pocket"].get<bool>();
    }
    ADD_FAILURE() << "no segment " << dim << "=" << value;
    return false;
  };
  // Planted: the painful channel, the curt agent, the billing bug.
  EXPECT_TRUE(pocket("channel", "social"));
  EXPECT_TRUE(pocket("agent", "a-07"));
  EXPECT_TRUE(pocket("topic", "billing"));
  EXPECT_TRUE(pocket("tag", "double-charge"));
  // Not planted: never flagged.
  for (const char* ch : {"chat", "email", "phone"}) EXPECT_FALSE(pocket("channel", ch)) << ch;
  for (const char* team : {"tier1", "tier2"}) EXPECT_FALSE(pocket("team", team)) << team;
  for (const char* topic : {"shipping", "account", "returns"}) EXPECT_FALSE(pocket("topic", topic)) << topic;
  // The slow week: the highest median first response and negative share.
  const auto& series = j["trend"]["series"];
  ASSERT_EQ(series.size(), 8u);
  size_t slowest = 0, worst = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    if (series[i]["related"]["first_response_minutes"]["median"] > series[slowest]["related"]["first_response_minutes"]["median"]) slowest = i;
    if (series[i]["share"]["negative"] > series[worst]["share"]["negative"]) worst = i;
  }
  EXPECT_EQ(slowest, 3u);  // days 21-27 of the sample: its fourth week
  EXPECT_TRUE(worst == 3u || worst == 5u || worst == 6u);  // the slow week or the billing-bug weeks
  EXPECT_GT(j["speed"]["frt_median_vs_negative_share_correlation"].get<double>(), 0.5);
  // Drift toward neutral in the last weeks.
  EXPECT_TRUE(j["drift"]["toward_neutral"].get<bool>());
  for (const auto& p : series) EXPECT_FALSE(p["method_change"].get<bool>()) << p["period"];

  // The planted change of method: rescoring from its date with another
  // model is marked in the trend from that week on, and not before.
  const auto truth = nlohmann::json::parse(testing::ReadFile(in + ".truth.json"));
  std::string at;
  for (const auto& p : truth["planted"]) if (p["cause"] == "model_change") at = p["at"];
  ASSERT_FALSE(at.empty());
  const std::string lite = testing::SourceDir() + "/models/convsent-msg-lite.cvsm";
  ASSERT_EQ(testing::RunCommand(testing::Binary() + " rescore --db " + db + " --model " + lite + " --from " + at + " >/dev/null").exit_code, 0);
  const auto after = nlohmann::json::parse(testing::RunCommand(testing::Binary() + " report --json --db " + db).out);
  EXPECT_EQ(after["method"]["models"].size(), 2u);
  const auto& weeks = after["trend"]["series"];
  ASSERT_EQ(weeks.size(), 8u);
  for (size_t i = 0; i < weeks.size(); ++i) {
    const bool changed = weeks[i]["method_change"].get<bool>();
    EXPECT_EQ(changed, i == 4) << weeks[i]["period"];  // day 28 opens the fifth week
    EXPECT_EQ(weeks[i]["models"].size(), 1u) << weeks[i]["period"];
  }
}

// The page is one self-contained file: no script, nothing fetched, and
// values from the data escaped.
TEST(Report, HtmlPageIsSelfContainedAndEscaped) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/h.db", page = dir.path() + "/r.html";
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += R"({"id":"H-)" + std::to_string(i) + R"(","channel":"<script>alert(1)</script>","created_at":"2026-11-0)" +
             std::to_string(2 + i % 7) + R"(T10:00:00Z","messages":[{"role":"customer","text":"This is terrible"}]})" "\n";
  }
  const std::string in = dir.Write("h.jsonl", lines);
  ASSERT_EQ(testing::RunCommand(testing::Binary() + " ingest --db " + db + " " + in + " >/dev/null").exit_code, 0);
  const auto r = testing::RunCommand(testing::Binary() + " report --db " + db + " --html " + page + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string html = testing::ReadFile(page);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_NE(html.find("100.0%"), std::string::npos);  // every conversation negative
  EXPECT_NE(html.find("at risk"), std::string::npos);
  EXPECT_NE(html.find("Why: the metric tree"), std::string::npos);  // the tree, with the default config
  // An unwritable path fails cleanly and leaves nothing behind.
  const auto bad = testing::RunCommand(testing::Binary() + " report --db " + db + " --html " + dir.path() + "/no/such/dir/r.html 2>&1");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("cannot write"), std::string::npos);
}

}  // namespace
}  // namespace convsent
