// Discovery over a store: one scan of the report rows for the denominators,
// the method and the drill-down, one of the negative conversations'
// messages for the phrases; and what `convsent discover` prints.
#include <algorithm>
#include <cinttypes>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "convsent/discover.h"

namespace convsent {
namespace {

constexpr int64_t kDayMs = 86400000;

int64_t PeriodLength(Period p) { return p == Period::kWeek ? 7 * kDayMs : kDayMs; }

std::vector<bool> DimensionsOfInterest(const ReportDictionary& d, const std::vector<std::string>& names) {
  static const std::vector<std::string> kDefault = {"channel", "topic", "team", "tag", "agent", "language"};
  const auto& wanted = names.empty() ? kDefault : names;
  std::vector<bool> out(d.segments.size(), false);
  for (size_t id = 1; id < d.segments.size(); ++id) {
    const std::string& dim = d.segments[id].dimension;
    const bool capped = std::find(d.capped_dimensions.begin(), d.capped_dimensions.end(), dim) != d.capped_dimensions.end();
    out[id] = !capped && std::find(wanted.begin(), wanted.end(), dim) != wanted.end();
  }
  return out;
}

nlohmann::json SegmentJson(const std::vector<SegmentValue>& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const SegmentValue& v : values) j[v.dimension] = v.value;
  return j;
}

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", 100 * share);
  return buf;
}

std::string Points(double change) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%+.1f", 100 * change);
  return buf;
}

}  // namespace

Result<Discovery> Discover(Store& store, const DiscoverOptions& options, const TreeConfig* tree) {
  if (options.baseline_periods < 1) return Status::InvalidArgument("the baseline needs at least one period");
  if (options.min_count < 1) return Status::InvalidArgument("--min-count must be at least 1");
  if (!(options.fdr > 0 && options.fdr < 1)) return Status::InvalidArgument("--fdr must be between 0 and 1");
  StoredConversations& conversations = store.conversations();
  int64_t to = 0;
  if (options.to_ms) {
    to = *options.to_ms;
  } else {
    ASSIGN_OR_RETURN(const std::optional<int64_t> latest, conversations.LatestCreatedAt());
    if (!latest) return Status::NotFound("the store has no conversations to examine");
    to = *latest;
  }
  const int64_t length = PeriodLength(options.period);
  const int64_t start = PeriodStart(to, options.period), end = start + length;
  const int64_t baseline_start = start - options.baseline_periods * length;
  ASSIGN_OR_RETURN(const ReportDictionary dictionary, conversations.LoadReportDictionary());

  Discovery d;
  d.period = PeriodLabel(start, options.period);
  d.baseline_from = PeriodLabel(baseline_start, options.period);

  // The period's method: the one that scored most of its conversations.
  std::map<uint32_t, int64_t> methods;
  RETURN_IF_ERROR(conversations.ScanForReport(start, end, [&](const ReportRow& r) {
    if (r.has_customer) ++methods[r.model];
  }));
  if (methods.empty()) return Status::NotFound("no scored conversation in " + d.period);
  const uint32_t model =
      std::max_element(methods.begin(), methods.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
          ->first;
  if (model < dictionary.models.size()) d.model = dictionary.models[model];

  // Denominators, where the period's conversations are, and the drill-down
  // rows (this period and the one before), all under that one method: a
  // change of method is not a new issue.
  Drilldown drilldown(DimensionsOfInterest(dictionary, options.dimensions), dictionary);
  std::unordered_map<uint32_t, int64_t> segment_now;
  RETURN_IF_ERROR(conversations.ScanForReport(baseline_start, end, [&](const ReportRow& r) {
    if (!r.has_customer) return;
    const bool now = r.created_at_ms >= start;
    if (r.model != model) {
      ++d.left_out;
      return;
    }
    (now ? d.conversations_now : d.conversations_before) += 1;
    if (r.tone == Sentiment::kNegative) (now ? d.negative_now : d.negative_before) += 1;
    if (now) {
      for (uint32_t id : r.segments) ++segment_now[id];
    }
    if (now || r.created_at_ms >= start - length) drilldown.Add(r, now);
  }));

  EmergingFinder finder(options);
  finder.SetConversations(d.conversations_now, d.conversations_before);
  finder.SetSegmentBaseline(std::move(segment_now));
  // Reading and decoding the messages (this thread) overlaps finding their
  // phrases (a second one), in batches.
  struct Item {
    PhraseConversation pc;
    ReportRow row;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::vector<Item>> queue;
  bool done = false;
  std::thread worker([&] {
    for (;;) {
      std::vector<Item> batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || done; });
        if (queue.empty()) return;
        batch = std::move(queue.front());
        queue.pop_front();
      }
      cv.notify_all();
      for (Item& it : batch) {
        it.pc.row = &it.row;
        finder.Add(it.pc);
      }
    }
  });
  std::vector<Item> batch;
  auto flush = [&] {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < 4; });
    queue.push_back(std::move(batch));
    batch.clear();
    cv.notify_all();
  };
  const Status scanned = conversations.ScanMessages(
      baseline_start, end, Sentiment::kNegative, [&](const Conversation& c, const ReportRow& r) -> Status {
        if (r.model != model) return Status::Ok();
        Item& it = batch.emplace_back();
        it.pc.now = r.created_at_ms >= start;
        it.pc.id = c.id;
        it.row = r;
        it.pc.phrase_hits = tree && it.pc.now ? PhraseDriverHits(*tree, c) : 0;
        for (const Message& m : c.messages) {
          if (m.role == Role::kCustomer) it.pc.customer_messages.push_back(m.text);
        }
        if (batch.size() == 256) flush();
        return Status::Ok();
      });
  if (!batch.empty()) flush();
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  worker.join();
  RETURN_IF_ERROR(scanned);
  // The drill-down on a second thread while the phrases are tested.
  auto drilled = std::async(std::launch::async, [&] { return drilldown.Compute(options.max_drilldown); });
  d.issues = finder.Find(tree, &dictionary);
  d.drilldown = drilled.get();
  return d;
}

