// convsent generate: the built-in sample with planted causes.
#include <fstream>

#include "convsent/generator.h"
#include "tools/commands.h"

namespace convsent::cli {

void AddGenerateCommand(Command& app, int* exit_code) {
  auto o = std::make_shared<GeneratorOptions>();
  auto output = std::make_shared<std::string>();
  Command* cmd = app.add_subcommand("generate", "Write sample support conversations with planted causes (and FILE.truth.json)");
  cmd->add_option("--conversations", o->conversations, "How many (default 3000)");
  cmd->add_option("--seed", o->seed, "Random seed; the same seed gives the same data (default 1)");
  cmd->add_option("--days", o->days, "Span in days (default 56)");
  cmd->add_option("--start", o->start, "First day (default 2026-09-07)");
  cmd->add_option("-o,--output", *output, "JSON Lines file to write")->required();
  cmd->callback([o, output, exit_code] {
    // Write beside and rename, so a crash never leaves half a sample.
    const std::string tmp = *output + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::fprintf(stderr, "convsent generate: cannot write %s\n", tmp.c_str());
      *exit_code = kExitFailure;
      return;
    }
    auto truth = GenerateConversations(*o, out);
    out.close();
    if (!truth.ok() || !out) {
      std::fprintf(stderr, "convsent generate: %s\n", truth.ok() ? "write failed" : truth.status().ToString().c_str());
      std::remove(tmp.c_str());
      // Bad options are a usage error; anything else (a full disk) is a failure.
      *exit_code = !truth.ok() && truth.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
      return;
    }
    std::ofstream truth_file(*output + ".truth.json");
    truth_file << *truth << "\n";
    truth_file.close();
    if (!truth_file) {
      std::fprintf(stderr, "convsent generate: cannot write %s.truth.json\n", output->c_str());
      std::remove(tmp.c_str());
      *exit_code = kExitFailure;
      return;
    }
    if (std::rename(tmp.c_str(), output->c_str()) != 0) {
      std::fprintf(stderr, "convsent generate: cannot rename %s\n", tmp.c_str());
      *exit_code = kExitFailure;
      return;
    }
    std::printf("wrote %lld conversations to %s and the planted truth to %s.truth.json\n",
                static_cast<long long>(o->conversations), output->c_str(), output->c_str());
    *exit_code = kExitOk;
  });
}

}  // namespace convsent::cli
