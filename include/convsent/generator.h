// The built-in sample: realistic support conversations with planted causes
// that the report and the metric tree must find. What was planted is
// returned as JSON, the truth that tests check against.
//
// The same options give byte-identical output on every platform: the
// generator uses its own random number generator and no std distributions.
#ifndef CONVSENT_GENERATOR_H_
#define CONVSENT_GENERATOR_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "convsent/status.h"

namespace convsent {

struct GeneratorOptions {
  int64_t conversations = 3000;
  uint64_t seed = 1;
  int days = 56;                         // eight weeks
  std::string start = "2026-09-07";      // a Monday
};

// Writes JSON Lines to `out` and returns the truth JSON.
Result<std::string> GenerateConversations(const GeneratorOptions& options, std::ostream& out);

}  // namespace convsent

#endif  // CONVSENT_GENERATOR_H_
