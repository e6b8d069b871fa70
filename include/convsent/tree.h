// The metric tree: sentiment decomposed into drivers that someone owns.
//
// A tree config (YAML, docs/metric-tree.md) holds the root (the share of
// negative conversations), branches, and drivers: conditions on a
// conversation's facts (first response over an hour, reopened, ...) or on
// what the text detectors found (a billing dispute in a customer message,
// a policy refusal in an agent's). Every node has RACI owners.
//
// TreeBuilder attributes negative sentiment to the drivers per period,
// streaming the same rows as the report. FindMoves, CheckIntervention and
// the alert rules are pure functions of its figures, tested on hand-made
// rows and on the generated sample's planted causes.
#ifndef CONVSENT_TREE_H_
#define CONVSENT_TREE_H_

#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/detectors.h"
#include "convsent/report.h"
#include "convsent/stats.h"
#include "convsent/store.h"

namespace convsent {

// ---- The config ------------------------------------------------------------

// The facts a driver can test, all "at least" a threshold.
enum class Fact : uint8_t {
  kFirstResponseMinutes,
  kLongestWaitMinutes,  // the longest wait of a customer message for the next agent reply
  kResolutionHours,
  kAgentReplies,
  kCustomerTurns,
  kHandoffs,
  kReopened,
  kEscalated,
  kAgentToneNegative,   // 1 when the agents' pooled tone is negative
  kSouring,             // 1 when the customer's tone fell from start to end
};
std::string_view FactName(Fact f);

struct DriverCondition {
  // kPhrases: messages of `role` that hold one of `phrases` as whole words,
  // in lower case (what `convsent discover --suggest` writes). Unlike a
  // detector, it is matched when the tree is built, which then reads the
  // messages of every conversation in range (BuildTree).
  enum class Kind : uint8_t { kFact, kDetector, kPhrases } kind = Kind::kFact;
  Fact fact = Fact::kFirstResponseMinutes;
  Detector detector = Detector::kRepeatedQuestion;
  std::vector<std::string> phrases;
  int phrase_slot = 0;          // its bit in PhraseDriverHits(), set by ParseTreeConfig
  Role role = Role::kCustomer;  // whose messages the detector or phrases read
  double at_least = 1;
  std::string Describe() const;  // "first_response_minutes >= 60"
};

struct Owners {  // RACI
  std::vector<std::string> responsible;
  std::string accountable;
  std::string webhook;  // the accountable owner's; empty: alerts are stored, not sent
  std::vector<std::string> consulted, informed;
};

struct TreeNode {
  std::string id, name;
  Owners owners;
  std::optional<DriverCondition> when;  // set for drivers (leaves)
  int parent = -1;
  std::vector<int> children;
  int line = 0;  // in the config, for messages
  bool is_driver() const { return when.has_value(); }
};

struct AlertRules {
  double alpha = 0.01;              // family-wise over the tests of one run (Holm)
  double prevalence_change = 0.05;  // a driver's prevalence must rise by this much (absolute)
  double lift_change = 0.10;        // or its lift (negative share with minus without) by this much
  int min_conversations = 30;       // in each period compared (with the driver, for lift)
  int baseline_periods = 4;         // the last period is compared with up to this many before it, pooled
};

struct TreeConfig {
  std::vector<TreeNode> nodes;  // nodes[0] is the root; parents come before children
  AlertRules alerts;
  Period period = Period::kWeek;
  std::optional<int> Find(std::string_view id) const;
};

inline constexpr size_t kMaxTreeConfigBytes = 1 << 20;
// Parses a tree config. Errors name `source`, the line and the key:
// "tree.yaml:14: drivers[2].when.fact: unknown fact 'frt' (one of ...)".
Result<TreeConfig> ParseTreeConfig(std::string_view yaml, const std::string& source);
// The default tree of PRODUCT.md, as YAML with comments (`convsent tree init`).
std::string_view DefaultTreeYaml();
// The tree a command uses: the file at `path`; when empty, the one
// $CONVSENT_TREE names, else ./convsent-tree.yaml, else the default tree.
// Errors name the file.
Result<TreeConfig> LoadTreeConfig(const std::string& path);

// At most this many phrase drivers in one tree: their hits are one word.
inline constexpr int kMaxPhraseDrivers = 32;

// Whether a driver's condition holds for a conversation. A phrase driver
// reads `phrase_hits` (PhraseDriverHits of the conversation), which a
// ReportRow does not carry.
bool DriverPresent(const DriverCondition& when, const ReportRow& row, uint32_t phrase_hits = 0);
// Which phrase drivers of `config` hold for `c`: bit phrase_slot of each.
uint32_t PhraseDriverHits(const TreeConfig& config, const Conversation& c);
bool HasPhraseDrivers(const TreeConfig& config);

// ---- Attribution -----------------------------------------------------------

// Counts for one node over one period, scored conversations only. A branch
// is present when any driver below it is.
struct NodeCounts {
  int64_t n = 0;         // scored conversations
  int64_t negative = 0;  // of them negative
  int64_t with = 0;      // with the node present
  int64_t negative_with = 0;
  // Negative conversations credited to this node: each negative conversation
  // is shared equally among the drivers present in it (the Shapley value of
  // the game "a driver explains a negative conversation it is present in"),
  // so overlapping drivers are never counted twice. A branch's credit is the
  // sum of its drivers'.
  double credited = 0;
  NodeCounts& operator+=(const NodeCounts& o);
};

struct NodeFigures {
  NodeCounts counts;
  double prevalence = 0;              // with / n
  double negative_with = 0;           // negative share with the node present
  double negative_without = 0;        // and without
  double lift = 0;                    // negative_with - negative_without
  Interval lift_interval;             // 95%, Newcombe's hybrid score interval
  double share_of_negative = 0;       // credited / all negative conversations
  // How many negative conversations it adds: negative_with - with x the
  // negative share without it. In TreeReport::periods the baseline is the
  // share without it over the whole range (see top_drivers).
  double excess_negative = 0;
};
NodeFigures FiguresOf(const NodeCounts& c);

struct NodeMovement {  // the last period against the one before
  double prevalence_change = 0, prevalence_p = 1;
  double lift_change = 0, lift_p = 1;
};

struct TreePeriod {
  int64_t start_ms = 0;
  std::string label;
  std::vector<NodeFigures> nodes;  // by node index; nodes[0] is the root (with = n)
};

struct TreeReport {
  std::vector<TreePeriod> periods;
  std::vector<NodeFigures> overall;     // the whole range
  std::vector<NodeMovement> movement;   // last period against the one before (empty with < 2 periods)
  // Drivers of the last period ranked by the negatives they add, those
  // significantly more negative than conversations without them.
  std::vector<int> top_drivers;
  int64_t unexplained_negative = 0;     // negative conversations of the range with no driver present
};

class TreeBuilder {
 public:
  // `config` must outlive the builder.
  explicit TreeBuilder(const TreeConfig& config);
  // `phrase_hits`: PhraseDriverHits() of the row's conversation, when the
  // tree has phrase drivers.
  void Add(const ReportRow& row, uint32_t phrase_hits = 0);
  TreeReport Finish() const;
  // Which nodes are present for one conversation (drivers and the branches above them).
  std::vector<bool> Present(const ReportRow& row, uint32_t phrase_hits = 0) const;

