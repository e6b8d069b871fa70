#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {

std::shared_ptr<const Model> LoadModelOrReport(const std::string& path, ModelUse use) {
  auto model = path.empty() ? Model::Embedded(use) : Model::Load(path);
  if (!model.ok()) {
    std::fprintf(stderr, "convsent: %s\n", model.status().ToString().c_str());
    return nullptr;
  }
  return *model;
}

bool ParseModelUse(const char* command, const std::string& name, ModelUse* use) {
  if (name == "messages") *use = ModelUse::kMessages;
  else if (name == "conversations") *use = ModelUse::kConversations;
  else return std::fprintf(stderr, "convsent %s: --for %s: not messages or conversations\n", command, name.c_str()), false;
  return true;
}

bool ParseLangFlag(const char* command, const std::string& value, std::optional<Language>* language) {
  Language parsed;
  if (value == "auto") {
    language->reset();
  } else if (ParseLanguage(value, &parsed) && parsed != Language::kUnd) {
    *language = parsed;
  } else {
    std::fprintf(stderr, "convsent %s: --lang %s: not auto or one of ar, de, en, es, fr, hi, it, pt\n", command,
                 value.c_str());
    return false;
  }
  return true;
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::IoError("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
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
    if (!ParseSegmentFilter(w, &out->emplace_back())) {
      std::fprintf(stderr, "convsent %s: %s %s: expected KEY=VALUE (channel, topic, team, tag or an attribute)\n", cmd,
                   flag, w.c_str());
      return false;
    }
  }
  return true;
}

std::optional<TreeConfig> LoadTreeConfigOrReport(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    const char* env = std::getenv("CONVSENT_TREE");
    if (env && *env)
      file = env;
    else if (std::filesystem::exists("convsent-tree.yaml"))
      file = "convsent-tree.yaml";
  }
  std::string text;
  if (file.empty()) {
    text = std::string(DefaultTreeYaml());
    file = "(default tree)";
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "convsent: cannot read tree config %s\n", file.c_str());
      return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  auto config = ParseTreeConfig(text, file);
  if (!config.ok()) {
    std::fprintf(stderr, "convsent: %s\n", config.status().message().c_str());
    return std::nullopt;
  }
  return std::move(*config);
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
