#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <tuple>

#include "convsent/labels.h"
#include "util/append_format.h"

namespace convsent {

bool IsLabelSource(const std::string& source) {
  return source == "audit" || source == "review" || source == "import";
}

LabelStats ComputeLabelStats(const std::vector<HumanLabel>& labels) {
  LabelStats s;
  std::set<std::string> reviewers;
  // Each item's latest label per reviewer (labels come in the order given).
  std::map<std::pair<std::string, int>, std::map<std::string, Sentiment>> items;
  for (const HumanLabel& l : labels) {
    ++s.labels;
    ++s.by_source[l.source];
    ++(l.message < 0 ? s.conversation_labels : s.message_labels);
    ++s.by_label[std::string(SentimentName(l.label))];
    if (l.reviewer.empty()) continue;
    reviewers.insert(l.reviewer);
    items[{l.conversation, l.message}][l.reviewer] = l.label;
  }
  s.reviewers = static_cast<int64_t>(reviewers.size());
  // Pairs of reviewers on the same item; chance agreement from the pooled
  // shares of the labels in those pairs (Scott's pi, which is Fleiss' kappa
  // for two raters).
  double pooled[3] = {};
  for (const auto& [item, by] : items) {
    if (by.size() < 2) continue;
    ++s.shared_items;
    for (auto a = by.begin(); a != by.end(); ++a) {
      for (auto b = std::next(a); b != by.end(); ++b) {
        ++s.pairs;
        s.pairs_agreeing += a->second == b->second;
        pooled[static_cast<int>(a->second)] += 1, pooled[static_cast<int>(b->second)] += 1;
      }
    }
  }
  if (s.pairs > 0) {
    const double total = 2.0 * static_cast<double>(s.pairs);
    double chance = 0;
    for (double c : pooled) chance += (c / total) * (c / total);
    const double observed = static_cast<double>(s.pairs_agreeing) / static_cast<double>(s.pairs);
    if (chance < 1) s.kappa = (observed - chance) / (1 - chance);
  }
  return s;
}

namespace {

double Agreement(const LabelStats& st) {
  return st.pairs ? static_cast<double>(st.pairs_agreeing) / static_cast<double>(st.pairs) : 0;
}

}  // namespace

std::string LabelStatsToJson(const LabelStats& st) {
  using json = nlohmann::json;
  return json({{"labels", st.labels},
               {"by_source", st.by_source},
               {"conversation_labels", st.conversation_labels},
               {"message_labels", st.message_labels},
               {"by_label", st.by_label},
               {"reviewers", st.reviewers},
               {"between_reviewers",
                {{"items", st.shared_items},
                 {"pairs", st.pairs},
                 {"agreement", st.pairs ? json(Agreement(st)) : json()},
                 {"kappa", st.kappa ? json(*st.kappa) : json()}}}})
             .dump(2) +
         "\n";
}

std::string LabelStatsToText(const LabelStats& st) {
  std::string out;
  AppendFormat(&out, "%lld labels: %lld of conversations, %lld of messages, by %lld reviewers\n",
         static_cast<long long>(st.labels), static_cast<long long>(st.conversation_labels),
         static_cast<long long>(st.message_labels), static_cast<long long>(st.reviewers));
  const auto count = [](const std::map<std::string, int64_t>& m, const char* key) {
    const auto it = m.find(key);
    return static_cast<long long>(it == m.end() ? 0 : it->second);
  };
  for (const char* source : {"audit", "review", "import"}) AppendFormat(&out, "  %-7s %lld\n", source, count(st.by_source, source));
  for (const char* label : {"negative", "neutral", "positive"}) AppendFormat(&out, "  %-8s %lld\n", label, count(st.by_label, label));
  if (st.pairs > 0) {
    AppendFormat(&out, "between reviewers: %lld items labelled by two or more, %lld pairs, agreement %.0f%%, kappa %s\n",
           static_cast<long long>(st.shared_items), static_cast<long long>(st.pairs), 100 * Agreement(st),
           st.kappa ? std::to_string(*st.kappa).substr(0, 5).c_str() : "-");
  } else {
    out += "between reviewers: no item labelled by two reviewers yet\n";
  }
  return out;
}

}  // namespace convsent
