// convsent model info: what a model file is and how it was made; model
// upgrade: a model file in this build's format. model adapt is in
// model_adapt_command.cc.
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "model/model_data.h"
#include "convsent/langid.h"
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
  const ModelInfo& i = model->info();
  nlohmann::json meta = nlohmann::json::parse(i.metadata_json, nullptr, false);
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(i.content_hash));
  nlohmann::json out = {{"version", i.version},
                        {"source", flags.model.empty() ? "embedded" : flags.model},
                        {"format_version", i.format_version},
                        {"tokenizer_version", i.tokenizer_version},
                        {"hash_version", i.hash_version},
                        {"buckets", i.num_buckets},
                        {"lexicon_entries", i.lexicon_entries},
                        {"content_hash", hash},
                        {"reads_context", Scorer(model).reads_context()},
                        {"bytes", i.file_bytes},
                        {"language", LanguageCode(i.language)},
                        {"metadata", meta}};
  // The languages it scores, each with its model and that model's dev figures.
  nlohmann::json languages = nlohmann::json::array();
  for (Language language : model->languages()) {
    const Model& by = model->ForLanguage(language) ? *model->ForLanguage(language) : *model;
    nlohmann::json m = nlohmann::json::parse(by.info().metadata_json, nullptr, false);
    nlohmann::json dev = m.is_object() ? m.value("dev", nlohmann::json::array()) : nlohmann::json::array();
    languages.push_back({{"language", LanguageCode(language)},
                         {"name", LanguageName(language)},
                         {"model", by.info().version},
                         {"dev", dev}});
  }
  out["languages"] = languages;
  if (model->identifier()) {
    char id_hash[17];
    std::snprintf(id_hash, sizeof(id_hash), "%016llx",
                  static_cast<unsigned long long>(model->identifier()->content_hash()));
    out["language_identifier"] = {{"content_hash", id_hash}};
  }
  if (flags.json) {
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("model            %s\n", i.version.c_str());
  std::printf("source           %s\n", out["source"].get<std::string>().c_str());
  std::printf("format version   %u   tokenizer v%u   hash v%u\n", i.format_version, i.tokenizer_version, i.hash_version);
  std::printf("buckets          %u   lexicon entries %u   size %zu bytes\n", i.num_buckets, i.lexicon_entries,
              i.file_bytes);
  std::printf("content hash     %s (XXH3-64)\n", hash);
  std::printf("reads context    %s\n", out["reads_context"].get<bool>() ? "yes: scores each turn with the turns before it"
                                                                         : "no: every message alone");
  if (meta.is_object()) {
    std::printf("method           %s\n", meta.value("method", std::string("?")).c_str());
    for (const auto& t : meta.value("train", nlohmann::json::array())) {
      std::printf("trained on       %s (%d rows, weight %.2f)\n", t.value("file", std::string()).c_str(),
                  t.value("rows", 0), t.value("weight", 1.0));
    }
    for (const auto& l : meta.value("lexicons", nlohmann::json::array())) {
      std::printf("lexicon          %s (%d entries)\n", l.value("file", std::string()).c_str(), l.value("entries", 0));
    }
    if (meta.contains("options")) std::printf("options          %s\n", meta["options"].dump().c_str());
    for (const auto& d : meta.value("dev", nlohmann::json::array())) {
      std::printf("dev              %s: macro-F1 %.4f, macro-recall %.4f, ECE %.4f\n",
                  d.value("file", std::string()).c_str(), d.value("macro_f1", 0.0), d.value("macro_recall", 0.0),
                  d.value("ece", 0.0));
    }
  }
  if (languages.size() > 1) {
    std::printf("languages        identified per message (identifier %s); the others' models:\n",
                out["language_identifier"]["content_hash"].get<std::string>().c_str());
    for (size_t k = 1; k < languages.size(); ++k) {
      const auto& l = languages[k];
      std::string figures;
      for (const auto& d : l["dev"]) {
        char f[64];
        std::snprintf(f, sizeof(f), "dev macro-F1 %.4f", d.value("macro_f1", 0.0));
        figures = f;
      }
      std::printf("  %-3s %-11s %-26s %s\n", l["language"].get<std::string>().c_str(),
                  l["name"].get<std::string>().c_str(), l["model"].get<std::string>().c_str(), figures.c_str());
    }
  }
  return kExitOk;
}

// Writes a model file again in this build's format (the same tables and
// metadata; the version string changes with the content hash).
int RunUpgrade(const ModelFlags& flags) {
  auto model = LoadModelOrReport(flags.model);
  if (!model) return kExitFailure;
  const std::string bytes = model->data().Serialize(model->info().metadata_json);
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
