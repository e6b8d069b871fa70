#include "test_util.h"

#include "convsent/train.h"

namespace convsent::testing {

std::string TinyTrainingRows() {
  std::string rows = "label\ttext\n";
  for (int i = 0; i < 30; ++i) {
    rows += "positive\tI love this, great job " + std::to_string(i) + "\n";
    rows += "negative\tawful, I hate this " + std::to_string(i) + "\n";
    rows += "neutral\tthe meeting is at " + std::to_string(i) + " today\n";
  }
  return rows;
}

std::string WriteTinyModel(const TempDir& dir, int bucket_bits, int epochs) {
  TrainOptions o;
  o.train = {{dir.Write("tiny_train.tsv", TinyTrainingRows()), 1.0}};
  o.bucket_bits = bucket_bits;
  o.epochs = epochs;
  o.lexicon_examples = 0;
  auto trained = TrainModel(o, nullptr);
  EXPECT_TRUE(trained.ok()) << trained.status().ToString();
  return trained.ok() ? dir.Write("tiny.cvsm", trained->model_bytes) : "";
}

}  // namespace convsent::testing
