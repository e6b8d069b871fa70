// How a command declares its flags: a thin front of CLI11 (cli.cc), so
// that CLI11's templates are compiled once (in cli.cc) instead of in every
// command's file, where they took most of its 8-17 s of compile time.
// The names follow CLI11's.
#ifndef CONVSENT_TOOLS_CLI_H_
#define CONVSENT_TOOLS_CLI_H_

#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace convsent::cli {

// An option or flag, once declared.
class Option {
 public:
  explicit Option(CLI::Option* option) : option_(option) {}
  // The command fails with a usage error without it.
  Option* required();

 private:
  CLI::Option* option_;
};

// A command or subcommand.
class Command {
 public:
  explicit Command(CLI::App* app) : app_(app) {}
  Command* add_subcommand(const std::string& name, const std::string& help);
  // `name` is "--long", "-s,--long" or a positional name; `into` receives
  // the value. Defined for std::string, int, int64_t, uint64_t, double and
  // std::vector<std::string> and std::vector<double> (cli.cc).
  template <typename T>
  Option* add_option(const std::string& name, T& into, const std::string& help);
  Option* add_flag(const std::string& name, bool& into, const std::string& help);
  // Runs once the command line is parsed, when this command was given.
  void callback(std::function<void()> fn);
  void require_subcommand(int n);
  // A subcommand listed in --help that takes whatever arguments follow it
  // (one handed to another program before parsing: tools/main.cc).
  void add_listed(const std::string& name, const std::string& help);
  bool got_subcommand(const std::string& name) const;
  // Whether the option or flag named `name` ("--l2") was on the command line.
  bool given(const std::string& name) const;

 private:
  CLI::App* app_;
};

// Parses the command line against the commands `add` declares under the
// root (exactly one of them must be given) and runs the callback of the one
// named: then nullopt. Without a command run, the exit code: 0 after --help
// or --version, 2 after a usage error (which CLI11 has printed).
std::optional<int> ParseAndRun(int argc, char** argv, const std::string& description, const std::string& version,
                               const std::function<void(Command& root)>& add);

}  // namespace convsent::cli

#endif  // CONVSENT_TOOLS_CLI_H_
