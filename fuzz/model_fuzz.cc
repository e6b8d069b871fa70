// libFuzzer target: model files are input too. Parsing arbitrary bytes must
// fail cleanly or give a model that scores. The fuzzer rewrites the content
// hash of each input before parsing, so that mutations reach the table
// parsing behind the hash check (seed the corpus with models/*.cvsm).
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "convsent/model.h"
#include "convsent/scorer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  constexpr size_t kHashAt = 40, kBodyAt = 48;  // see src/model/model_data.h
  if (bytes.size() >= kBodyAt) {
    const uint64_t h = XXH3_64bits(bytes.data() + kBodyAt, bytes.size() - kBodyAt);
    std::memcpy(bytes.data() + kHashAt, &h, sizeof(h));
  }
  auto model = convsent::Model::FromBytes(bytes);
  if (model.ok()) {
    convsent::Scorer scorer(*model);
    (void)scorer.Score("a test message :) not bad at all");
  }
  return 0;
}
