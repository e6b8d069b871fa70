// convsent's entry: registers every command and runs the one named.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "tools/commands.h"

namespace {

#ifndef CONVSENT_NET
// The commands of kNetCommands live in convsent-net, beside this binary:
// convsent hands them over whole, so that every other command starts without
// loading cpp-httplib and OpenSSL. ExecNet replaces this process with
// convsent-net and the same arguments; it returns only when that fails.
int ExecNet(char** argv) {
  std::string self(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  std::string net = "convsent-net";
  if (n > 0) {
    self.resize(static_cast<size_t>(n));
    net = self.substr(0, self.rfind('/') + 1) + net;
    execv(net.c_str(), argv);
  } else {
    execvp(net.c_str(), argv);  // without /proc: look for it on the PATH
  }
  std::fprintf(stderr, "convsent %s: cannot run %s, which serves this command: %s\n", argv[1], net.c_str(),
               std::strerror(errno));
  return convsent::cli::kExitFailure;
}
#endif

}  // namespace

int main(int argc, char** argv) {
#ifndef CONVSENT_NET
  for (const auto& c : convsent::cli::kNetCommands) {
    if (argc > 1 && std::string_view(argv[1]) == c.name) return ExecNet(argv);
  }
#endif
  int exit_code = 0;
  const std::optional<int> not_run = convsent::cli::ParseAndRun(
      argc, argv, "convsent: how customers feel in support conversations, and why", "convsent 0.1.0",
      [&exit_code](convsent::cli::Command& root) {
        convsent::cli::AddDemoCommand(root, &exit_code);
        convsent::cli::AddScoreCommand(root, &exit_code);
        convsent::cli::AddEvalCommand(root, &exit_code);
        convsent::cli::AddTrainCommand(root, &exit_code);
        convsent::cli::AddModelCommand(root, &exit_code);
        convsent::cli::AddToneEvalCommand(root, &exit_code);
        convsent::cli::AddGenerateCommand(root, &exit_code);
        convsent::cli::AddWorkerCommand(root, &exit_code);
        convsent::cli::AddIngestCommand(root, &exit_code);
        convsent::cli::AddShowCommand(root, &exit_code);
        convsent::cli::AddRescoreCommand(root, &exit_code);
        convsent::cli::AddSettingsCommand(root, &exit_code);
        convsent::cli::AddLabelsCommand(root, &exit_code);
        convsent::cli::AddAuditCommand(root, &exit_code);
        convsent::cli::AddReportCommand(root, &exit_code);
#ifdef CONVSENT_NET
        convsent::cli::AddTreeCommand(root, &exit_code);
        convsent::cli::AddAlertsCommand(root, &exit_code);
        convsent::cli::AddInterventionCommand(root, &exit_code);
        convsent::cli::AddDiscoverCommand(root, &exit_code);
        convsent::cli::AddSyncCommand(root, &exit_code);
        convsent::cli::AddServeCommand(root, &exit_code);
        convsent::cli::AddKeysCommand(root, &exit_code);
#else
        // Listed in --help; main() hands them to convsent-net before parsing.
        for (const auto& c : convsent::cli::kNetCommands) root.add_listed(c.name, c.help);
#endif
        convsent::cli::AddImportCommand(root, &exit_code);
      });
  if (not_run) return *not_run;  // --help, --version or a usage error
  // What a command printed must have reached its destination: scores or a
  // report written into a full disk are a failure, not a success.
  if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && exit_code != convsent::cli::kExitFailure) {
    std::fprintf(stderr, "convsent: writing the output failed: %s\n", std::strerror(errno));
    return convsent::cli::kExitFailure;
  }
  return exit_code;
}
