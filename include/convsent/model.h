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

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
};

class ModelData;  // the tables, internal

// What a model is for. Messages in a conversation (ingest, import, the
// server) are scored by a model that also reads the turns before them;
// lone lines (`convsent score`, `eval` on TSV files) by one trained on the
// same data read line by line. Learned jointly, the dialogue features moved
// how lone text scores: better on every dev split, but one test set of
// reviews fell below its baseline (docs/scorer.md). So each use ships its
// own model.
enum class ModelUse { kMessages, kConversations };

class Model {
 public:
  // Reads and verifies a model file.
  static Result<std::shared_ptr<const Model>> Load(const std::string& path);
  // Parses a model held in memory (copied).
  static Result<std::shared_ptr<const Model>> FromBytes(std::string_view bytes);
  // The model compiled into this binary for `use`.
  static Result<std::shared_ptr<const Model>> Embedded(ModelUse use = ModelUse::kMessages);

  explicit Model(std::unique_ptr<ModelData> data);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const;
  const ModelData& data() const { return *data_; }

 private:
  std::unique_ptr<ModelData> data_;
};

}  // namespace convsent

#endif  // CONVSENT_MODEL_H_
