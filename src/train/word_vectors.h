// Word vectors at training time: GloVe's vectors give the words the
// training text never used the weights of the words they live near
// (TrainOptions::word_vectors, docs/scorer.md). Never read at run time: the
// weights they give are stored in the model's own buckets.
#ifndef CONVSENT_SRC_TRAIN_WORD_VECTORS_H_
#define CONVSENT_SRC_TRAIN_WORD_VECTORS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "convsent/language.h"
#include "convsent/status.h"
#include "model/features.h"

namespace convsent {

// Each word's unit vector, with the hash its token gets, which gives its
// bucket.
struct WordVectors {
  size_t dims = 0;
  std::vector<float> rows;     // dims floats per word
  std::vector<uint64_t> keys;  // each row's token hash
  const float* Row(size_t r) const { return &rows[r * dims]; }
};

// The vectors of `path` in GloVe's text format (a word, then its numbers),
// tokenized by `fx`. Read once while the file stays the same: `model adapt`
// trains a dozen models from one recipe. Bad lines are errors naming
// file:line.
Result<std::shared_ptr<const WordVectors>> LoadWordVectors(const std::string& path, Language language,
                                                           FeatureExtractor* fx);

// Gives the words of `vectors` that own no bucket (the training text never
// used them, or too rarely) the weights their vectors predict, times
// `scale`: a ridge regression from the vectors of the words that own their
// bucket to their weights `w` (3 per bucket). Marks their buckets in
// `owner`; returns how many words were given weights.
size_t PropagateToUnseenWords(const WordVectors& vectors, uint32_t mask, double scale, std::vector<uint16_t>* owner,
                              std::vector<float>* w);

}  // namespace convsent

#endif  // CONVSENT_SRC_TRAIN_WORD_VECTORS_H_