Result<std::vector<DiscoveredIssueRecord>> RecordDiscoveries(Store& store, const TreeConfig& tree, const Discovery& d,
                                                             bool alert, int64_t now_ms) {
  std::vector<DiscoveredIssueRecord> added;
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(const std::vector<DiscoveredIssueRecord> known, store.discovered_issues().List());
    std::set<std::string> seen;
    for (const auto& k : known) seen.insert(k.phrases.begin(), k.phrases.end());
    for (const EmergingIssue& issue : d.issues) {
      if (std::any_of(issue.phrases.begin(), issue.phrases.end(), [&](const std::string& p) { return seen.count(p); }))
        continue;
      seen.insert(issue.phrases.begin(), issue.phrases.end());
      DiscoveredIssueRecord r;
      r.phrases = issue.phrases, r.period = d.period, r.negative = issue.negative_now, r.lift = issue.lift;
      r.found_at_ms = now_ms;
      if (alert && issue.covered_by.empty() && !tree.nodes.empty()) {
        const TreeNode& root = tree.nodes[0];
        AlertRecord a;
        a.node = root.id;
        a.kind = kEmergingAlertKind;
        a.period = d.period;
        a.before = issue.rate_before, a.after = issue.rate_now, a.p = issue.q;
        a.owner = root.owners.accountable;
        a.webhook = root.owners.webhook;
        std::string phrases;
        for (const std::string& p : issue.phrases) phrases += (phrases.empty() ? "\"" : ", \"") + p + "\"";
        char buf[160];
        std::snprintf(buf, sizeof(buf), " in %s: %lld negative conversations (%lld in the baseline), %.1fx the usual rate. ",
                      d.period.c_str(), static_cast<long long>(issue.negative_now),
                      static_cast<long long>(issue.negative_before), issue.lift);
        a.message = "New issue " + phrases + buf + "No driver of the tree covers it (convsent discover --suggest).";
        a.created_at_ms = now_ms;
        a.delivery = a.webhook.empty() ? "none" : "pending";
        ASSIGN_OR_RETURN(r.alert, store.alerts().Add(a));
      }
      ASSIGN_OR_RETURN(r.id, store.discovered_issues().Add(r));
      added.push_back(std::move(r));
    }
    return Status::Ok();
  }));
  return added;
}

