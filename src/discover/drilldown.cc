// Drill-down: which segments account for a change of the share negative.
//
// An item's contribution is what the overall share would lose had the
// item's share stayed where it was: weight_now x (its share now - before).
// A candidate qualifies only if its share moved, and moved apart from the
// rest's (so a change everywhere is pinned on no segment, and of two
// values of a dimension, the one that lagged is not taken for a cause).
// Items are taken one at a time, largest first, each on what the ones
// before left: the chosen item's conversations are given their earlier
// share before the next is sought. So the contributions and the remainder
// (which holds the shift of volume between segments) add up to the change
// exactly, and a segment inside an earlier item gets no credit twice.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "convsent/discover.h"

namespace convsent {
namespace {

// Taken only well clear of noise: how far its change stands apart from the
// rest's, in standard errors (about 700 candidates are compared).
constexpr double kMinZ = 3.5;
// And its own share moved by at least this many standard errors.
constexpr double kMinOwnZ = 2;
constexpr int64_t kMinRows = 20;  // in each period, in the item and outside it
// A pair with this share of one of its values' conversations is that value.
constexpr double kSameShare = 0.98;

struct Acc {
  int64_t before = 0, now = 0;
  double neg_before = 0, neg_now = 0;
};

uint64_t Key(uint32_t a, uint32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }

}  // namespace

Drilldown::Drilldown(std::vector<bool> dimension_of_interest, const ReportDictionary& dictionary)
    : of_interest_(std::move(dimension_of_interest)), dictionary_(dictionary) {}

void Drilldown::Add(const ReportRow& row, bool now) {
  Row r{now, row.tone == Sentiment::kNegative, {}};
  for (uint32_t id : row.segments) {
    if (id < of_interest_.size() && of_interest_[id]) r.segments.push_back(id);
  }
  std::sort(r.segments.begin(), r.segments.end());
  rows_.push_back(std::move(r));
}

DrilldownResult Drilldown::Compute(int max_items) const {
  DrilldownResult out;
  Acc all;
  std::vector<double> negative(rows_.size());  // a row's negative weight, counterfactual once explained
  for (size_t i = 0; i < rows_.size(); ++i) {
    negative[i] = rows_[i].negative ? 1 : 0;
    (rows_[i].now ? all.now : all.before) += 1;
    (rows_[i].now ? all.neg_now : all.neg_before) += negative[i];
  }
  if (all.now == 0 || all.before == 0) return out;
  out.share_before = all.neg_before / static_cast<double>(all.before);
  out.share_now = all.neg_now / static_cast<double>(all.now);
  out.change = out.share_now - out.share_before;

  auto dimension = [&](uint32_t id) -> const std::string& { return dictionary_.segments[id].dimension; };
  auto in_item = [](const Row& r, uint64_t key) {
    const auto a = static_cast<uint32_t>(key >> 32), b = static_cast<uint32_t>(key);
    const bool has_a = std::binary_search(r.segments.begin(), r.segments.end(), a);
    return b == 0 ? has_a : has_a && std::binary_search(r.segments.begin(), r.segments.end(), b);
  };
  std::vector<uint64_t> taken;
  double neg_now_total = all.neg_now;
  for (int round = 0; round < max_items; ++round) {
    std::unordered_map<uint64_t, Acc> acc;  // Key(a, 0): a single value; Key(a, b), a < b: a pair
    for (size_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      auto add = [&](uint64_t key) {
        Acc& a = acc[key];
        (r.now ? a.now : a.before) += 1;
        (r.now ? a.neg_now : a.neg_before) += negative[i];
      };
      for (size_t x = 0; x < r.segments.size(); ++x) {
        add(Key(r.segments[x], 0));
        for (size_t y = x + 1; y < r.segments.size(); ++y) {
          if (dimension(r.segments[x]) != dimension(r.segments[y])) {
            add(Key(r.segments[x], r.segments[y]));
          }
        }
      }
    }
    // A pair holding (nearly) all of one of its values is that value under
    // a second name: "tier2 and English" where nearly every conversation is
    // English. It is left out, so the value itself is named.
    for (auto it = acc.begin(); it != acc.end();) {
      const auto a = static_cast<uint32_t>(it->first >> 32), b = static_cast<uint32_t>(it->first);
      auto rows = [](const Acc& x) { return static_cast<double>(x.before + x.now); };
      const bool same = b != 0 && (rows(it->second) >= kSameShare * rows(acc.at(Key(a, 0))) ||
                                   rows(it->second) >= kSameShare * rows(acc.at(Key(b, 0))));
      it = same ? acc.erase(it) : std::next(it);
    }
    struct Scored {
      uint64_t key = 0;
      double contribution = 0, se = 0;
      Acc in;
    };
    auto score = [&](uint64_t key, const Acc& in) -> std::optional<Scored> {
      const Acc rest{all.before - in.before, all.now - in.now, all.neg_before - in.neg_before, neg_now_total - in.neg_now};
      if (in.before < kMinRows || in.now < kMinRows || rest.before < kMinRows || rest.now < kMinRows) return std::nullopt;
      auto share = [](double neg, int64_t n) { return neg / static_cast<double>(n); };
      const double p_ib = share(in.neg_before, in.before), p_in = share(in.neg_now, in.now);
      const double p_rb = share(rest.neg_before, rest.before), p_rn = share(rest.neg_now, rest.now);
      const double w = static_cast<double>(in.now) / static_cast<double>(all.now);
      auto var = [](double p, int64_t n) { return std::max(p * (1 - p), 0.25 / static_cast<double>(n)) / static_cast<double>(n); };
      Scored s;
      s.key = key;
      s.in = in;
      const double own = p_in - p_ib, own_se = std::sqrt(var(p_ib, in.before) + var(p_in, in.now));
      const double apart = own - (p_rn - p_rb);
      const double apart_se = std::sqrt(own_se * own_se + var(p_rb, rest.before) + var(p_rn, rest.now));
      s.contribution = w * own;
      s.se = w * own_se;
      if (std::abs(apart) < kMinZ * apart_se || own * apart <= 0 || std::abs(own) < kMinOwnZ * own_se) return std::nullopt;
      return s;
    };
    // A candidate explains the change when it moved, significantly, and
    // more than the rest did, in the same direction: with two values in a
    // dimension, one rising is the other lagging, and only the first moved.
    std::optional<Scored> best;
    for (const auto& [key, in] : acc) {
      if (std::find(taken.begin(), taken.end(), key) != taken.end()) continue;
      const auto s = score(key, in);
      if (!s) continue;
      if (!best || std::abs(s->contribution) > std::abs(best->contribution) ||
          (std::abs(s->contribution) == std::abs(best->contribution) && s->key < best->key))
        best = s;
    }
    if (!best) break;
    if (static_cast<uint32_t>(best->key) == 0) {
      // A single value: does one of its pairs carry the change, the rest
      // of the value not having moved that way?
      const auto a = static_cast<uint32_t>(best->key >> 32);
      std::optional<Scored> refined;
      for (const auto& [key, in] : acc) {
        const auto x = static_cast<uint32_t>(key >> 32), y = static_cast<uint32_t>(key);
        if (y == 0 || (x != a && y != a)) continue;
        const auto s = score(key, in);
        if (!s || s->contribution * best->contribution <= 0) continue;
        const Acc& whole = best->in;
        const int64_t rb = whole.before - in.before, rn = whole.now - in.now;
        if (rb > 0 && rn > 0) {
          const double pb = (whole.neg_before - in.neg_before) / static_cast<double>(rb);
          const double pn = (whole.neg_now - in.neg_now) / static_cast<double>(rn);
          const double se = std::sqrt(pb * (1 - pb) / static_cast<double>(rb) + pn * (1 - pn) / static_cast<double>(rn));
          if ((pn - pb) * best->contribution > 0 && std::abs(pn - pb) >= kMinOwnZ * se) continue;  // the rest moved too
        }
        if (!refined || std::abs(s->contribution) > std::abs(refined->contribution)) refined = s;
      }
      if (refined) best = refined;
    }
    taken.push_back(best->key);

    DrilldownItem item;
    const auto a = static_cast<uint32_t>(best->key >> 32), b = static_cast<uint32_t>(best->key);
    item.segment.push_back(dictionary_.segments[a]);
    if (b) item.segment.push_back(dictionary_.segments[b]);
    std::sort(item.segment.begin(), item.segment.end(),
              [](const SegmentValue& x, const SegmentValue& y) { return x.dimension < y.dimension; });
    const Acc& in = best->in;
    item.before = in.before, item.now = in.now;
    item.negative_before = std::llround(in.neg_before), item.negative_now = std::llround(in.neg_now);
    item.share_before = in.neg_before / static_cast<double>(in.before);
    item.share_now = in.neg_now / static_cast<double>(in.now);
    // Its conversations of the later period now keep its earlier share.
    const double counterfactual = item.share_before;
    item.contribution = (in.neg_now - counterfactual * static_cast<double>(in.now)) / static_cast<double>(all.now);
    item.interval = {item.contribution - 1.959963984540054 * best->se, item.contribution + 1.959963984540054 * best->se};
    out.items.push_back(item);

    for (size_t i = 0; i < rows_.size(); ++i) {
      if (!rows_[i].now || !in_item(rows_[i], best->key)) continue;
      neg_now_total += counterfactual - negative[i];
      negative[i] = counterfactual;
    }
  }
  for (const DrilldownItem& i : out.items) out.explained += i.contribution;
  out.unexplained = out.change - out.explained;
  return out;
}

}  // namespace convsent
