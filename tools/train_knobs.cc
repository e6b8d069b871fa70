// The trainer's tuning knobs (TrainOptions) as flags of `convsent train`.
// Each is listed once, so a flag and the copy of its value over the recipe
// cannot drift apart.
#include <type_traits>

#include "tools/train_knobs.h"

namespace convsent::cli {
namespace {

template <typename F>
void ForEachKnob(F&& knob) {
  knob("!--no-dialogue-context", &TrainOptions::dialogue_context,
       "Do not learn the dialogue features from conversations files: every turn read alone");
  knob("--bucket-bits", &TrainOptions::bucket_bits, "log2 of hash buckets (default 18)");
  knob("--char-ngrams,!--no-char-ngrams", &TrainOptions::char_ngrams, "Character 3-4-gram features");
  knob("--char-trigrams,!--no-char-trigrams", &TrainOptions::char_trigrams,
       "With character grams, 3-grams beside the 4-grams (default on; the other languages' recipe: off)");
  knob("--function-word-context,!--no-function-word-context", &TrainOptions::function_word_context,
       "Function words and punctuation count only inside bigrams, never alone (default on)");
  knob("--length-normalize,!--no-length-normalize", &TrainOptions::length_normalize,
       "Scale sparse features by message length (default on)");
  knob("--lexicon-examples", &TrainOptions::lexicon_examples,
       "Weight of lexicon entries as one-word examples (default 0.5; 0 turns it off)");
  knob("--balance-power", &TrainOptions::balance_power,
       "Class balancing within a file: 1 equal shares, 0 none (default 0.85)");
  knob("--min-count", &TrainOptions::min_count, "Occurrences a feature needs to be kept (default 2)");
  knob("--epochs", &TrainOptions::epochs, "Passes over the data (default 12)");
  knob("--fits", &TrainOptions::fits,
       "Fits averaged into the model, each holding out its own slice for calibration (default 4)");
  knob("--lexicon-warmup", &TrainOptions::lexicon_warmup_epochs,
       "Epochs fitting only the lexicon and shape features, before the words (default 1)");
  knob("--learning-rate", &TrainOptions::learning_rate, "AdaGrad learning rate (default 0.05)");
  knob("--l2", &TrainOptions::l2, "L2 penalty (default 1e-3)");
  knob("--word-vectors", &TrainOptions::word_vectors,
       "Word vectors in GloVe's text format: words the training text never used get the weights of their "
       "neighbours (default none)");
  knob("--word-vector-scale", &TrainOptions::word_vector_scale,
       "How much of their neighbours' weight such words get (default 3)");
  knob("--seed", &TrainOptions::seed, "Random seed (default 1)");
  knob("--version-tag", &TrainOptions::version, "Model version recorded in the file (default 1)");
}

// The name a knob is asked about: its first, without CLI11's "!" (negation).
std::string FirstName(const char* names) {
  std::string name(names);
  name = name.substr(0, name.find(','));
  return name[0] == '!' ? name.substr(1) : name;
}

}  // namespace

void AddTrainKnobs(Command* cmd, TrainOptions* values) {
  ForEachKnob([&](const char* names, auto member, const char* help) {
    if constexpr (std::is_same_v<std::remove_reference_t<decltype(values->*member)>, bool>) {
      cmd->add_flag(names, values->*member, help);
    } else {
      cmd->add_option(names, values->*member, help);
    }
  });
}

void KeepGivenKnobs(const Command& cmd, const TrainOptions& values, TrainOptions* recipe) {
  ForEachKnob([&](const char* names, auto member, const char*) {
    if (cmd.given(FirstName(names))) recipe->*member = values.*member;
  });
}

}  // namespace convsent::cli