std::string DiscoveryToJson(const Discovery& d, int indent) {
  nlohmann::json issues = nlohmann::json::array();
  for (const EmergingIssue& i : d.issues) {
    nlohmann::json segments = nlohmann::json::array(), examples = nlohmann::json::array();
    for (const SegmentShare& s : i.segments) {
      segments.push_back({{"dimension", s.segment.dimension}, {"value", s.segment.value},
                          {"conversations", s.conversations}, {"share", s.share}, {"baseline_share", s.baseline_share}});
    }
    for (const IssueExample& e : i.examples) examples.push_back({{"conversation", e.conversation}, {"text", e.text}});
    issues.push_back({{"phrases", i.phrases}, {"related", i.related}, {"negative_now", i.negative_now}, {"negative_before", i.negative_before},
                      {"rate_now", i.rate_now}, {"rate_before", i.rate_before}, {"lift", i.lift}, {"q", i.q},
                      {"segments", segments}, {"examples", examples},
                      {"covered_by", i.covered_by.empty() ? nlohmann::json() : nlohmann::json(i.covered_by)}});
  }
  nlohmann::json drill = nlohmann::json::array();
  for (const DrilldownItem& i : d.drilldown.items) {
    drill.push_back({{"segment", SegmentJson(i.segment)}, {"conversations_before", i.before},
                     {"negative_before", i.negative_before}, {"conversations_now", i.now},
                     {"negative_now", i.negative_now}, {"share_before", i.share_before}, {"share_now", i.share_now},
                     {"contribution", i.contribution}, {"interval", {i.interval.low, i.interval.high}}});
  }
  const DrilldownResult& r = d.drilldown;
  nlohmann::json j = {
      {"period", d.period},
      {"baseline", {{"from", d.baseline_from}, {"conversations", d.conversations_before}, {"negative", d.negative_before}}},
      {"conversations", d.conversations_now},
      {"negative", d.negative_now},
      {"model", d.model},
      {"left_out", d.left_out},
      {"issues", issues},
      {"drilldown", drill},
      {"change",
       {{"share_before", r.share_before}, {"share_now", r.share_now}, {"change", r.change},
        {"explained", r.explained}, {"unexplained", r.unexplained}}},
  };
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DiscoveryToText(const Discovery& d) {
  std::string out = "Emerging issues in " + d.period + " (" + std::to_string(d.conversations_now) +
                    " conversations, " + std::to_string(d.negative_now) + " negative), against " + d.baseline_from +
                    " onward (" + std::to_string(d.conversations_before) + " conversations)\n";
  if (d.left_out) {
    out += "  (" + std::to_string(d.left_out) + " conversations scored by another method than " + d.model +
           " left out)\n";
  }
  if (d.issues.empty()) out += "  none: no phrase of the negative conversations rose significantly\n";
  char buf[256];
  for (size_t k = 0; k < d.issues.size(); ++k) {
    const EmergingIssue& i = d.issues[k];
    std::string phrases;
    for (const std::string& p : i.phrases) phrases += (phrases.empty() ? "\"" : ", \"") + p + "\"";
    std::snprintf(buf, sizeof(buf), "%zu. %s\n   %" PRId64 " negative conversations (%" PRId64
                  " in the baseline), %.1fx the baseline rate, q=%.2g\n",
                  k + 1, phrases.c_str(), i.negative_now, i.negative_before, i.lift, i.q);
    out += buf;
    if (!i.related.empty()) {
      out += "   rising with it:";
      for (const std::string& r : i.related) out += " \"" + r + "\"";
      out += "\n";
    }
    if (!i.segments.empty()) {
      out += "   concentrated in:";
      for (const SegmentShare& s : i.segments)
        out += " " + s.segment.dimension + "=" + s.segment.value + " (" + Percent(s.share) + " of it, " +
               Percent(s.baseline_share) + " of all)";
      out += "\n";
    }
    out += i.covered_by.empty() ? "   not covered by a driver of the tree\n" : "   covered by the tree's " + i.covered_by + "\n";
    for (const IssueExample& e : i.examples) out += "   - " + e.conversation + ": " + e.text + "\n";
  }
  const DrilldownResult& r = d.drilldown;
  out += "\nWhere the share negative moved: " + Percent(r.share_before) + " -> " + Percent(r.share_now) + " (" +
         Points(r.change) + " points) against the period before\n";
  for (const DrilldownItem& i : r.items) {
    std::string name;
    for (const SegmentValue& v : i.segment) name += (name.empty() ? "" : " x ") + v.dimension + "=" + v.value;
    std::snprintf(buf, sizeof(buf), "  %-40s %s -> %s, %s points (95%% %s to %s)\n", name.c_str(),
                  Percent(i.share_before).c_str(), Percent(i.share_now).c_str(), Points(i.contribution).c_str(),
                  Points(i.interval.low).c_str(), Points(i.interval.high).c_str());
    out += buf;
  }
  out += "  explained " + Points(r.explained) + " points, unexplained " + Points(r.unexplained) + "\n";
  return out;
}

std::string SuggestTreeNode(const EmergingIssue& issue, int index) {
  std::string id = issue.phrases.empty() ? "emerging_" + std::to_string(index) : issue.phrases.front();
  for (char& c : id) c = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
  // The fewest phrases that match the same messages: one holding another
  // listed phrase ("android app" beside "android") adds nothing.
  std::string phrases;
  for (const std::string& p : issue.phrases) {
    const bool redundant = std::any_of(issue.phrases.begin(), issue.phrases.end(), [&](const std::string& q) {
      return q != p && (" " + p + " ").find(" " + q + " ") != std::string::npos;
    });
    if (redundant) continue;
    nlohmann::json s = p;
    phrases += (phrases.empty() ? "" : ", ") + s.dump();
  }
  std::string out = "# Found by convsent discover: " + std::to_string(issue.negative_now) +
                    " negative conversations, " + std::to_string(issue.negative_before) + " in the baseline.\n";
  out += "# Review the phrases, paste it under a branch's children (indented as they are), and name its owners.\n";
  out += "- id: " + id + "\n";
  out += "  name: \"" + (issue.phrases.empty() ? id : issue.phrases.front()) + "\"\n";
  out += "  owners: {accountable: \"TODO: who owns it\"}\n";
  out += "  when: {phrases: [" + phrases + "], role: customer, at_least: 1}\n";
  return out;
}

}  // namespace convsent
