#include "convsent/tone_fit.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "convsent/labels.h"
#include "convsent/stored_conversations.h"

namespace convsent {

Result<std::optional<ToneFit>> FitToneToLabels(Store& store, std::shared_ptr<const Model> model, int min_labels,
                                               int folds) {
  // The latest conversation-level label of each conversation.
  std::map<std::string, std::pair<int64_t, Sentiment>> latest;
  RETURN_IF_ERROR(store.labels().ForEach([&](const HumanLabel& l) -> Status {
    if (l.message >= 0) return Status::Ok();
    auto& slot = latest[l.conversation];
    if (l.at_ms >= slot.first) slot = {l.at_ms, l.label};
    return Status::Ok();
  }));
  if (static_cast<int>(latest.size()) < min_labels) return std::optional<ToneFit>();
  Scorer scorer(model);
  ScoreOptions score_options;
  score_options.explain = 0;
  const RollupOptions current = RollupOptionsFor(*model);
  std::vector<LabeledDialogue> dialogues;
  int fold = 0;
  for (const auto& [id, label] : latest) {
    ASSIGN_OR_RETURN(auto stored, store.conversations().Get(id));
    if (!stored) continue;  // labelled, then deleted
    const ScoredConversation sc = ScoreConversation(std::move(stored->conversation), scorer, score_options, current);
    LabeledDialogue d;
    d.gold = label.second;
    // The fold's name is its split: a fold is the labels chosen without.
    d.split = std::to_string(fold++ % folds);
    for (size_t i = 0; i < sc.scores.size(); ++i) {
      if (sc.scores[i] && sc.conversation.messages[i].role == Role::kCustomer) d.customer.push_back(sc.scores[i]->compound);
    }
    dialogues.push_back(std::move(d));
  }
  if (static_cast<int>(dialogues.size()) < min_labels) return std::optional<ToneFit>();
  ToneFit fit;
  fit.labels = static_cast<int>(dialogues.size());
  // All labels: relabel the splits to one name, choose, and measure.
  std::vector<LabeledDialogue> all = dialogues;
  for (auto& d : all) d.split = "all";
  const ToneChoice chosen = ChooseToneThresholds(all, "all", current.rule);
  fit.rule = current.rule;
  fit.negative_below = chosen.negative_below, fit.positive_above = chosen.positive_above;
  fit.chosen = chosen.result;
  fit.before = EvaluateTone(all, "all", current.rule, current.negative_below, current.positive_above);
  // Cross-validated: thresholds chosen on the other folds, scored on each.
  std::vector<Sentiment> gold, predicted;
  for (int k = 0; k < folds; ++k) {
    std::vector<LabeledDialogue> train = dialogues;
    for (auto& d : train) d.split = d.split == std::to_string(k) ? "held" : "train";
    const ToneChoice c = ChooseToneThresholds(train, "train", current.rule);
    const EvalResult held = EvaluateTone(train, "held", current.rule, c.negative_below, c.positive_above);
    // Pool the held-out folds' confusion into one set of predictions.
    for (int g = 0; g < kNumClasses; ++g) {
      for (int p = 0; p < kNumClasses; ++p) {
        for (int n = 0; n < held.confusion[g][p]; ++n) {
          gold.push_back(static_cast<Sentiment>(g));
          predicted.push_back(static_cast<Sentiment>(p));
        }
      }
    }
  }
  fit.cross_validated_f1 = Evaluate(gold, predicted).macro_f1;
  return std::optional<ToneFit>(fit);
}

std::string WithTone(const std::string& metadata_json, const ToneFit& fit) {
  nlohmann::json meta = nlohmann::json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) meta = nlohmann::json::object();
  meta["tone"] = {{"rule", std::string(ToneRuleName(fit.rule))},
                  {"negative_below", fit.negative_below},
                  {"positive_above", fit.positive_above},
                  {"labels", fit.labels},
                  {"macro_f1_before", fit.before.macro_f1},
                  {"macro_f1_cross_validated", fit.cross_validated_f1}};
  return meta.dump();
}

