#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "convsent/labels.h"

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

}  // namespace convsent