 private:
  const TreeConfig& config_;
  std::map<int64_t, std::vector<NodeCounts>> periods_;
  int64_t unexplained_ = 0;
};

// The drivers present in one stored conversation (indexes into
// config.nodes, in the tree's order): `convsent tree --conversation`.
std::vector<int> DriversOf(const TreeConfig& config, const ScoredConversation& sc);

// Calls `fn` with each report row of [from_ms, to_ms) and its phrase
// driver hits: from the report rows alone, or, when `config` has phrase
// drivers, from a pass over the messages.
Status ScanTreeRows(Store& store, const TreeConfig& config, int64_t from_ms, int64_t to_ms,
                    const std::function<void(const ReportRow&, uint32_t)>& fn);

// The tree over the conversations of `store` created in [from_ms, to_ms).
Result<TreeReport> BuildTree(Store& store, const TreeConfig& config, int64_t from_ms, int64_t to_ms,
                             const std::vector<std::pair<std::string, std::string>>& where = {});

struct AlertRun;
// The tree as text or JSON (docs/metric-tree.md), with the alerts a run of
// the rules raised and closed when given.
std::string TreeToText(const TreeConfig& config, const TreeReport& report, const AlertRun* alerts = nullptr);
std::string TreeToJson(const TreeConfig& config, const TreeReport& report, const AlertRun* alerts = nullptr);
// The drivers present in one conversation (`convsent tree --conversation`).
std::string ConversationDriversToText(const TreeConfig& config, const ScoredConversation& sc);
std::string ConversationDriversToJson(const TreeConfig& config, const ScoredConversation& sc);
// A section for the report page: the tree with numbers, movement and owners.
std::string TreeToHtml(const TreeConfig& config, const TreeReport& report);
// The report as one self-contained HTML page (`convsent report --html`),
// with the metric tree over the same conversations: one more pass over the
// report rows of [from_ms, to_ms) and `where`.
Result<std::string> ReportPage(Store& store, const Report& report, const TreeConfig& config, int64_t from_ms,
                               int64_t to_ms, const std::vector<std::pair<std::string, std::string>>& where);

// ---- Alerts ----------------------------------------------------------------

// A significant worsening of one node in the last period.
struct Move {
  int node = 0;
  std::string kind;  // "prevalence" or "lift"
  std::string period;
  double before = 0, after = 0, p = 1;
};
// The nodes whose prevalence or lift rose beyond the config's thresholds in
// the last period against the baseline periods before it, significantly
// after Holm's correction over every test of the run. A branch is left out
// when a driver below it moved: the most specific node speaks.
std::vector<Move> FindMoves(const TreeConfig& config, const TreeReport& report);
// Whether the node of an open alert is back: its value in the last period
// within half the threshold of where it was before the move.
bool Recovered(const TreeConfig& config, const TreeReport& report, int node, const std::string& kind, double before);

// What one run of the alert rules did to the stored alerts.
// The kind of the alerts `convsent discover --alert` raises on the root
// (convsent/discover.h): they stay open until acknowledged, and never stand
// in the way of the tree's own alerts on the root.
inline constexpr const char* kEmergingAlertKind = "emerging";

struct AlertRun {
  std::vector<AlertRecord> raised;     // new open alerts (delivery "pending" when the owner has a webhook)
  std::vector<AlertRecord> recovered;  // open alerts closed because their node is back
};
// Applies the alert rules to `report` (its last period against the one
// before): closes open alerts whose node recovered, and raises one alert
// per node that moved, unless that node already has an open alert (no
// storms: one open alert per node until it is acknowledged or recovers).
Result<AlertRun> UpdateAlerts(Store& store, const TreeConfig& config, const TreeReport& report, int64_t now_ms);
// Stored alerts as a JSON array (`convsent alerts --json`, GET /v1/alerts).
std::string AlertsToJson(const std::vector<AlertRecord>& alerts, int indent = -1);
// The JSON an alert's webhook receives.
std::string AlertPayload(const TreeConfig& config, const AlertRecord& alert);
// Posts every stored alert whose delivery is pending to its webhook, waits
// at most `wait`, and stores each outcome (sent, failed after the sender's
// retries, or still pending: the next run tries again). Returns the alerts
// whose delivery did not succeed within the wait, as stored.
Result<std::vector<AlertRecord>> DeliverAlerts(Store& store, const TreeConfig& config, std::chrono::milliseconds wait);
// A person acknowledges open alert `id` (`convsent alerts --ack`): it stays
// closed until its node moves again. NotFound: no such alert;
// FailedPrecondition: it is not open.
Status AcknowledgeAlert(Store& store, int64_t id, int64_t now_ms);

// ---- Interventions ---------------------------------------------------------

struct InterventionCheck {
  int window_days = 0;  // equal windows before and after
  int64_t before_from_ms = 0, at_ms = 0, after_to_ms = 0;
  // In the segment the change touched (everything when none was named).
  NodeCounts before, after;
  TestResult driver_test, negative_test;  // after against before
  // Against the segments it did not touch: the change in negative share
  // there, and the difference in differences.
  bool has_control = false;
  NodeCounts control_before, control_after;
  double did = 0;  // (after - before) touched minus (after - before) untouched, negative share
  TestResult did_test;
  std::string verdict;    // "improved", "no measurable change", "worse", or "not enough data"
  std::string reasoning;  // the numbers, in words
};

struct InterventionRecord;  // store.h
// Compares the node and the root sentiment in equal windows before and
// after the intervention (at most `max_window_days` each).
Result<InterventionCheck> CheckIntervention(Store& store, const TreeConfig& config, const InterventionRecord& record,
                                            int max_window_days = 28);
// An intervention as a JSON object, with its check when one is given
// (`convsent intervention list|check --json`, GET /v1/interventions).
std::string InterventionToJson(const InterventionRecord& record, const InterventionCheck* check);

}  // namespace convsent

#endif  // CONVSENT_TREE_H_
