// A scored conversation as JSON: what `convsent show --json` prints and
// the server's GET /v1/conversations/{id} returns.
#include <nlohmann/json.hpp>

#include "convsent/rollup.h"

namespace convsent {

std::string ScoredConversationToJson(const ScoredConversation& sc, std::string_view model_version, int indent) {
  const Conversation& c = sc.conversation;
  const ConversationRollup& r = sc.rollup;
  const ConversationFacts& f = sc.facts;
  const std::string model(model_version);
  nlohmann::json messages = nlohmann::json::array();
  for (size_t i = 0; i < c.messages.size(); ++i) {
    const Message& m = c.messages[i];
    nlohmann::json jm = {{"role", RoleName(m.role)}, {"author", m.author}, {"text", m.text}};
    if (m.at_ms) jm["at"] = FormatTime(m.at_ms);
    if (sc.scores[i]) {
      const MessageScore& s = *sc.scores[i];
      nlohmann::json ex = nlohmann::json::array();
      for (const auto& e : s.explain) ex.push_back({{"token", e.token}, {"weight", e.weight}});
      jm["score"] = {{"label", SentimentName(s.label)},
                     {"p", {{"negative", s.p[0]}, {"neutral", s.p[1]}, {"positive", s.p[2]}}},
                     {"compound", s.compound},
                     {"score5", s.score5},
                     {"language", LanguageCode(s.language)},
                     {"explain", ex}};
      // Said only where the language came with the conversation, not told.
      if (s.language_given) jm["score"]["language_given"] = true;
      // Said only where the turns before it weighed in.
      if (s.context) jm["score"]["context"] = true;
    }
    messages.push_back(std::move(jm));
  }
  auto opt = [](const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json out = {{"id", c.id},
                        {"channel", c.channel},
                        {"topic", c.topic},
                        {"team", c.team},
                        {"tags", c.tags},
                        {"created_at", c.created_at_ms ? FormatTime(c.created_at_ms) : ""},
                        {"model", model},
                        {"language", LanguageCode(CustomerLanguage(sc))},
                        {"csat", c.csat ? nlohmann::json(*c.csat) : nlohmann::json()},
                        {"nps", c.nps ? nlohmann::json(*c.nps) : nlohmann::json()},
                        {"tone", r.has_customer ? nlohmann::json({{"label", SentimentName(r.tone)},
                                                                  {"compound", r.compound},
                                                                  {"score5", r.score5},
                                                                  {"start", SentimentName(r.start)},
                                                                  {"end", SentimentName(r.end)},
                                                                  {"trajectory", TrajectoryName(r.trajectory)},
                                                                  {"movers", r.movers}})
                                                : nlohmann::json()},
                        {"agent_tone", r.has_agent ? nlohmann::json({{"label", SentimentName(r.agent_tone)},
                                                                     {"compound", r.agent_compound}})
                                                   : nlohmann::json()},
                        {"facts",
                         {{"first_response_ms", opt(f.first_response_ms)},
                          {"agent_replies", f.agent_replies},
                          {"customer_turns", f.customer_turns},
                          {"agents", f.agents},
                          {"handoffs", f.handoffs},
                          {"reopened", f.reopened},
                          {"escalated", f.escalated},
                          {"resolution_ms", opt(f.resolution_ms)},
                          {"longest_wait_ms", opt(f.longest_wait_ms)}}},
                        {"messages", messages}};
  return out.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace convsent
