#include "store/postgres/libpq.h"

#include <dlfcn.h>

#include <string>

namespace convsent::pq {
namespace {

struct Loaded {
  Api api;
  std::string error;
};

const Loaded& Once() {
  static const Loaded loaded = [] {
    Loaded l;
    // Never closed: the functions are used until the process exits.
    void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      l.error = std::string("PostgreSQL stores need libpq (libpq.so.5, Debian package libpq5): ") + dlerror();
      return l;
    }
#define CONVSENT_PQ_LOAD(name)                                                         \
  l.api.name = reinterpret_cast<decltype(&::name)>(dlsym(handle, #name));              \
  if (l.api.name == nullptr && l.error.empty()) {                                      \
    l.error = "libpq.so.5 has no " #name ": PostgreSQL stores need libpq 14 or newer"; \
  }
    CONVSENT_PQ_FUNCTIONS(CONVSENT_PQ_LOAD)
#undef CONVSENT_PQ_LOAD
    return l;
  }();
  return loaded;
}

}  // namespace

Status Load() {
  const Loaded& l = Once();
  return l.error.empty() ? Status::Ok() : Status::IoError(l.error);
}

const Api& Lib() {
  return Once().api;
}

}  // namespace convsent::pq
