// A trained message model: what convsent scores with.
//
// A model file is a versioned format: a header (format, tokenizer and hash
// versions, training metadata, a content hash) followed by the learned
// tables. Load() verifies all of it and refuses a file it cannot read
// exactly. The default model is embedded in the binary; Load() reads another.
//
// Thread safety: a loaded Model is immutable; share one across threads.
#ifndef CONVSENT_MODEL_H_
#define CONVSENT_MODEL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/language.h"
#include "convsent/status.h"

namespace convsent {

inline constexpr uint32_t kModelFormatVersion = 2;  // 2: the hash covers the header too

struct ModelInfo {
  std::string version;          // e.g. "convsent-msg-1+3fa2c1d0": name, major, content hash
  uint32_t format_version = 0;
  uint32_t tokenizer_version = 0;
  uint32_t hash_version = 0;
  uint32_t num_buckets = 0;
  uint32_t lexicon_entries = 0;
  uint64_t content_hash = 0;
  std::string metadata_json;    // training data, options, dev figures
  size_t file_bytes = 0;
  Language language = Language::kEnglish;  // what it was trained to read
};

class ModelData;  // the tables, internal
class LanguageIdentifier;

// What a model is for. Messages in a conversation (ingest, import, the
// server) are scored by a model that also reads the turns before them;
// lone lines (`convsent score`, `eval` on TSV files) by one trained on the
// same data read line by line. Learned jointly, the dialogue features moved
// how lone text scores: better on every dev split, but one test set of
// reviews fell below its baseline (docs/scorer.md). So each use ships its
// own model.
enum class ModelUse { kMessages, kConversations };

// Languages: an English model (the shipped ones, an adapted one, one
// trained with `convsent train`) comes with the language identifier and the
// models of the other languages compiled into this binary
// (docs/languages.md), unless asked for alone. It then scores each message
// with the model of the message's language; its version covers all of
// them, so a change to any is a method change.
//
// A model file may carry its own models of some other languages (a
// bundle: `model adapt` writes one when a team's labels retrain a
// language's model); those take the place of the compiled-in ones.
class Model {
 public:
  // Reads and verifies a model file.
  static Result<std::shared_ptr<const Model>> Load(const std::string& path, bool with_languages = true);
  // Parses a model held in memory (copied).
  static Result<std::shared_ptr<const Model>> FromBytes(std::string_view bytes, bool with_languages = true);
  // The model compiled into this binary for `use`.
  static Result<std::shared_ptr<const Model>> Embedded(ModelUse use = ModelUse::kMessages, bool with_languages = true);

  explicit Model(std::unique_ptr<ModelData> data);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const { return info_; }
  const ModelData& data() const { return *data_; }
  // The model file again, in this build's format, with `metadata_json`
  // (which must hold "name" and "version"): the same tables, a new hash;
  // with the models of other languages the file carried, if any (unless
  // `with_bundled` is false).
  std::string Serialize(const std::string& metadata_json, bool with_bundled = true) const;
  // One file of an English model and its own models of other languages
  // (each a model file of a distinct language): what Load reads back.
  static Result<std::string> Bundle(std::string_view english, const std::vector<std::string>& languages);
  // The models of other languages this model's file carried (not the
  // binary's), as their files.
  struct BundledFile {
    Language language;
    std::string file;
  };
  const std::vector<BundledFile>& bundled() const { return bundled_; }
  std::vector<Language> bundled_languages() const;

  // Tells a message's language; null for a model of one language.
  const LanguageIdentifier* identifier() const { return identifier_.get(); }
  // The model that scores messages in `language`: another language's, or
  // null when this model scores them itself (its own language, und, and
  // any language it has no model for).
  const std::shared_ptr<const Model>& ForLanguage(Language language) const {
    return others_[static_cast<size_t>(language)];
  }
  // Every language it scores with a model of that language: its own first.
  std::vector<Language> languages() const;

 private:
  static std::shared_ptr<const Model> WithLanguages(std::unique_ptr<ModelData> data, bool with_languages,
                                                    std::vector<std::shared_ptr<const Model>> bundled = {},
                                                    std::vector<BundledFile> bundled_files = {});

  std::shared_ptr<const ModelData> data_;
  std::vector<BundledFile> bundled_;
  ModelInfo info_;
  std::shared_ptr<const LanguageIdentifier> identifier_;
  std::array<std::shared_ptr<const Model>, kNumLanguages> others_;
};

// What `convsent model info` says of a model: its header, how it was
// trained, and the languages it scores with their models' dev figures.
// `source` names where it was read from ("embedded" or a path).
std::string ModelInfoToJson(const std::shared_ptr<const Model>& model, const std::string& source);
std::string ModelInfoToText(const std::shared_ptr<const Model>& model, const std::string& source);

}  // namespace convsent

#endif  // CONVSENT_MODEL_H_
