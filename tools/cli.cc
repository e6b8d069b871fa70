#include "tools/cli.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <deque>
#include <vector>

namespace convsent::cli {
namespace {

// The declared commands and options live as long as the process: the
// command line is parsed once.
template <typename T>
T* Keep(T value) {
  static auto* kept = new std::deque<T>;
  kept->push_back(std::move(value));
  return &kept->back();
}

}  // namespace

Option* Option::required() {
  option_->required();
  return this;
}

bool Command::given(const std::string& name) const { return app_->count(name) > 0; }

Command* Command::add_subcommand(const std::string& name, const std::string& help) {
  return Keep(Command(app_->add_subcommand(name, help)));
}

template <typename T>
Option* Command::add_option(const std::string& name, T& into, const std::string& help) {
  return Keep(Option(app_->add_option(name, into, help)));
}
template Option* Command::add_option(const std::string&, std::string&, const std::string&);
template Option* Command::add_option(const std::string&, int&, const std::string&);
template Option* Command::add_option(const std::string&, int64_t&, const std::string&);
template Option* Command::add_option(const std::string&, uint64_t&, const std::string&);
template Option* Command::add_option(const std::string&, double&, const std::string&);
template Option* Command::add_option(const std::string&, std::vector<std::string>&, const std::string&);
template Option* Command::add_option(const std::string&, std::vector<double>&, const std::string&);

Option* Command::add_flag(const std::string& name, bool& into, const std::string& help) {
  return Keep(Option(app_->add_flag(name, into, help)));
}

void Command::callback(std::function<void()> fn) { app_->callback(std::move(fn)); }

void Command::require_subcommand(int n) { app_->require_subcommand(n); }

void Command::add_listed(const std::string& name, const std::string& help) {
  app_->add_subcommand(name, help)->allow_extras();
}

std::optional<int> ParseAndRun(int argc, char** argv, const std::string& description, const std::string& version,
                               const std::function<void(Command& root)>& add) {
  CLI::App app{description};
  app.require_subcommand(1);
  app.set_version_flag("--version", version);
  Command root(&app);
  add(root);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return std::nullopt;
}

bool Command::got_subcommand(const std::string& name) const { return app_->got_subcommand(name); }

}  // namespace convsent::cli
