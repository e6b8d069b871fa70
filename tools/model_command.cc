// convsent model info: what a model file is and how it was made; model
// upgrade: a model file in this build's format; model bundle: an English
// model with its own models of other languages. model adapt is in
// model_adapt_command.cc.
#include "tools/commands.h"

namespace convsent::cli {
namespace {

struct ModelFlags {
  std::string model;
  std::vector<std::string> languages;  // bundle: the other languages' model files
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

// One file of an English model and models of other languages (trained with
// `convsent train --lang`, or adapted), which take the compiled-in ones'
// place wherever the file is used.
int RunBundle(const ModelFlags& flags) {
  auto english = Model::Load(flags.model, /*with_languages=*/false);
  if (!english.ok()) return std::fprintf(stderr, "convsent model bundle: %s\n", english.status().ToString().c_str()), kExitFailure;
  std::vector<std::string> others;
  for (const std::string& path : flags.languages) {
    auto other = Model::Load(path, /*with_languages=*/false);
    if (!other.ok()) return std::fprintf(stderr, "convsent model bundle: %s\n", other.status().ToString().c_str()), kExitFailure;
    others.push_back((*other)->Serialize((*other)->info().metadata_json));
  }
  // The English file's own main model (a bundle given first keeps none of
  // its carried models: those named here are the file's).
  auto bytes = Model::Bundle((*english)->Serialize((*english)->info().metadata_json, /*with_bundled=*/false), others);
  if (!bytes.ok()) return std::fprintf(stderr, "convsent model bundle: %s\n", bytes.status().message().c_str()), kExitFailure;
  if (Status s = WriteFileAtomically(flags.out, *bytes); !s.ok()) {
    return std::fprintf(stderr, "convsent model bundle: %s\n", s.message().c_str()), kExitFailure;
  }
  auto again = Model::Load(flags.out);
  if (!again.ok()) return std::fprintf(stderr, "convsent model bundle: %s\n", again.status().message().c_str()), kExitFailure;
  std::string carried;
  for (Language l : (*again)->bundled_languages()) carried += std::string(carried.empty() ? "" : ", ") + std::string(LanguageCode(l));
  std::printf("wrote %s: %s, with its own %s\n", flags.out.c_str(), (*again)->info().version.c_str(), carried.c_str());
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
  Command* bundle = cmd->add_subcommand(
      "bundle", "Write one file of an English model and your own models of other languages (they replace the built-in ones)");
  bundle->add_option("model", flags->model, "The English model file")->required();
  bundle->add_option("languages", flags->languages, "Model files of other languages (convsent train --lang)")->required();
  bundle->add_option("-o,--output", flags->out, "Where to write it")->required();
  bundle->callback([flags, exit_code] { *exit_code = RunBundle(*flags); });
  AddModelAdaptCommand(*cmd, exit_code);
}

}  // namespace convsent::cli
