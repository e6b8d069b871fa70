// The serve config (YAML): queue rules, limits, and the tree file.
#include <fstream>
#include <sstream>

#include "convsent/server.h"
#include "util/yaml_fields.h"

namespace convsent {

constexpr size_t kMaxServeConfigBytes = 1 << 20;

namespace {

using Error = YamlFieldError;

void Keys(const YAML::Node& n, const std::string& path, std::initializer_list<std::string_view> allowed) {
  if (!n.IsMap()) throw Error{YamlLine(n), path.empty() ? "(top)" : path, "expected a mapping"};
  for (const auto& kv : n) {
    const std::string key = kv.first.as<std::string>();
    bool ok = false;
    for (auto a : allowed) ok = ok || key == a;
    if (!ok) throw Error{YamlLine(kv.first), path.empty() ? key : path + "." + key, "unknown key"};
  }
}

}  // namespace

Status LoadServeConfig(const std::string& path, ServeOptions* o) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path);
  std::string text(kMaxServeConfigBytes + 1, '\0');  // a byte over: the parser refuses it by name
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return ParseServeConfig(text, path, o);
}

Status ParseServeConfig(const std::string& yaml, const std::string& source, ServeOptions* o) {
  if (yaml.size() > kMaxServeConfigBytes) return Status::InvalidArgument(source + ": larger than 1 MiB");
  try {
    const YAML::Node doc = YAML::Load(yaml);
    if (doc.IsNull()) return Status::Ok();
    Keys(doc, "", {"version", "bind", "port", "threads", "max_body_bytes", "max_connections", "max_streams",
                   "key_requests_per_second", "max_messages_per_conversation", "webhook_allowed_hosts", "tree", "queue"});
    if (doc["version"] && YamlAs<int>(doc["version"], "version", "1") != 1) throw Error{YamlLine(doc["version"]), "version", "expected 1"};
    if (doc["bind"]) o->bind = YamlAs<std::string>(doc["bind"], "bind", "an address");
    if (doc["port"]) {
      o->port = YamlAs<int>(doc["port"], "port", "a port number");
      if (o->port < 0 || o->port > 65535) throw Error{YamlLine(doc["port"]), "port", "expected 0 to 65535"};
    }
    if (doc["threads"]) {
      o->threads = YamlAs<int>(doc["threads"], "threads", "a number");
      if (o->threads < 2 || o->threads > 256) throw Error{YamlLine(doc["threads"]), "threads", "expected 2 to 256"};
    }
    if (doc["max_body_bytes"]) {
      const int64_t v = YamlAs<int64_t>(doc["max_body_bytes"], "max_body_bytes", "a number of bytes");
      if (v < 1024 || v > (int64_t{1} << 30)) throw Error{YamlLine(doc["max_body_bytes"]), "max_body_bytes", "expected 1 KiB to 1 GiB"};
      o->max_body_bytes = static_cast<size_t>(v);
    }
    if (doc["max_connections"]) {
      const int64_t v = YamlAs<int64_t>(doc["max_connections"], "max_connections", "a number");
      if (v < 16 || v > 1000000) throw Error{YamlLine(doc["max_connections"]), "max_connections", "expected 16 to 1000000"};
      o->max_connections = static_cast<size_t>(v);
    }
    if (doc["max_streams"]) {
      o->max_streams = YamlAs<int>(doc["max_streams"], "max_streams", "a number");
      if (o->max_streams < 1 || o->max_streams > 10000) throw Error{YamlLine(doc["max_streams"]), "max_streams", "expected 1 to 10000"};
    }
    if (doc["key_requests_per_second"]) {
      o->key_requests_per_second = YamlAs<int>(doc["key_requests_per_second"], "key_requests_per_second", "a number");
      if (o->key_requests_per_second < 0) {
        throw Error{YamlLine(doc["key_requests_per_second"]), "key_requests_per_second", "expected 0 (no limit) or more"};
      }
    }
    if (doc["max_messages_per_conversation"]) {
      const int64_t v = YamlAs<int64_t>(doc["max_messages_per_conversation"], "max_messages_per_conversation", "a number");
      if (v < 1 || v > 1000000) {
        throw Error{YamlLine(doc["max_messages_per_conversation"]), "max_messages_per_conversation", "expected 1 to 1000000"};
      }
      o->max_messages_per_conversation = static_cast<size_t>(v);
    }
    if (const auto hosts = doc["webhook_allowed_hosts"]) {
      if (!hosts.IsSequence()) throw Error{YamlLine(hosts), "webhook_allowed_hosts", "expected a list of host names"};
      for (const auto& h : hosts) o->webhook_allowed_hosts.push_back(YamlAs<std::string>(h, "webhook_allowed_hosts", "a host name"));
    }
    if (doc["tree"]) {
      const std::string path = YamlAs<std::string>(doc["tree"], "tree", "a file name");
      std::ifstream in(path, std::ios::binary);
      if (!in) throw Error{YamlLine(doc["tree"]), "tree", "cannot read " + path};
      std::ostringstream ss;
      ss << in.rdbuf();
      auto tree = ParseTreeConfig(ss.str(), path);
      if (!tree.ok()) return tree.status();
      o->tree = std::move(*tree);
    }
    if (const auto q = doc["queue"]) {
      Keys(q, "queue", {"message_below", "souring", "detectors", "webhook", "audit_rate"});
      if (q["message_below"]) {
        o->queue.message_below = YamlAs<float>(q["message_below"], "queue.message_below", "a number");
        if (o->queue.message_below < -1 || o->queue.message_below > 1) {
          throw Error{YamlLine(q["message_below"]), "queue.message_below", "expected -1 to 1"};
        }
      }
      if (q["audit_rate"]) {
        o->queue.audit_rate = YamlAs<double>(q["audit_rate"], "queue.audit_rate", "a number");
        if (!(o->queue.audit_rate >= 0 && o->queue.audit_rate <= 1)) {
          throw Error{YamlLine(q["audit_rate"]), "queue.audit_rate", "expected 0 to 1 (the share of new conversations)"};
        }
      }
      if (q["souring"]) o->queue.souring = YamlAs<bool>(q["souring"], "queue.souring", "true or false");
      if (q["detectors"]) {
        if (!q["detectors"].IsSequence()) throw Error{YamlLine(q["detectors"]), "queue.detectors", "expected a list"};
        o->queue.detectors.clear();
        for (size_t i = 0; i < q["detectors"].size(); ++i) {
          const std::string key = "queue.detectors[" + std::to_string(i) + "]";
          const auto d = ParseDetector(YamlAs<std::string>(q["detectors"][i], key, "a detector name"));
          if (!d) throw Error{YamlLine(q["detectors"][i]), key, "unknown detector"};
          o->queue.detectors.push_back(*d);
        }
      }
      if (q["webhook"]) {
        o->queue.webhook = YamlAs<std::string>(q["webhook"], "queue.webhook", "a URL");
        if (!o->queue.webhook.empty() && o->queue.webhook.rfind("http://", 0) != 0 &&
            o->queue.webhook.rfind("https://", 0) != 0) {
          throw Error{YamlLine(q["webhook"]), "queue.webhook", "expected an http:// or https:// URL"};
        }
      }
    }
  } catch (const Error& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.line) + ": " + e.key + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  return Status::Ok();
}

}  // namespace convsent
