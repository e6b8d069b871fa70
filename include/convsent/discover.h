// Discovery: what is new in the negative conversations, and where the share
// negative moved, found from the data rather than from the tree someone
// wrote (docs/discovery.md).
//
// - Emerging issues: phrases of one to three words in customer messages
//   whose rate (negative conversations that use them, per conversation)
//   rose in a period against the periods before it. Each phrase gets an
//   exact one-sided binomial test; Benjamini-Hochberg keeps the expected
//   share of false discoveries among those reported below `fdr`. Phrases
//   that appear in the same conversations are grouped into one issue.
// - Drill-down: which segment values and pairs of values (channel x team,
//   topic x tag, ...) account for the change of the share negative between
//   the period and the one before, each with its contribution and a 95%
//   interval; the explained contributions and the unexplained rest add up
//   to the change.
//
// EmergingFinder and Drilldown are pure (tested on hand-made conversations
// and rows); Discover() feeds them from a store.
#ifndef CONVSENT_DISCOVER_H_
#define CONVSENT_DISCOVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "convsent/report.h"
#include "convsent/store.h"
#include "convsent/text.h"
#include "convsent/tree.h"

namespace convsent {

// ---- Phrases -----------------------------------------------------------------

// The phrases of one to three words of a customer message, normalised so
// that what differs per conversation never becomes a phrase: lower case;
// numbers, order ids (any word with a digit), URLs, e-mail addresses and
// @mentions break a phrase; a phrase neither starts nor ends with a
// function word ("the", "you", "hi"), a negation excepted ("not working").
// Calls `fn(hash, text)` for each, `text` its words joined by one space
// (valid until the next call; empty when kText is false, which is faster).
// A phrase used twice is passed twice.
class PhraseExtractor {
 public:
  template <bool kText = true, typename Fn>
  void Extract(std::string_view message, Fn&& fn);
  static constexpr int kMaxWords = 3;

 private:
  bool Usable(const Token& t) const;
  // `message` with each address (a run without spaces holding '@', "://" or
  // starting "www.") blanked to '.', which no phrase crosses.
  std::string_view MaskAddresses(std::string_view message);
  std::string masked_;
  std::vector<char> usable_;  // per token of the message
  Tokenizer tokenizer_;
  TokenizedText tokens_;
  std::string phrase_;
};

// ---- Emerging issues ---------------------------------------------------------

struct DiscoverOptions {
  Period period = Period::kWeek;
  std::optional<int64_t> to_ms;  // a time inside the period examined; default: the latest with conversations
  int baseline_periods = 4;      // the periods before it that it is compared with, pooled
  int min_count = 8;             // negative conversations using a phrase in the period, at least
  double min_lift = 2.0;         // its rate at least this many times the baseline's
  double fdr = 0.01;             // Benjamini-Hochberg: expected share of false discoveries
  int max_issues = 10;
  int examples = 3;
  int max_drilldown = 5;
  // Dimensions for the drill-down and for where an issue concentrates;
  // empty: channel, topic, team, tag, agent and language.
  std::vector<std::string> dimensions;
};

struct SegmentShare {
  SegmentValue segment;
  int64_t conversations = 0;  // of the issue's negative conversations in the period, those in it
  double share = 0;           // conversations / the issue's
  double baseline_share = 0;  // the segment's share of all conversations of the period
};

struct IssueExample {
  std::string conversation;
  std::string text;  // the first customer message that uses one of the phrases
};

struct EmergingIssue {
  std::vector<std::string> phrases;  // most significant first
  std::vector<std::string> related;  // rising too, mostly in its conversations, but common before (not counted)
  int64_t negative_now = 0;          // negative conversations using any phrase, in the period
  int64_t negative_before = 0;       // in the baseline periods, pooled
  double rate_now = 0, rate_before = 0;  // per conversation of the period, of the baseline
  double lift = 0;                   // rate_now / rate_before (the baseline count plus 0.5, never 0)
  double q = 1;                      // Benjamini-Hochberg adjusted p of its first phrase
  std::vector<SegmentShare> segments;  // where it concentrates, at most 3
  std::vector<IssueExample> examples;
  std::string covered_by;            // the tree driver present in most of its conversations, if in at least half
};

// One negative conversation as the finder sees it.
struct PhraseConversation {
  bool now = false;  // in the examined period; else in the baseline
  std::string id;
  std::vector<std::string> customer_messages;
  const ReportRow* row = nullptr;  // for segments and tree coverage; may be null
  uint32_t phrase_hits = 0;        // PhraseDriverHits() of the tree, for its phrase drivers
};

// Counts phrases over negative conversations, then tests them.
// Memory: the unique phrase hashes of each conversation, and the text of
// the examined period's (a few hundred bytes per conversation).
class EmergingFinder {
 public:
  explicit EmergingFinder(const DiscoverOptions& options) : options_(options) {}
  // Every scored conversation of the period and of the baseline, negative or
  // not: the denominators of the rates.
  void SetConversations(int64_t now, int64_t before) { conversations_now_ = now, conversations_before_ = before; }
  void SetSegmentBaseline(std::unordered_map<uint32_t, int64_t> counts_now) { segment_now_ = std::move(counts_now); }
  void Add(const PhraseConversation& c);
  // The issues, ranked by the significance of their first phrase.
  // `tree` (optional) tells which driver covers an issue; `dictionary`
  // names segments.
  std::vector<EmergingIssue> Find(const TreeConfig* tree, const ReportDictionary* dictionary) const;

