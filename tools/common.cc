// What several commands share: loading the model, the store and the tree
// with the error printed, and parsing the flags they have in common.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "convsent/tree.h"
#include "tools/commands.h"

namespace convsent::cli {

std::shared_ptr<const Model> LoadModelOrReport(const std::string& path, ModelUse use) {
  auto model = path.empty() ? Model::Embedded(use) : Model::Load(path);
  if (!model.ok()) {
    std::fprintf(stderr, "convsent: %s\n", model.status().ToString().c_str());
    return nullptr;
  }
  return *model;
}

bool ParseModelUse(const char* command, const std::string& name, ModelUse* use) {
  if (name == "messages") *use = ModelUse::kMessages;
  else if (name == "conversations") *use = ModelUse::kConversations;
  else return std::fprintf(stderr, "convsent %s: --for %s: not messages or conversations\n", command, name.c_str()), false;
  return true;
}

bool ParseLangFlag(const char* command, const std::string& value, std::optional<Language>* language) {
  Language parsed;
  if (value == "auto") {
    language->reset();
  } else if (ParseLanguage(value, &parsed) && parsed != Language::kUnd) {
    *language = parsed;
  } else {
    std::fprintf(stderr, "convsent %s: --lang %s: not auto or one of ar, de, en, es, fr, hi, it, pt\n", command,
                 value.c_str());
    return false;
  }
  return true;
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::IoError("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

bool ParseRangeOrReport(const std::string& from, const std::string& to, int64_t* from_ms, int64_t* to_ms,
                        const char* cmd) {
  *from_ms = INT64_MIN, *to_ms = INT64_MAX;
  if (!from.empty() && !ParseTime(from, from_ms)) {
    std::fprintf(stderr, "convsent %s: --from %s: not a date (YYYY-MM-DD or RFC 3339)\n", cmd, from.c_str());
    return false;
  }
  if (!to.empty() && !ParseTime(to, to_ms)) {
    std::fprintf(stderr, "convsent %s: --to %s: not a date (YYYY-MM-DD or RFC 3339)\n", cmd, to.c_str());
    return false;
  }
  return true;
}

bool ParseWhereOrReport(const std::vector<std::string>& in, std::vector<std::pair<std::string, std::string>>* out,
                        const char* cmd, const char* flag) {
  for (const auto& w : in) {
    if (!ParseSegmentFilter(w, &out->emplace_back())) {
      std::fprintf(stderr, "convsent %s: %s %s: expected KEY=VALUE (channel, topic, team, tag or an attribute)\n", cmd,
                   flag, w.c_str());
      return false;
    }
  }
  return true;
}

std::optional<TreeConfig> LoadTreeConfigOrReport(const std::string& path) {
  auto config = LoadTreeConfig(path);
  if (!config.ok()) {
    std::fprintf(stderr, "convsent: %s\n", config.status().message().c_str());
    return std::nullopt;
  }
  return std::move(*config);
}

std::unique_ptr<Store> OpenStoreOrReport(const std::string& location) {
  auto store = Store::Open(location.empty() ? DefaultStoreLocation() : location);
  if (!store.ok()) {
    std::fprintf(stderr, "convsent: %s\n", store.status().ToString().c_str());
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace convsent::cli
