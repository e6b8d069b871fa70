// From scored messages to a conversation: its tone, how the tone moved, and
// the operational facts (waits, handoffs, reopenings) the metric and the
// metric tree need.
//
// The tone rule is written up, with the data that chose it, in
// docs/conversation-tone.md.
#ifndef CONVSENT_ROLLUP_H_
#define CONVSENT_ROLLUP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/scorer.h"

namespace convsent {

// What a rollup needs of one message.
struct MessageTone {
  Role role = Role::kCustomer;
  float compound = 0;
  Sentiment label = Sentiment::kNeutral;
};

enum class Trajectory : uint8_t { kSteady = 0, kSouring = 1, kRecovering = 2 };
std::string_view TrajectoryName(Trajectory t);

// How customer messages are pooled into one number in [-1, 1].
enum class ToneRule : uint8_t {
  kMean,         // mean compound
  kLast,         // the last message
  kWorst,        // the most negative message
  kEndWeighted,  // mean weighted 1, 2, ..., n toward the end
  kPeakEnd,      // mean of the most intense message and the last (Kahneman's peak-end rule)
};
std::string_view ToneRuleName(ToneRule r);

struct RollupOptions {
  // The rule and thresholds were chosen on uss_multiwoz dev dialogues with
  // the dialogue model's scores (`convsent tone-eval`,
  // docs/conversation-tone.md): a pooled compound at or below
  // negative_below is negative, at or above positive_above positive.
  ToneRule rule = ToneRule::kEndWeighted;
  float negative_below = -0.15f;
  float positive_above = 0.15f;
  float trajectory_delta = 0.4f;  // end minus start beyond this is souring / recovering
  int movers = 3;
};

struct ConversationRollup {
  bool has_customer = false;  // false: no customer message, no tone
  Sentiment tone = Sentiment::kNeutral;
  float compound = 0;         // the pooled customer compound
  float score5 = 3;           // 3 + 2 * compound
  Sentiment start = Sentiment::kNeutral, end = Sentiment::kNeutral;
  float start_compound = 0, end_compound = 0;
  Trajectory trajectory = Trajectory::kSteady;
  bool has_agent = false;
  Sentiment agent_tone = Sentiment::kNeutral;
  float agent_compound = 0;
  std::vector<uint32_t> movers;  // message indices that moved the tone most, strongest first
};

ConversationRollup Rollup(const std::vector<MessageTone>& messages, const RollupOptions& options = {});

// The pooled value of `compounds` (customer messages, in order) under `rule`.
float PoolTone(const std::vector<float>& compounds, ToneRule rule);

struct ConversationFacts {
  std::optional<int64_t> first_response_ms;  // start to the first agent reply
  int agent_replies = 0;                      // agent messages (replies needed to resolve)
  int customer_turns = 0;
  int agents = 0;                             // distinct agent authors
  int handoffs = 0;                           // changes of agent, plus handoff events
  int reopened = 0;                           // reopened events
  int escalated = 0;                          // escalated events
  std::optional<int64_t> resolution_ms;       // start to the last resolved/solved/closed event
  std::optional<int64_t> longest_wait_ms;     // longest customer message -> next agent reply
};

ConversationFacts ComputeFacts(const Conversation& c);

// A conversation with everything one model made of it.
struct ScoredConversation {
  Conversation conversation;
  std::vector<std::optional<MessageScore>> scores;  // per message; internal notes are not scored
  ConversationRollup rollup;
  ConversationFacts facts;
};

// The language a help desk recorded for the conversation (its "language"
// or "locale" attribute: "es", "pt-BR", "English"), when it is one convsent
// scores; kUnd otherwise. ScoreConversation scores every message with it.
Language ConversationLanguageAttribute(const Conversation& c);

// The conversation's language: its customers' most frequent among their
// scored messages (und ones aside; the first to reach the count on a tie),
// or und when none was told.
Language CustomerLanguage(const ScoredConversation& c);

// The rollup options of conversations scored with `model`: the defaults,
// or the thresholds a team's labels chose (`model adapt`, tone_fit.h),
// recorded in the model's metadata under "tone".
RollupOptions RollupOptionsFor(const Model& model);

// The conversation with its scores, tone and facts as JSON (docs/store-and-ingest.md).
std::string ScoredConversationToJson(const ScoredConversation& sc, std::string_view model_version, int indent = 2);

// Scores every customer, agent and bot message of `c` and rolls them up.
ScoredConversation ScoreConversation(Conversation c, Scorer& scorer, const ScoreOptions& score_options = {},
                                     const RollupOptions& rollup_options = {});

}  // namespace convsent

#endif  // CONVSENT_ROLLUP_H_
