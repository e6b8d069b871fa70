// convsent show: one stored conversation, its scores, explanations, tone and facts.
#include <algorithm>
#include <cmath>

#include "convsent/score_format.h"
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ShowFlags {
  std::string id, db, model;
  bool json = false;
};

std::string Bar(float compound) {
  // A 9-cell bar from negative to positive, centred on neutral.
  const int pos = static_cast<int>(std::lround((compound + 1) * 4));
  std::string bar = "[";
  for (int i = 0; i <= 8; ++i) bar += i == pos ? "●" : i == 4 ? "┊" : "·";
  return bar + "]";
}

int RunShow(const ShowFlags& flags) {
  auto store = OpenStoreOrReport(flags.db);
  if (!store) return kExitFailure;
  auto got = store->conversations().Get(flags.id, flags.model);
  if (!got.ok()) {
    std::fprintf(stderr, "convsent show: %s\n", got.status().ToString().c_str());
    return kExitFailure;
  }
  if (!got->has_value()) {
    std::fprintf(stderr, "convsent show: no conversation '%s' in %s\n", flags.id.c_str(),
                 (flags.db.empty() ? DefaultStoreLocation() : flags.db).c_str());
    return kExitFailure;
  }
  const ScoredConversation& sc = **got;
  const Conversation& c = sc.conversation;
  const ConversationRollup& r = sc.rollup;
  const ConversationFacts& f = sc.facts;
  auto current = store->CurrentModel();
  const std::string model = flags.model.empty() && current.ok() ? *current : flags.model;
  if (flags.json) {
    std::printf("%s\n", ScoredConversationToJson(sc, model).c_str());
    return kExitOk;
  }
  std::printf("conversation %s   %s / %s / %s%s%s\n", c.id.c_str(), c.channel.c_str(), c.topic.c_str(),
              c.team.c_str(), c.tags.empty() ? "" : "   tags: ", [&] {
                std::string t;
                for (const auto& tag : c.tags) t += (t.empty() ? "" : ", ") + tag;
                return t;
              }().c_str());
  if (c.created_at_ms) std::printf("started %s", FormatTime(c.created_at_ms).c_str());
  if (c.csat) std::printf("   CSAT %d/5", *c.csat);
  if (c.nps) std::printf("   NPS %d", *c.nps);
  const Language language = CustomerLanguage(sc);
  std::printf("\nscored by %s%s%s\n\n", model.c_str(), language == Language::kEnglish ? "" : ", language ",
              language == Language::kEnglish ? "" : std::string(LanguageName(language)).c_str());
  for (size_t i = 0; i < c.messages.size(); ++i) {
    const Message& m = c.messages[i];
    const bool mover = std::find(r.movers.begin(), r.movers.end(), i) != r.movers.end();
    std::string when = m.at_ms ? FormatTime(m.at_ms).substr(11, 5) : "     ";
    if (sc.scores[i]) {
      const MessageScore& s = *sc.scores[i];
      std::string moved;
      for (const auto& e : s.explain) moved += e.token + (e.weight > 0 ? "(+) " : "(-) ");
      // A message in another language than the conversation's says so.
      const std::string other = s.language == language ? "" : " [" + std::string(LanguageCode(s.language)) + "]";
      std::printf("%s %-8s %s %+.2f %-8s %s%s\n", when.c_str(), std::string(RoleName(m.role)).c_str(),
                  Bar(s.compound).c_str(), s.compound, std::string(SentimentName(s.label)).c_str(),
                  mover ? "◀ moved the tone" : "", other.c_str());
      std::printf("      %s\n", m.text.c_str());
      if (!moved.empty()) std::printf("      moved by: %s\n", moved.c_str());
    } else {
      std::printf("%s %-8s (internal note, not scored)\n      %s\n", when.c_str(),
                  std::string(RoleName(m.role)).c_str(), m.text.c_str());
    }
  }
  std::printf("\n");
  if (r.has_customer) {
    std::printf("customer tone  %s (compound %+.2f, %.1f/5), started %s, ended %s: %s\n",
                std::string(SentimentName(r.tone)).c_str(), r.compound, r.score5,
                std::string(SentimentName(r.start)).c_str(), std::string(SentimentName(r.end)).c_str(),
                std::string(TrajectoryName(r.trajectory)).c_str());
  } else {
    std::printf("customer tone  none (no customer message)\n");
  }
  if (r.has_agent) {
    std::printf("agent tone     %s (compound %+.2f)\n", std::string(SentimentName(r.agent_tone)).c_str(),
                r.agent_compound);
  }
  auto minutes = [](const std::optional<int64_t>& ms) {
    return ms ? std::to_string(*ms / 60000) + " min" : std::string("-");
  };
  std::printf("facts          first response %s, longest wait %s, resolution %s, %d agent replies, %d customer turns, "
              "%d agents, %d handoffs, reopened %d, escalated %d\n",
              minutes(f.first_response_ms).c_str(), minutes(f.longest_wait_ms).c_str(),
              minutes(f.resolution_ms).c_str(), f.agent_replies, f.customer_turns, f.agents, f.handoffs, f.reopened,
              f.escalated);
  return kExitOk;
}

}  // namespace

void AddShowCommand(Command& app, int* exit_code) {
  auto f = std::make_shared<ShowFlags>();
  Command* cmd = app.add_subcommand("show", "One conversation: messages, scores, explanations, tone and facts");
  cmd->add_option("id", f->id, "Conversation id")->required();
  cmd->add_option("--db", f->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  cmd->add_option("--model", f->model, "Model version whose scores to show (default: the current model)");
  cmd->add_flag("--json", f->json, "Print JSON");
  cmd->callback([f, exit_code] { *exit_code = RunShow(*f); });
}

}  // namespace convsent::cli
