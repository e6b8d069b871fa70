#include "convsent/rollup.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

namespace convsent {

std::string_view TrajectoryName(Trajectory t) {
  switch (t) {
    case Trajectory::kSteady: return "steady";
    case Trajectory::kSouring: return "souring";
    case Trajectory::kRecovering: return "recovering";
  }
  return "steady";
}

std::string_view ToneRuleName(ToneRule r) {
  switch (r) {
    case ToneRule::kMean: return "mean";
    case ToneRule::kLast: return "last";
    case ToneRule::kWorst: return "worst";
    case ToneRule::kEndWeighted: return "end-weighted";
    case ToneRule::kPeakEnd: return "peak-end";
  }
  return "?";
}

float PoolTone(const std::vector<float>& c, ToneRule rule) {
  if (c.empty()) return 0;
  switch (rule) {
    case ToneRule::kMean: {
      float s = 0;
      for (float v : c) s += v;
      return s / static_cast<float>(c.size());
    }
    case ToneRule::kLast:
      return c.back();
    case ToneRule::kWorst:
      return *std::min_element(c.begin(), c.end());
    case ToneRule::kEndWeighted: {
      float s = 0, w = 0;
      for (size_t i = 0; i < c.size(); ++i) {
        s += static_cast<float>(i + 1) * c[i];
        w += static_cast<float>(i + 1);
      }
      return s / w;
    }
    case ToneRule::kPeakEnd: {
      const float peak = *std::max_element(c.begin(), c.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
      return (peak + c.back()) / 2;
    }
  }
  return 0;
}

namespace {
Sentiment Label(float compound, const RollupOptions& o) {
  if (compound <= o.negative_below) return Sentiment::kNegative;
  if (compound >= o.positive_above) return Sentiment::kPositive;
  return Sentiment::kNeutral;
}
}  // namespace

ConversationRollup Rollup(const std::vector<MessageTone>& messages, const RollupOptions& o) {
  ConversationRollup r;
  std::vector<float> customer, agent;
  std::vector<uint32_t> customer_index;
  for (uint32_t i = 0; i < messages.size(); ++i) {
    const MessageTone& m = messages[i];
    if (m.role == Role::kCustomer) {
      customer.push_back(m.compound);
      customer_index.push_back(i);
    } else if (m.role == Role::kAgent) {
      agent.push_back(m.compound);
    }
  }
  if (!agent.empty()) {
    r.has_agent = true;
    r.agent_compound = PoolTone(agent, ToneRule::kMean);
    r.agent_tone = Label(r.agent_compound, o);
  }
  if (customer.empty()) return r;
  r.has_customer = true;
  r.compound = PoolTone(customer, o.rule);
  r.score5 = 3 + 2 * r.compound;
  r.tone = Label(r.compound, o);
  // Start and end: the first and last third of the customer's messages.
  const size_t third = std::max<size_t>(1, customer.size() / 3);
  float s = 0, e = 0;
  for (size_t i = 0; i < third; ++i) {
    s += customer[i];
    e += customer[customer.size() - 1 - i];
  }
  r.start_compound = s / static_cast<float>(third);
  r.end_compound = e / static_cast<float>(third);
  r.start = Label(r.start_compound, o);
  r.end = Label(r.end_compound, o);
  if (customer.size() >= 2) {
    const float delta = r.end_compound - r.start_compound;
    if (delta <= -o.trajectory_delta) r.trajectory = Trajectory::kSouring;
    else if (delta >= o.trajectory_delta) r.trajectory = Trajectory::kRecovering;
  }
  // Movers: the customer messages furthest from neutral in the tone's
  // direction (for a neutral tone, furthest either way).
  std::vector<uint32_t> order(customer.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const float sign = r.tone == Sentiment::kNegative ? -1.0f : r.tone == Sentiment::kPositive ? 1.0f : 0.0f;
  auto strength = [&](uint32_t i) { return sign == 0 ? std::fabs(customer[i]) : sign * customer[i]; };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return strength(a) > strength(b); });
  for (uint32_t i : order) {
    if (static_cast<int>(r.movers.size()) >= o.movers || strength(i) <= 0.05f) break;
    r.movers.push_back(customer_index[i]);
  }
  return r;
}

ConversationFacts ComputeFacts(const Conversation& c) {
  ConversationFacts f;
  int64_t start = c.created_at_ms;
  if (start == 0 && !c.messages.empty()) start = c.messages.front().at_ms;
  std::set<std::string> agents;
  std::string last_agent;
  int64_t waiting_since = 0;  // the oldest unanswered customer message
  for (const Message& m : c.messages) {
    if (m.role == Role::kCustomer) {
      ++f.customer_turns;
      if (waiting_since == 0) waiting_since = m.at_ms;
    } else if (m.role == Role::kAgent) {
      ++f.agent_replies;
      if (!f.first_response_ms && m.at_ms && start) f.first_response_ms = std::max<int64_t>(0, m.at_ms - start);
      if (waiting_since && m.at_ms) {
        const int64_t wait = m.at_ms - waiting_since;
        if (!f.longest_wait_ms || wait > *f.longest_wait_ms) f.longest_wait_ms = std::max<int64_t>(0, wait);
      }
      waiting_since = 0;
      if (!m.author.empty()) {
        agents.insert(m.author);
        if (!last_agent.empty() && last_agent != m.author) ++f.handoffs;
        last_agent = m.author;
      }
    }
  }
  f.agents = static_cast<int>(agents.size());
  for (const Event& e : c.events) {
    if (e.type == "reopened") ++f.reopened;
    else if (e.type == "escalated") ++f.escalated;
    else if (e.type == "handoff" || e.type == "reassigned") ++f.handoffs;
    else if ((e.type == "resolved" || e.type == "solved" || e.type == "closed") && e.at_ms && start) {
      f.resolution_ms = std::max<int64_t>(0, e.at_ms - start);
    }
  }
  return f;
}

Language ConversationLanguageAttribute(const Conversation& c) {
  for (const auto& [key, value] : c.attributes) {
    Language l;
    if ((key == "language" || key == "locale") && ParseLanguage(value, &l)) return l;
  }
  return Language::kUnd;
}

Language CustomerLanguage(const ScoredConversation& c) {
  std::array<int, kNumLanguages> count{};
  Language best = Language::kUnd;
  for (size_t i = 0; i < c.scores.size() && i < c.conversation.messages.size(); ++i) {
    const auto& s = c.scores[i];
    if (!s || c.conversation.messages[i].role != Role::kCustomer || s->language == Language::kUnd) continue;
    const int n = ++count[static_cast<size_t>(s->language)];
    if (best == Language::kUnd || n > count[static_cast<size_t>(best)]) best = s->language;
  }
  return best;
}

RollupOptions RollupOptionsFor(const Model& model) {
  RollupOptions o;
  const nlohmann::json meta = nlohmann::json::parse(model.info().metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object() || !meta.contains("tone") || !meta["tone"].is_object()) return o;
  const nlohmann::json& tone = meta["tone"];
  if (!tone.contains("negative_below") || !tone["negative_below"].is_number() || !tone.contains("positive_above") ||
      !tone["positive_above"].is_number()) {
    return o;
  }
  const float neg = tone["negative_below"].get<float>(), pos = tone["positive_above"].get<float>();
  // A file whose numbers make no sense keeps the defaults.
  if (!(neg >= -1 && neg <= 0 && pos >= 0 && pos <= 1)) return o;
  for (ToneRule r : {ToneRule::kMean, ToneRule::kLast, ToneRule::kWorst, ToneRule::kEndWeighted, ToneRule::kPeakEnd}) {
    if (tone.value("rule", std::string()) == ToneRuleName(r)) o.rule = r;
  }
  o.negative_below = neg, o.positive_above = pos;
  return o;
}

ScoredConversation ScoreConversation(Conversation c, Scorer& scorer, const ScoreOptions& score_options,
                                     const RollupOptions& rollup_options) {
  ScoredConversation sc;
  sc.scores.resize(c.messages.size());
  std::vector<MessageTone> tones;
  tones.reserve(c.messages.size());
  // Each message is scored with the turns before it (the agent's reply a
  // customer answers), where the model reads context.
  ContextTracker context;
  // The help desk's language for the conversation, where it keeps one and
  // it is one convsent scores: its model reads every message.
  ScoreOptions options = score_options;
  if (const Language given = ConversationLanguageAttribute(c); !options.language && given != Language::kUnd) {
    options.language = given;
  }
  for (size_t i = 0; i < c.messages.size(); ++i) {
    const Message& m = c.messages[i];
    if (m.role == Role::kNote) {
      tones.push_back({m.role, 0, Sentiment::kNeutral});
      continue;
    }
    MessageScore& s = sc.scores[i].emplace();
    scorer.Score(m.text, options, &s, context.Next(RoleName(m.role)));
    context.Add(RoleName(m.role), s.turn);
    tones.push_back({m.role, s.compound, s.label});
  }
  // A message too short to tell ("Gracias", "ok") is read again in the
  // language the conversation's customers write in, when that has a model
  // of its own (the English one has read it already).
  sc.conversation = std::move(c);
  const Language language = CustomerLanguage(sc);
  if (!options.language && scorer.model().ForLanguage(language)) {
    ScoreOptions in_conversation = options;
    in_conversation.language = language;
    for (size_t i = 0; i < sc.scores.size(); ++i) {
      auto& s = sc.scores[i];
      if (!s || s->language != Language::kUnd) continue;
      scorer.Score(sc.conversation.messages[i].text, in_conversation, &*s);
      s->language_given = false;  // the conversation's, not a help desk's
      tones[i] = {sc.conversation.messages[i].role, s->compound, s->label};
    }
  }
  sc.rollup = Rollup(tones, rollup_options);
  sc.facts = ComputeFacts(sc.conversation);
  return sc;
}

}  // namespace convsent
