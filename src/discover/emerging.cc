// Emerging phrases: count, test, control false discoveries, group.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_set>

#include "convsent/discover.h"

namespace convsent {
namespace {

// log P(X >= k) for X ~ Binomial(n, q): the terms from k up, summed in log
// space until they no longer matter (in logs: a million conversations make
// p-values far below the smallest double, and they still rank). Where k is
// not above the mean the test is no evidence of a rise: p = 1.
double LogBinomialUpperTail(int64_t k, int64_t n, double q) {
  if (k <= 0 || q >= 1) return 0;
  if (k > n || q <= 0) return -INFINITY;
  if (static_cast<double>(k) <= static_cast<double>(n) * q) return 0;
  const double lq = std::log(q), lr = std::log1p(-q);
  auto log_term = [&](int64_t i) {
    return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
           std::lgamma(static_cast<double>(n - i) + 1) + static_cast<double>(i) * lq +
           static_cast<double>(n - i) * lr;
  };
  const double first = log_term(k);
  double sum = 0;  // relative to the first term
  for (int64_t i = k; i <= n; ++i) {
    const double t = std::exp(log_term(i) - first);
    sum += t;
    if (t < 1e-16 * sum) break;  // past the mode the terms only shrink
  }
  return std::min(0.0, first + std::log(sum));
}

// Benjamini-Hochberg adjusted p-values (q-values), in the input's order.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m, 1);
  double running = 1;
  for (size_t r = m; r-- > 0;) {
    running = std::min(running, p[order[r]] * static_cast<double>(m) / static_cast<double>(r + 1));
    q[order[r]] = running;
  }
  return q;
}

bool Contains(const std::vector<uint64_t>& sorted, uint64_t h) { return std::binary_search(sorted.begin(), sorted.end(), h); }

}  // namespace

bool PhraseExtractor::Usable(const Token& t) const {
  if (t.kind != TokenKind::kWord && t.kind != TokenKind::kHashtag) return false;
  const std::string_view w = tokens_.Normalized(t);
  // Order ids, codes and amounts differ per conversation: never a phrase.
  // Nor a word whose compatibility form holds a space (U+037A becomes
  // " \u0345"): a phrase's words are separated by single spaces.
  return !w.empty() && std::none_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         w.find('@') == std::string_view::npos && w.find(' ') == std::string_view::npos;
}

