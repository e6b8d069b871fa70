// What `convsent model info` says of a model: its header, how it was
// trained (the metadata the trainer wrote) and the languages it scores.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "convsent/langid.h"
#include "convsent/model.h"
#include "convsent/scorer.h"
#include "util/append_format.h"

namespace convsent {
namespace {

using json = nlohmann::json;

std::string Hex(uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

json InfoJson(const std::shared_ptr<const Model>& model, const std::string& source) {
  const ModelInfo& i = model->info();
  json out = {{"version", i.version},
              {"source", source},
              {"format_version", i.format_version},
              {"tokenizer_version", i.tokenizer_version},
              {"hash_version", i.hash_version},
              {"buckets", i.num_buckets},
              {"lexicon_entries", i.lexicon_entries},
              {"content_hash", Hex(i.content_hash)},
              {"reads_context", Scorer(model).reads_context()},
              {"bytes", i.file_bytes},
              {"language", LanguageCode(i.language)},
              {"metadata", json::parse(i.metadata_json, nullptr, false)}};
  // The languages it scores, each with its model and that model's dev figures.
  json languages = json::array();
  const std::vector<Language> bundled = model->bundled_languages();
  for (Language language : model->languages()) {
    const Model& by = model->ForLanguage(language) ? *model->ForLanguage(language) : *model;
    const json m = json::parse(by.info().metadata_json, nullptr, false);
    const bool own = language == i.language || std::find(bundled.begin(), bundled.end(), language) != bundled.end();
    languages.push_back({{"language", LanguageCode(language)},
                         {"name", LanguageName(language)},
                         {"model", by.info().version},
                         {"from", own ? "this file" : "built in"},
                         {"dev", m.is_object() ? m.value("dev", json::array()) : json::array()}});
  }
  out["languages"] = languages;
  if (model->identifier()) out["language_identifier"] = {{"content_hash", Hex(model->identifier()->content_hash())}};
  return out;
}

}  // namespace

std::string ModelInfoToJson(const std::shared_ptr<const Model>& model, const std::string& source) {
  return InfoJson(model, source).dump(2);
}

std::string ModelInfoToText(const std::shared_ptr<const Model>& model, const std::string& source) {
  const ModelInfo& i = model->info();
  const json info = InfoJson(model, source);
  std::string out;
  AppendFormat(&out, "model            %s\n", i.version.c_str());
  AppendFormat(&out, "source           %s\n", source.c_str());
  AppendFormat(&out, "format version   %u   tokenizer v%u   hash v%u\n", i.format_version, i.tokenizer_version,
         i.hash_version);
  AppendFormat(&out, "buckets          %u   lexicon entries %u   size %zu bytes\n", i.num_buckets, i.lexicon_entries,
         i.file_bytes);
  AppendFormat(&out, "content hash     %s (XXH3-64)\n", Hex(i.content_hash).c_str());
  AppendFormat(&out, "reads context    %s\n", info["reads_context"].get<bool>() ? "yes: scores each turn with the turns before it"
                                                                         : "no: every message alone");
  if (const json& meta = info["metadata"]; meta.is_object()) {
    AppendFormat(&out, "method           %s\n", meta.value("method", std::string("?")).c_str());
    for (const auto& t : meta.value("train", json::array())) {
      AppendFormat(&out, "trained on       %s (%d rows, weight %.2f", t.value("file", std::string()).c_str(),
             t.value("rows", 0), t.value("weight", 1.0));
      if (t.contains("balance_power")) AppendFormat(&out, ", class balance %.2f", t["balance_power"].get<double>());
      out += ")\n";
    }
    for (const auto& l : meta.value("lexicons", json::array())) {
      AppendFormat(&out, "lexicon          %s (%d entries)\n", l.value("file", std::string()).c_str(), l.value("entries", 0));
    }
    if (const auto v = meta.find("word_vectors"); v != meta.end() && v->is_object()) {
      AppendFormat(&out, "word vectors     %s (%d words of %d dimensions; %d words training did not teach given weights)\n",
                   v->value("file", std::string()).c_str(), v->value("words", 0), v->value("dimensions", 0),
                   v->value("words_given_weights", 0));
    }
    if (meta.contains("options")) out += "options          " + meta["options"].dump() + "\n";
    for (const auto& d : meta.value("dev", json::array())) {
      AppendFormat(&out, "dev              %s: macro-F1 %.4f, macro-recall %.4f, ECE %.4f\n",
             d.value("file", std::string()).c_str(), d.value("macro_f1", 0.0), d.value("macro_recall", 0.0),
             d.value("ece", 0.0));
    }
  }
  const json& languages = info["languages"];
  if (languages.size() > 1) {
    AppendFormat(&out, "languages        identified per message (identifier %s); the others' models:\n",
           info["language_identifier"]["content_hash"].get<std::string>().c_str());
    for (size_t k = 1; k < languages.size(); ++k) {
      const auto& l = languages[k];
      std::string figures;
      for (const auto& d : l["dev"]) {
        figures.clear();
        AppendFormat(&figures, "dev macro-F1 %.4f", d.value("macro_f1", 0.0));
      }
      if (l["from"] == "this file") figures += figures.empty() ? "this file's own" : "; this file's own";
      AppendFormat(&out, "  %-3s %-11s %-26s %s\n", l["language"].get<std::string>().c_str(),
             l["name"].get<std::string>().c_str(), l["model"].get<std::string>().c_str(), figures.c_str());
    }
  }
  return out;
}

}  // namespace convsent
