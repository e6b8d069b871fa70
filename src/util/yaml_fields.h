// Reading a YAML config's fields with errors that name the line and key:
// what the sync and serve configs share. A field of the wrong kind throws
// YamlFieldError, which the parser turns into "FILE:LINE: KEY: MESSAGE".
#ifndef CONVSENT_SRC_UTIL_YAML_FIELDS_H_
#define CONVSENT_SRC_UTIL_YAML_FIELDS_H_

#include <yaml-cpp/yaml.h>

#include <string>

namespace convsent {

struct YamlFieldError {
  int line;
  std::string key, message;
};

inline int YamlLine(const YAML::Node& n) { return n.Mark().line + 1; }

// The scalar `n` as a T, else YamlFieldError "expected <what>".
template <typename T>
T YamlAs(const YAML::Node& n, const std::string& key, const char* what) {
  T v{};
  if (!n.IsScalar() || !YAML::convert<T>::decode(n, v)) throw YamlFieldError{YamlLine(n), key, std::string("expected ") + what};
  return v;
}

}  // namespace convsent

#endif  // CONVSENT_SRC_UTIL_YAML_FIELDS_H_
