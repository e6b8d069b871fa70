// Labeled data and the measures of how well a scorer agrees with it.
//
// Macro averages are taken over the classes that occur in the gold labels:
// on a binary set (no neutral gold) a predicted neutral is simply wrong, and
// neutral's undefined F1 does not drag the average down. This matches how
// ../shared/baselines.md scores uci_sentences.
#ifndef CONVSENT_EVAL_H_
#define CONVSENT_EVAL_H_

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/rollup.h"
#include "convsent/scorer.h"
#include "convsent/status.h"

namespace convsent {

struct LabeledText {
  Sentiment label = Sentiment::kNeutral;
  std::string text;
  int line = 0;  // 1-based line in its file
};

// Reads a "label<TAB>text" file with a header line (the ../shared/data
// format). Bad lines are skipped and reported in `errors` as file:line.
Result<std::vector<LabeledText>> ReadLabeledTsv(const std::string& path, std::vector<Status>* errors);

// A dialogue people labelled turn by turn (the conversations.jsonl of
// ../shared/data's meld and uss_multiwoz): every turn in order, so that a
// labelled turn can be scored with the turns before it.
struct LabeledTurn {
  std::string speaker;  // "customer", "agent", "speaker_a"...
  std::string text;
  std::optional<Sentiment> label;  // absent: nobody judged this turn (uss_multiwoz's agent turns)
};
struct LabeledConversation {
  std::string id, split;
  std::vector<LabeledTurn> turns;
  std::optional<Sentiment> overall;  // people's judgement of the whole dialogue, where given
  int line = 0;
};

// Reads conversations.jsonl: one {"id", "split", "messages": [{"role",
// "text", "label"}], "overall": {"label"}} per line. With `split` set, only
// that split's conversations are kept. Bad lines are skipped and reported
// in `errors` as file:line with the field.
Result<std::vector<LabeledConversation>> ReadLabeledConversations(const std::string& path, std::string_view split,
                                                                  std::vector<Status>* errors);

// Labelled data as named on a command line: "FILE.tsv", or
// "FILE.jsonl#SPLIT" for one split of a conversations file (its turns are
// then scored in their conversation).
struct DataSpec {
  std::string path, split;
  bool conversations = false;
  std::string Name() const { return conversations ? path + "#" + split : path; }
};
DataSpec ParseDataSpec(std::string_view spec);

// One labelled message, with the context it was scored in.
struct ScoredLabel {
  Sentiment gold = Sentiment::kNeutral;
  MessageScore score;
};
// Scores the labelled turns of `conversations`, each with the turns before
// it (unless `use_context` is false), in order.
std::vector<ScoredLabel> ScoreConversations(const std::vector<LabeledConversation>& conversations, Scorer& scorer,
                                            const ScoreOptions& options, bool use_context = true);
// Writes `conversations` as a conversations file (the format
// ReadLabeledConversations reads), each with split `split`.
Status WriteLabeledConversations(const std::string& path, const std::vector<LabeledConversation>& conversations,
                                 std::string_view split);

// Scores every labelled message of `spec`: a TSV file's lines alone, a
// conversations file's labelled turns in their conversation (unless
// `use_context` is false). Bad lines are reported in `errors`.
Result<std::vector<ScoredLabel>> ScoreLabeledData(const DataSpec& spec, Scorer& scorer, const ScoreOptions& options,
                                                  bool use_context, std::vector<Status>* errors);

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  int support = 0;    // gold count
  int predicted = 0;  // predicted count
};

struct EvalResult {
  int n = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  double macro_recall = 0;
  std::array<ClassMetrics, kNumClasses> per_class{};
  std::array<std::array<int, kNumClasses>, kNumClasses> confusion{};  // [gold][predicted]
};

EvalResult Evaluate(const std::vector<Sentiment>& gold, const std::vector<Sentiment>& predicted);

// How far the share of each class a scorer gives is from people's share,
// predicted minus true, as a fraction (0.05 = 5 points). Two ways to read a
// share off a scorer: count its labels (classify and count), or average its
// probabilities.
struct ShareErrors {
  std::array<double, kNumClasses> count{};
  std::array<double, kNumClasses> mean_probability{};
};

ShareErrors ShareError(const std::vector<Sentiment>& gold, const std::vector<Sentiment>& predicted,
                       const std::vector<std::array<float, kNumClasses>>& probs);

// Expected calibration error of the top-class probability, equal-width bins.
double ExpectedCalibrationError(const std::vector<std::array<float, kNumClasses>>& probs,
                                const std::vector<Sentiment>& gold, int bins = 15);

// What `convsent eval` says of one labelled set (docs in the README's
// "How good and how fast").
struct EvalReport {
  std::string file;   // as named (FILE.jsonl#SPLIT for a conversations file)
  std::string model;  // the version of the model that scored it
  bool in_context = false;  // turns scored with the turns before them
  EvalResult result;
  double ece = 0;
  ShareErrors shares;
  int skipped_lines = 0;
  std::map<std::string, int> languages;  // messages per language code, as scored
};
// The figures of scored labelled messages (`file`, `model` and the rest
// are the caller's to fill).
EvalReport EvaluateScored(const std::vector<ScoredLabel>& rows);
// A set's figures as text; all sets as one JSON document, with the model
// that scored the lone lines.
std::string EvalReportToText(const EvalReport& r);
std::string EvalReportsToJson(const std::string& model, const std::vector<EvalReport>& reports);

// A whole dialogue that people judged: the compounds of its customer's
// messages, in order, and the split it belongs to ("train", "dev", "test").
struct LabeledDialogue {
  std::string split;
  Sentiment gold = Sentiment::kNeutral;
  std::vector<float> customer;
};

// How a tone rule with these thresholds agrees with people on one split.
EvalResult EvaluateTone(const std::vector<LabeledDialogue>& dialogues, std::string_view split, ToneRule rule,
                        float negative_below, float positive_above);

struct ToneChoice {
  float negative_below = 0, positive_above = 0;
  EvalResult result;  // on the split it was chosen on
};
// The thresholds of `rule` that agree best with people on `split`: the best
// macro-F1 over -0.90..0 and 0..0.90 in steps of 0.05, ties going to
// macro-recall, then to the thresholds nearest 0 (docs/conversation-tone.md).
ToneChoice ChooseToneThresholds(const std::vector<LabeledDialogue>& dialogues, std::string_view split, ToneRule rule);

}  // namespace convsent

#endif  // CONVSENT_EVAL_H_
