// The tables of a message model and their file format. Internal: the public
// face is convsent::Model.
//
// File layout (little-endian), version kModelFormatVersion:
//   0  "CVSNTMDL"           magic
//   8  u32 format_version   12 u32 tokenizer_version   16 u32 hash_version
//   20 u32 feature_flags    24 u32 num_buckets         28 u32 num_dense
//   32 u32 num_lexicon      36 u32 metadata_bytes
//   40 u64 content_hash     XXH3-64 of the 40 bytes before this field and every byte after
//                           it (format 1, still read: of the bytes after it only)
//   48 metadata (JSON), zero-padded to a multiple of 8
//   f32 temperature, f32 weight_scale, f32 bias[3], f32 dense[num_dense][3]
//   num_lexicon x {u64 key, f32 valence, u32 tokens}
//   i16 weights[num_buckets][4]   3 classes (value = q * weight_scale) and
//                                 the owner's check (see FeatureSlot)
#ifndef CONVSENT_SRC_MODEL_MODEL_DATA_H_
#define CONVSENT_SRC_MODEL_MODEL_DATA_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "convsent/model.h"
#include "convsent/status.h"
#include "model/features.h"
#include "model/lexicon.h"

namespace convsent {

class ModelData {
 public:
  ModelInfo info;
  uint32_t feature_flags = 0;
  uint32_t bucket_mask = 0;
  float temperature = 1.0f;
  float weight_scale = 1.0f;
  std::array<float, 3> bias{};
  std::array<std::array<float, 3>, kNumDenseFeatures> dense{};
  Lexicon lexicon;
  std::vector<int16_t> weights;  // num_buckets * 4: negative, neutral, positive, check

  // The weights of a sparse feature, or nullptr when its bucket belongs to
  // another feature.
  const int16_t* Row(uint32_t bucket, uint16_t check) const {
    const int16_t* row = weights.data() + static_cast<size_t>(bucket) * 4;
    return static_cast<uint16_t>(row[3]) == check ? row : nullptr;
  }

  // Serializes with `metadata_json` (which must hold "name" and "version").
  std::string Serialize(const std::string& metadata_json) const;
  static Result<std::unique_ptr<ModelData>> Parse(std::string_view bytes);
  // The stored hash of `header` (the bytes before the hash) and `body`.
  static uint64_t ContentHash(std::string_view header, std::string_view body);
};

}  // namespace convsent

#endif  // CONVSENT_SRC_MODEL_MODEL_DATA_H_