Result<StoreAdaptation> AdaptToStoreLabels(Store& store, std::shared_ptr<const Model> base, const AdaptOptions& options,
                                           int min_tone_labels, std::ostream* log) {
  StoreAdaptation a;
  a.folds = options.folds;
  ASSIGN_OR_RETURN(const std::vector<LabeledConversation> examples, LabelledConversations(store, &a.conversation_labels));
  for (const auto& c : examples) {
    for (const auto& t : c.turns) a.labelled_messages += t.label.has_value();
  }
  a.labelled_conversations = static_cast<int64_t>(examples.size());
  if (log != nullptr) {
    *log << a.labelled_messages << " labelled messages in " << a.labelled_conversations
         << " conversations, learned with the turns around them; " << a.conversation_labels
         << " conversation labels choose the tone thresholds\n";
  }
  ASSIGN_OR_RETURN(AdaptOutcome outcome, AdaptModelAndLanguages(std::move(base), examples, options, log));
  a.report = std::move(outcome.english);
  a.languages = std::move(outcome.languages);
  a.model_bytes = std::move(outcome.model_bytes);
  if (a.model_bytes.empty()) return a;
  ASSIGN_OR_RETURN(std::shared_ptr<const Model> adapted, Model::FromBytes(a.model_bytes));
  ASSIGN_OR_RETURN(a.tone, FitToneToLabels(store, adapted, min_tone_labels));
  char line[256];
  if (a.tone) {
    const ToneFit& t = *a.tone;
    a.model_bytes = adapted->Serialize(WithTone(adapted->info().metadata_json, t));
    std::snprintf(line, sizeof(line),
                  "tone thresholds fitted to %d labelled conversations: negative <= %.2f, positive >= %.2f "
                  "(macro-F1 %.4f with the model's, %.4f cross-validated)\n",
                  t.labels, t.negative_below, t.positive_above, t.before.macro_f1, t.cross_validated_f1);
  } else {
    std::snprintf(line, sizeof(line), "tone thresholds kept: fewer than %d labelled conversations\n", min_tone_labels);
  }
  if (log != nullptr) *log << line;
  return a;
}

namespace {

nlohmann::json ReportJson(const AdaptReport& r) {
  using json = nlohmann::json;
  auto figures = [](const AdaptFigures& f) { return json{{"macro_f1", f.macro_f1}, {"share_error", f.share_error}}; };
  json guard = json::array();
  for (const GuardFigures& g : r.guard) guard.push_back({{"file", g.file}, {"before", g.before}, {"after", g.after}});
  return {{"labels", r.labels}, {"before", figures(r.before)}, {"after", figures(r.after)}, {"weight", r.weight},
          {"guard", guard}, {"kept", r.kept}, {"reason", r.reason}};
}

std::string ReportText(const AdaptReport& r, int folds) {
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "on %d held-out folds of %lld labelled messages:\n  before: macro-F1 %.4f, negative share off by %.1f "
                "points\n  after:  macro-F1 %.4f, negative share off by %.1f points (their weight %.2g)\n",
                folds, static_cast<long long>(r.labels), r.before.macro_f1, 100 * r.before.share_error,
                r.after.macro_f1, 100 * r.after.share_error, r.weight);
  std::string out = buf;
  for (const GuardFigures& g : r.guard) {
    std::snprintf(buf, sizeof(buf), "  dev %s: macro-F1 %.4f without the labels, %.4f with them\n", g.file.c_str(),
                  g.before, g.after);
    out += buf;
  }
  if (!r.kept && !r.reason.empty()) out += "  not kept: " + r.reason + "\n";
  return out;
}

}  // namespace

std::string StoreAdaptationToJson(const StoreAdaptation& a) {
  using json = nlohmann::json;
  const AdaptReport& r = a.report;
  json tone;  // null: kept as they were
  if (a.tone) {
    const ToneFit& t = *a.tone;
    tone = {{"labels", t.labels}, {"negative_below", t.negative_below}, {"positive_above", t.positive_above},
            {"macro_f1_before", t.before.macro_f1}, {"macro_f1_cross_validated", t.cross_validated_f1}};
  }
  // The English model's figures at the top, as before; each other
  // language's under "languages".
  json out = ReportJson(r);
  out["other_languages"] = r.other_languages;
  json languages = json::object();
  for (const auto& [code, lr] : a.languages) languages[code] = ReportJson(lr);
  out["languages"] = languages;
  out["written"] = !a.model_bytes.empty();
  out["tone"] = tone;
  return out.dump();
}

std::string StoreAdaptationToText(const StoreAdaptation& a) {
  const AdaptReport& r = a.report;
  // English not tried (too few labels in it): its reason alone.
  std::string out = r.labels == 0 && !r.kept ? "English: not adapted: " + r.reason + "\n" : "English: " + ReportText(r, a.folds);
  for (const auto& [code, n] : r.other_languages) {
    const auto it = a.languages.find(code);
    char buf[256];
    std::snprintf(buf, sizeof(buf), "%s: %lld labelled messages, scored by that language's own model", code.c_str(),
                  static_cast<long long>(n));
    out += buf;
    out += it == a.languages.end() ? ": too few to retrain it, left out\n" : ", retrained " + ReportText(it->second, a.folds);
  }
  return out;
}

}  // namespace convsent
