// convsent model info: what a model file is and how it was made; model
// upgrade: a model file in this build's format. model adapt is in
// model_adapt_command.cc.
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ModelFlags {
  std::string model;
  std::string out;
  bool json = false;
  std::string use = "messages";  // info: which embedded model
};

int RunInfo(const ModelFlags& flags) {
  ModelUse use;
  if (!ParseModelUse("model info", flags.use, &use)) return kExitUsage;
  auto model = LoadModelOrReport(flags.model, use);
  if (!model) return kExitFailure;
  const std::string source = flags.model.empty() ? "embedded" : flags.model;
  const std::string out = flags.json ? ModelInfoToJson(model, source) + "\n" : ModelInfoToText(model, source);
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

// Writes a model file again in this build's format (the same tables and
// metadata; the version string changes with the content hash).
int RunUpgrade(const ModelFlags& flags) {
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  const std::string bytes = model->Serialize(model->info().metadata_json);
  if (Status s = WriteFileAtomically(flags.out, bytes); !s.ok()) {
    std::fprintf(stderr, "convsent model upgrade: %s\n", s.message().c_str());
    return kExitFailure;
  }
  auto again = Model::Load(flags.out);
  if (!again.ok()) {
    std::fprintf(stderr, "convsent model upgrade: %s\n", again.status().message().c_str());
    return kExitFailure;
  }
  std::printf("%s (format %u) -> %s: %s (format %u)\n", model->info().version.c_str(), model->info().format_version,
              flags.out.c_str(), (*again)->info().version.c_str(), (*again)->info().format_version);
  return kExitOk;
}

}  // namespace

void AddModelCommand(Command& app, int* exit_code) {
  auto flags = std::make_shared<ModelFlags>();
  Command* cmd = app.add_subcommand("model", "Inspect a model");
  cmd->require_subcommand(1);
  Command* info = cmd->add_subcommand("info", "Print a model's header, training data and options");
  info->add_option("--model", flags->model, "Model file (default: the embedded model of --for)");
  info->add_option("--for", flags->use, "Which embedded model: messages (lone lines, the default) or conversations");
  info->add_flag("--json", flags->json, "Print JSON");
  info->callback([flags, exit_code] { *exit_code = RunInfo(*flags); });
  Command* upgrade = cmd->add_subcommand("upgrade", "Write a model file again in this build's format");
  upgrade->add_option("model", flags->model, "Model file")->required();
  upgrade->add_option("-o,--output", flags->out, "Where to write it")->required();
  upgrade->callback([flags, exit_code] { *exit_code = RunUpgrade(*flags); });
  AddModelAdaptCommand(*cmd, exit_code);
}

}  // namespace convsent::cli
