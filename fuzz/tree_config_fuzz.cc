// libFuzzer target: a tree config (a file a team edits) through the YAML
// parser and the validation. It either fails with a Status naming a line, or
// gives a tree whose every node is reachable from the root and owned.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "convsent/tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config = convsent::ParseTreeConfig(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  if (!config.ok()) {
    if (config.status().message().rfind("fuzz.yaml", 0) != 0) std::abort();  // every error names the file
    return 0;
  }
  size_t reachable = 1;
  for (const auto& n : config->nodes) {
    reachable += n.children.size();
    if (n.owners.accountable.empty() || (n.is_driver() && !n.children.empty())) std::abort();
  }
  if (reachable != config->nodes.size()) std::abort();
  return 0;
}