std::string_view PhraseExtractor::MaskAddresses(std::string_view message) {
  masked_.assign(message);
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  for (size_t i = 0; i < masked_.size();) {
    if (space(masked_[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < masked_.size() && !space(masked_[end])) ++end;
    const std::string_view run(masked_.data() + i, end - i);
    if (run.find('@') != std::string_view::npos || run.find("://") != std::string_view::npos || run.starts_with("www.")) {
      std::fill(masked_.begin() + static_cast<std::ptrdiff_t>(i), masked_.begin() + static_cast<std::ptrdiff_t>(end), '.');
    }
    i = end;
  }
  return masked_;
}

void EmergingFinder::Add(const PhraseConversation& c) {
  Seen s;
  s.now = c.now;
  for (const std::string& m : c.customer_messages) {
    extractor_.Extract<false>(m, [&](uint64_t h, std::string_view) { s.hashes.push_back(h); });
  }
  std::sort(s.hashes.begin(), s.hashes.end());
  s.hashes.erase(std::unique(s.hashes.begin(), s.hashes.end()), s.hashes.end());
  s.hashes.shrink_to_fit();
  if (c.now) {
    s.id = c.id;
    s.messages = c.customer_messages;
    if (c.row) s.row = *c.row;
    s.phrase_hits = c.phrase_hits;
  }
  seen_.push_back(std::move(s));
}

std::vector<EmergingIssue> EmergingFinder::Find(const TreeConfig* tree, const ReportDictionary* dictionary) const {
  if (conversations_now_ <= 0 || conversations_before_ <= 0) return {};
  // Per phrase: negative conversations using it, now and before.
  struct Count {
    int32_t now = 0, before = 0;
  };
  std::unordered_map<uint64_t, Count> counts;
  for (const Seen& s : seen_) {
    for (uint64_t h : s.hashes) {
      Count& c = counts[h];
      (s.now ? c.now : c.before) += 1;
    }
  }
  // Tested: phrases used often enough in all (a filter on the total, which
  // under "no change" says nothing about how it splits: the test stays exact).
  const double q_now = static_cast<double>(conversations_now_) /
                       static_cast<double>(conversations_now_ + conversations_before_);
  struct Candidate {
    uint64_t hash;
    Count count;
    double log_p = 0, q = 1, lift = 0;
  };
  std::vector<Candidate> tested;
  for (const auto& [h, c] : counts) {
    if (c.now + c.before < options_.min_count) continue;
    tested.push_back({h, c, LogBinomialUpperTail(c.now, c.now + c.before, q_now)});
  }
  std::vector<double> p(tested.size());
  for (size_t i = 0; i < tested.size(); ++i) p[i] = std::exp(tested[i].log_p);
  const std::vector<double> q = BenjaminiHochberg(p);
  const double n_now = static_cast<double>(conversations_now_), n_before = static_cast<double>(conversations_before_);
  std::vector<Candidate> found;
  for (size_t i = 0; i < tested.size(); ++i) {
    Candidate c = tested[i];
    c.q = q[i];
    c.lift = (c.count.now / n_now) / ((c.count.before + 0.5) / n_before);
    if (c.q <= options_.fdr && c.count.now >= std::max(1, options_.min_count) && c.lift >= options_.min_lift)
      found.push_back(c);
  }
  if (found.empty()) return {};
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return a.log_p != b.log_p ? a.log_p < b.log_p : a.count.now != b.count.now ? a.count.now > b.count.now : a.hash < b.hash;
  });

  // The period's conversations using each found phrase, and its words.
  std::vector<size_t> now_index;
  for (size_t i = 0; i < seen_.size(); ++i)
    if (seen_[i].now) now_index.push_back(i);
  std::unordered_map<uint64_t, size_t> slot;
  for (size_t i = 0; i < found.size(); ++i) slot[found[i].hash] = i;
  std::vector<std::vector<uint32_t>> users(found.size());  // positions in now_index
  for (uint32_t k = 0; k < now_index.size(); ++k) {
    for (uint64_t h : seen_[now_index[k]].hashes) {
      if (auto it = slot.find(h); it != slot.end()) users[it->second].push_back(k);
    }
  }
  std::vector<std::string> words(found.size());
  PhraseExtractor extractor;
  for (size_t i = 0; i < found.size(); ++i) {
    const Seen& s = seen_[now_index[users[i].front()]];
    for (const std::string& m : s.messages) {
      extractor.Extract(m, [&](uint64_t h, std::string_view text) {
        if (h == found[i].hash && words[i].empty()) words[i] = std::string(text);
      });
      if (!words[i].empty()) break;
    }
  }

  // Group phrases used in the same conversations: a phrase joins the first
  // group whose lead phrase is in most of its conversations, if it is about
  // as new as the lead (a quarter of its lift at least: "app" rises with
  // "android app", but was common before and matches much else). A group lists
  // at most kMaxPhrases, and its counts are of those listed; a phrase that
  // would join a full group is left out (it says the same).
  constexpr size_t kMaxPhrases = 6;
  auto inside = [](const std::vector<uint32_t>& lead, const std::vector<uint32_t>& b) {
    size_t i = 0, j = 0, both = 0;
    while (i < lead.size() && j < b.size()) {
      if (lead[i] < b[j]) ++i;
      else if (b[j] < lead[i]) ++j;
      else ++both, ++i, ++j;
    }
    return static_cast<double>(both) / static_cast<double>(std::max<size_t>(1, b.size()));
  };
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < found.size(); ++i) {
    bool joined = false;
    for (auto& g : groups) {
      if (inside(users[g.front()], users[i]) >= 0.6 && found[i].lift >= found[g.front()].lift / 4) {
        if (g.size() < kMaxPhrases) g.push_back(i);
        joined = true;
        break;
      }
    }
    if (!joined) groups.push_back({i});
  }
  // How often each driver is present in the period's negative conversations:
  // a driver covers an issue only if it is much more present in it.
  std::vector<double> driver_share;
  if (tree) {
    for (const TreeNode& node : tree->nodes) {
      int64_t present = 0, rows = 0;
      for (size_t k : now_index) {
        if (!node.is_driver() || !seen_[k].row) continue;
        ++rows;
        present += DriverPresent(*node.when, *seen_[k].row, seen_[k].phrase_hits);
      }
      driver_share.push_back(rows ? static_cast<double>(present) / static_cast<double>(rows) : 0);
    }
  }

  std::vector<EmergingIssue> issues;
  std::vector<std::set<uint32_t>> issue_convs;
  for (const auto& g : groups) {
    EmergingIssue issue;
    std::set<uint32_t> convs;
    std::vector<uint64_t> hashes;
    for (size_t i : g) convs.insert(users[i].begin(), users[i].end());
    // Mostly in the conversations of an issue already listed (groups come
    // in order of significance): broader words of that issue ("app" with
    // "android"), listed with it as related, not as an issue of their own.
    bool folded = false;
    for (size_t k = 0; k < issues.size() && !folded; ++k) {
      size_t both = 0;
      for (uint32_t c : convs) both += issue_convs[k].count(c);
      if (static_cast<double>(both) >= 0.6 * static_cast<double>(convs.size())) {
        for (size_t i : g) issues[k].related.push_back(words[i]);
        folded = true;
      }
    }
    if (folded) continue;
    for (size_t i : g) {
      issue.phrases.push_back(words[i]);
      convs.insert(users[i].begin(), users[i].end());
      hashes.push_back(found[i].hash);
    }
    issue.q = found[g.front()].q;
    issue.negative_now = static_cast<int64_t>(convs.size());
    for (const Seen& s : seen_) {
      if (s.now) continue;
      for (uint64_t h : hashes) {
        if (Contains(s.hashes, h)) {
          ++issue.negative_before;
          break;
        }
      }
    }
    issue.rate_now = static_cast<double>(issue.negative_now) / n_now;
    issue.rate_before = static_cast<double>(issue.negative_before) / n_before;
    issue.lift = issue.rate_now / ((static_cast<double>(issue.negative_before) + 0.5) / n_before);

    // Where it concentrates, against where the period's conversations are.
    std::map<uint32_t, int64_t> in_segment;
    for (uint32_t k : convs) {
      if (const auto& row = seen_[now_index[k]].row) {
        for (uint32_t id : row->segments) ++in_segment[id];
      }
    }
    for (const auto& [id, n] : in_segment) {
      const auto base = segment_now_.find(id);
      if (base == segment_now_.end() || !dictionary || id >= dictionary->segments.size()) continue;
      SegmentShare s;
      s.segment = dictionary->segments[id];
      s.conversations = n;
      s.share = static_cast<double>(n) / static_cast<double>(convs.size());
      s.baseline_share = static_cast<double>(base->second) / n_now;
      if (n >= 3 && s.share >= 1.5 * s.baseline_share) issue.segments.push_back(s);
    }
    std::sort(issue.segments.begin(), issue.segments.end(), [](const SegmentShare& a, const SegmentShare& b) {
      return a.share - a.baseline_share > b.share - b.baseline_share;
    });
    if (issue.segments.size() > 3) issue.segments.resize(3);

    // Examples: the conversations using the most of its phrases.
    std::vector<std::pair<int, uint32_t>> ranked;
    for (uint32_t k : convs) {
      int hits = 0;
      for (uint64_t h : hashes) hits += Contains(seen_[now_index[k]].hashes, h);
      ranked.emplace_back(-hits, k);
    }
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : seen_[now_index[a.second]].id < seen_[now_index[b.second]].id;
    });
    const std::unordered_set<uint64_t> mine(hashes.begin(), hashes.end());
    for (size_t r = 0; r < ranked.size() && static_cast<int>(issue.examples.size()) < options_.examples; ++r) {
      const Seen& s = seen_[now_index[ranked[r].second]];
      IssueExample ex{s.id, ""};
      for (const std::string& m : s.messages) {
        bool uses = false;
        extractor.Extract<false>(m, [&](uint64_t h, std::string_view) { uses = uses || mine.count(h); });
        if (uses) {
          ex.text = m;
          break;
        }
      }
      issue.examples.push_back(std::move(ex));
    }

    // Covered: a driver of the tree is present in at least half of its
    // conversations, and half again as often as in the period's negatives.
    if (tree) {
      double best = 0;
      for (size_t n = 0; n < tree->nodes.size(); ++n) {
        const TreeNode& node = tree->nodes[n];
        if (!node.is_driver()) continue;
        int64_t present = 0, rows = 0;
        for (uint32_t k : convs) {
          if (const auto& row = seen_[now_index[k]].row) {
            ++rows;
            present += DriverPresent(*node.when, *row, seen_[now_index[k]].phrase_hits);
          }
        }
        const double share = rows ? static_cast<double>(present) / static_cast<double>(rows) : 0;
        if (share >= 0.5 && share >= 1.5 * driver_share[n] && share > best) best = share, issue.covered_by = node.id;
      }
    }
    issues.push_back(std::move(issue));
    issue_convs.push_back(std::move(convs));
  }
  // Ranked by how many more negative conversations it touches than its
  // baseline rate predicts.
  auto excess = [&](const EmergingIssue& i) { return static_cast<double>(i.negative_now) - i.rate_before * n_now; };
  std::stable_sort(issues.begin(), issues.end(),
                   [&](const EmergingIssue& a, const EmergingIssue& b) { return excess(a) > excess(b); });
  if (static_cast<int>(issues.size()) > options_.max_issues) issues.resize(static_cast<size_t>(options_.max_issues));
  return issues;
}

}  // namespace convsent