 private:
  struct Seen {
    bool now = false;
    std::vector<uint64_t> hashes;  // sorted, unique
    std::string id;
    std::vector<std::string> messages;  // period only
    std::optional<ReportRow> row;       // period only
    uint32_t phrase_hits = 0;           // period only
  };
  DiscoverOptions options_;
  int64_t conversations_now_ = 0, conversations_before_ = 0;
  std::unordered_map<uint32_t, int64_t> segment_now_;
  std::vector<Seen> seen_;
  PhraseExtractor extractor_;
};

// ---- Drill-down --------------------------------------------------------------

struct DrilldownItem {
  std::vector<SegmentValue> segment;  // one value, or a pair of two dimensions
  int64_t before = 0, negative_before = 0, now = 0, negative_now = 0;
  double share_before = 0, share_now = 0;
  // How much of the change of the overall share it accounts for, in share
  // points (0.04 = 4 points): its weight now times how much more its share
  // moved than the rest's, on what earlier items left unexplained.
  double contribution = 0;
  Interval interval;  // 95%
};

struct DrilldownResult {
  double share_before = 0, share_now = 0, change = 0;
  std::vector<DrilldownItem> items;  // ranked; each significant (interval above 0)
  double explained = 0, unexplained = 0;  // explained + unexplained = change
};

// Rows of two periods; call Add for each, then Compute.
class Drilldown {
 public:
  explicit Drilldown(std::vector<bool> dimension_of_interest, const ReportDictionary& dictionary);
  void Add(const ReportRow& row, bool now);
  DrilldownResult Compute(int max_items) const;

 private:
  struct Row {
    bool now, negative;
    std::vector<uint32_t> segments;  // of interest only
  };
  std::vector<bool> of_interest_;  // by segment id
  const ReportDictionary& dictionary_;
  std::vector<Row> rows_;
};

// ---- From a store -----------------------------------------------------------

struct Discovery {
  std::string period, baseline_from;  // period labels
  int64_t conversations_now = 0, conversations_before = 0;
  int64_t negative_now = 0, negative_before = 0;
  std::string model;  // the method of the period's tones; baseline rows of other methods are left out
  int64_t left_out = 0;  // baseline conversations scored by another method
  std::vector<EmergingIssue> issues;
  DrilldownResult drilldown;
};

// Examines one period of `store` (DiscoverOptions::to_ms). `tree`, when
// given, says which driver covers each issue.
Result<Discovery> Discover(Store& store, const DiscoverOptions& options, const TreeConfig* tree);

// Keeps the issues of `d` that are new (none of their phrases is in a
// known issue) in store.discovered_issues(), and returns them. With
// `alert`, each new issue that no driver of `tree` covers also raises an
// alert (kind kEmergingAlertKind) to the tree root's accountable owner,
// delivered by DeliverAlerts like the tree's: so an issue is announced
// once, in the period it is first found.
Result<std::vector<DiscoveredIssueRecord>> RecordDiscoveries(Store& store, const TreeConfig& tree, const Discovery& d,
                                                             bool alert, int64_t now_ms);

// The layout of `convsent discover --json` (docs/discovery.md).
std::string DiscoveryToJson(const Discovery& d, int indent = -1);
std::string DiscoveryToText(const Discovery& d);
// A driver for the tree config, to review and paste: a phrase detector of
// the issue's phrases (docs/metric-tree.md).
std::string SuggestTreeNode(const EmergingIssue& issue, int index);

// ---- Template ----------------------------------------------------------------

template <bool kText, typename Fn>
void PhraseExtractor::Extract(std::string_view message, Fn&& fn) {
  tokenizer_.Tokenize(MaskAddresses(message), &tokens_);
  const auto& t = tokens_.tokens;
  usable_.resize(t.size());
  for (size_t i = 0; i < t.size(); ++i) usable_[i] = Usable(t[i]);
  auto edge = [&](size_t i) { return !t[i].Has(kFunctionWord) || t[i].Has(kNegator); };
  for (size_t i = 0; i < t.size(); ++i) {
    if (!usable_[i] || !edge(i)) continue;  // a phrase starts with a word that may end one
    uint64_t hash = 0;
    if constexpr (kText) phrase_.clear();
    for (size_t n = 0; n < static_cast<size_t>(kMaxWords) && i + n < t.size() && usable_[i + n]; ++n) {
      const Token& w = t[i + n];
      if constexpr (kText) {
        if (n) phrase_.push_back(' ');
        phrase_ += tokens_.Normalized(w);
      }
      hash = (hash ^ w.hash) * 0x9E3779B97F4A7C15ULL + n;
      if (edge(i + n)) fn(hash, std::string_view(phrase_));
    }
  }
}

}  // namespace convsent

#endif  // CONVSENT_DISCOVER_H_
