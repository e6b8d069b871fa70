// convsent's entry: registers every command and runs the one named.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

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
  CLI::App app{"convsent: how customers feel in support conversations, and why"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "convsent 0.1.0");
  int exit_code = 0;
  convsent::cli::Command root(&app);
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
  convsent::cli::AddServeCommands(root, &exit_code);
#else
  // Listed in --help; main() hands them to convsent-net before parsing.
  for (const auto& c : convsent::cli::kNetCommands) app.add_subcommand(c.name, c.help)->allow_extras();
#endif
  convsent::cli::AddImportCommand(root, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : convsent::cli::kExitUsage;
  }
  // What a command printed must have reached its destination: scores or a
  // report written into a full disk are a failure, not a success.
  if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && exit_code != convsent::cli::kExitFailure) {
    std::fprintf(stderr, "convsent: writing the output failed: %s\n", std::strerror(errno));
    return convsent::cli::kExitFailure;
  }
  return exit_code;
}
