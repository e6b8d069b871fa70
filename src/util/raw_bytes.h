// Fixed-size values written into and read out of the model and identifier
// files as their bytes (little-endian on every machine convsent builds for;
// the files' headers say so).
#ifndef CONVSENT_SRC_UTIL_RAW_BYTES_H_
#define CONVSENT_SRC_UTIL_RAW_BYTES_H_

#include <cstring>
#include <string>
#include <string_view>

namespace convsent {

template <typename T>
void PutRaw(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

// The caller has checked that `bytes` holds sizeof(T) bytes at `offset`.
template <typename T>
T GetRaw(std::string_view bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof(T));
  return v;
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_RAW_BYTES_H_
