// `convsent train`'s flags for the trainer's options (tools/train_knobs.cc).
#ifndef CONVSENT_TOOLS_TRAIN_KNOBS_H_
#define CONVSENT_TOOLS_TRAIN_KNOBS_H_

#include "convsent/train.h"
#include "tools/cli.h"

namespace convsent::cli {

// Declares a flag for each tuning option of TrainOptions, parsed into *values.
void AddTrainKnobs(Command* cmd, TrainOptions* values);

// Over a recipe's options, the values of the flags the command line gave.
void KeepGivenKnobs(const Command& cmd, const TrainOptions& values, TrainOptions* recipe);

}  // namespace convsent::cli

#endif  // CONVSENT_TOOLS_TRAIN_KNOBS_H_
