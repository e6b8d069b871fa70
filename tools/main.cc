#include <climits>
#include <cstdint>
#include <cstdio>

#include "tools/commands.h"

namespace convsent::cli {

std::shared_ptr<const Model> LoadModelOrReport(const std::string& path) {
  auto model = path.empty() ? Model::Embedded() : Model::Load(path);
  if (!model.ok()) {
    std::fprintf(stderr, "convsent: %s\n", model.status().ToString().c_str());
    return nullptr;
  }
  return *model;
}

bool ParseRangeOrReport(const std::string& from, const std::string& to, int64_t* from_ms, int64_t* to_ms,
                        const char* cmd) {
  *from_ms = INT64_MIN, *to_ms = INT64_MAX;
  if (!from.empty() && !ParseTime(from, from_ms)) {
    std::fprintf(stderr, "convsent %s: --from %s: not a date (YYYY-MM-DD or RFC 3339)\n", cmd, from.c_str());
    return false;
  }
  if (!to.empty() && !ParseTime(to, to_ms)) {
    std::fprintf(stderr, "convsent %s: --to %s: not a date (YYYY-MM-DD or RFC 3339)\n", cmd, to.c_str());
    return false;
  }
  return true;
}

bool ParseWhereOrReport(const std::vector<std::string>& in, std::vector<std::pair<std::string, std::string>>* out,
                        const char* cmd, const char* flag) {
  for (const auto& w : in) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "convsent %s: %s %s: expected KEY=VALUE (channel, topic, team, tag or an attribute)\n", cmd,
                   flag, w.c_str());
      return false;
    }
    out->emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  return true;
}

std::unique_ptr<Store> OpenStoreOrReport(const std::string& location) {
  auto store = Store::Open(location.empty() ? DefaultStoreLocation() : location);
  if (!store.ok()) {
    std::fprintf(stderr, "convsent: %s\n", store.status().ToString().c_str());
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace convsent::cli

int main(int argc, char** argv) {
  CLI::App app{"convsent: how customers feel in support conversations, and why"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "convsent 0.1.0");
  int exit_code = 0;
  convsent::cli::AddDemoCommand(app, &exit_code);
  convsent::cli::AddScoreCommand(app, &exit_code);
  convsent::cli::AddEvalCommand(app, &exit_code);
  convsent::cli::AddTrainCommand(app, &exit_code);
  convsent::cli::AddModelCommand(app, &exit_code);
  convsent::cli::AddToneEvalCommand(app, &exit_code);
  convsent::cli::AddGenerateCommand(app, &exit_code);
  convsent::cli::AddStoreCommands(app, &exit_code);
  convsent::cli::AddReportCommand(app, &exit_code);
  convsent::cli::AddTreeCommands(app, &exit_code);
  convsent::cli::AddServeCommands(app, &exit_code);
  convsent::cli::AddImportCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : convsent::cli::kExitUsage;
  }
  return exit_code;
}
