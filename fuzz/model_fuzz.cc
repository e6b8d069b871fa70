// libFuzzer target: model files are input too. Parsing arbitrary bytes must
// fail cleanly or give a model that scores. The fuzzer rewrites the content
// hash of each input before parsing, so that mutations reach the table
// parsing behind the hash check (seed the corpus with models/*.cvsm); a
// bundle's (an English model with its own models of other languages) is
// rewritten the same way.
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "convsent/model.h"
#include "convsent/scorer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  constexpr size_t kHashAt = 40, kBodyAt = 48;  // see src/model/model_data.h
  constexpr size_t kBundleHashAt = 16, kBundleBodyAt = 24;  // see src/model/model.cc
  if (bytes.size() >= kBundleBodyAt && bytes.compare(0, 8, "CVSBUNDL") == 0) {
    const uint64_t h = XXH3_64bits(bytes.data() + kBundleBodyAt, bytes.size() - kBundleBodyAt);
    std::memcpy(bytes.data() + kBundleHashAt, &h, sizeof(h));
  } else if (bytes.size() >= kBodyAt) {
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
