// sync.yaml: one block per help desk, its credentials read from the file or
// environment variable it names (docs/sync.md).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "convsent/conversation.h"
#include "convsent/hooks.h"
#include "convsent/sync.h"
#include "util/yaml_fields.h"

namespace convsent {
namespace {

using Error = YamlFieldError;

std::string Trim(std::string s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  const size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A credential from `<what>_file` (relative to the config's folder) or
// `<what>_env`. The error names the file or the variable, never a value.
std::string Credential(const YAML::Node& block, const std::string& path, const std::string& what,
                       const std::filesystem::path& folder, bool required) {
  const YAML::Node file = block[what + "_file"], env = block[what + "_env"];
  if (file && env) throw Error{YamlLine(env), path + "." + what + "_env", "give " + what + "_file or " + what + "_env, not both"};
  if (file) {
    std::filesystem::path p = YamlAs<std::string>(file, path + "." + what + "_file", "a file name");
    if (p.is_relative()) p = folder / p;
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error{YamlLine(file), path + "." + what + "_file", "cannot read " + p.string()};
    std::stringstream text;
    text << in.rdbuf();
    const std::string value = Trim(text.str());
    if (value.empty()) throw Error{YamlLine(file), path + "." + what + "_file", p.string() + " is empty"};
    if (value.size() > 4096) throw Error{YamlLine(file), path + "." + what + "_file", p.string() + " is not a token (over 4 KiB)"};
    return value;
  }
  if (env) {
    const std::string name = YamlAs<std::string>(env, path + "." + what + "_env", "a variable name");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || Trim(value).empty()) {
      throw Error{YamlLine(env), path + "." + what + "_env", "the environment variable " + name + " is not set"};
    }
    return Trim(value);
  }
  if (required) throw Error{YamlLine(block), path, "missing " + what + "_file or " + what + "_env"};
  return "";
}

bool IsLoopback(const std::string& url) {
  for (const char* prefix : {"http://127.", "http://localhost:", "http://localhost/", "http://[::1]"}) {
    if (url.rfind(prefix, 0) == 0) return true;
  }
  return url == "http://localhost";
}

// The vendors' documented limits, with room for the help desk's own apps
// (docs/sync.md): Zendesk's lowest plan allows 200 requests a minute,
// Intercom 10,000 per app, Front 50 on its lowest plan.
double DefaultRequestsPerMinute(HelpDesk system) {
  switch (system) {
    case HelpDesk::kZendesk: return 160;
    case HelpDesk::kIntercom: return 1000;
    case HelpDesk::kFront: return 40;
    case HelpDesk::kGorgias: return 80;
    case HelpDesk::kZohoDesk: return 60;
    default: return 60;
  }
}

std::string DefaultUrl(HelpDesk system) {
  switch (system) {
    case HelpDesk::kIntercom: return "https://api.intercom.io";
    case HelpDesk::kFront: return "https://api2.frontapp.com";
    default: return "";
  }
}

SyncSource ParseSource(HelpDesk system, const YAML::Node& block, const std::string& path,
                       const std::filesystem::path& folder) {
  if (!block.IsMap()) throw Error{YamlLine(block), path, "expected a mapping"};
  static const char* const kKeys[] = {"name", "url", "email", "token_file", "token_env", "webhook_secret_file",
                                      "webhook_secret_env", "start", "requests_per_minute", "concurrency",
                                      "page_size", "poll_seconds", "max_attempts", "backoff_ms", "ca_file",
                                      "write_back", "admin_id", "author_id", "org_id"};
  for (const auto& kv : block) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      throw Error{YamlLine(kv.first), path + "." + key, "unknown key"};
    }
  }
  SyncSource s;
  s.system = system;
  s.name = block["name"] ? YamlAs<std::string>(block["name"], path + ".name", "a name") : std::string(HelpDeskName(system));
  s.url = block["url"] ? YamlAs<std::string>(block["url"], path + ".url", "a URL") : DefaultUrl(system);
  while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
  if (s.url.empty() && CanSync(system)) {
    throw Error{YamlLine(block), path + ".url", "missing: the help desk's address (https://acme.zendesk.com)"};
  }
  if (!s.url.empty() && s.url.rfind("https://", 0) != 0 && !IsLoopback(s.url)) {
    throw Error{YamlLine(block["url"]), path + ".url", "expected an https:// URL (a token is never sent in the clear)"};
  }
  if (block["email"]) s.email = YamlAs<std::string>(block["email"], path + ".email", "an email address");
  if (block["org_id"]) s.org_id = YamlAs<std::string>(block["org_id"], path + ".org_id", "an organization id");
  if (system == HelpDesk::kZohoDesk && s.org_id.empty()) {
    throw Error{YamlLine(block), path + ".org_id", "missing: Zoho Desk takes the organization's id (orgId)"};
  }
  if (system == HelpDesk::kGorgias && s.email.empty()) {
    throw Error{YamlLine(block), path + ".email", "missing: Gorgias takes the email of the API key's user"};
  }
  if (CanSync(system)) s.token = Credential(block, path, "token", folder, true);
  s.webhook_secret = Credential(block, path, "webhook_secret", folder, false);
  if (block["start"]) {
    const std::string start = YamlAs<std::string>(block["start"], path + ".start", "a date");
    if (!ParseTime(start, &s.start_ms)) throw Error{YamlLine(block["start"]), path + ".start", "'" + start + "' is not a date"};
  }
  s.requests_per_minute = DefaultRequestsPerMinute(system);
  if (block["requests_per_minute"]) {
    s.requests_per_minute = YamlAs<double>(block["requests_per_minute"], path + ".requests_per_minute", "a number");
    if (s.requests_per_minute < 0) throw Error{YamlLine(block["requests_per_minute"]), path + ".requests_per_minute", "expected 0 (no limit) or more"};
  }
  auto number = [&](const char* key, int lo, int hi, int* out) {
    if (!block[key]) return;
    *out = YamlAs<int>(block[key], path + "." + key, "a number");
    if (*out < lo || *out > hi) {
      throw Error{YamlLine(block[key]), path + "." + key, "expected " + std::to_string(lo) + " to " + std::to_string(hi)};
    }
  };
  number("concurrency", 1, 64, &s.concurrency);
  number("page_size", 1, 1000, &s.page_size);
  int poll = static_cast<int>(s.poll.count()), backoff = static_cast<int>(s.first_backoff.count());
  number("poll_seconds", 1, 86400, &poll);
  number("max_attempts", 1, 20, &s.max_attempts);
  number("backoff_ms", 1, 600000, &backoff);
  s.poll = std::chrono::seconds(poll), s.first_backoff = std::chrono::milliseconds(backoff);
  if (block["ca_file"]) s.ca_file = YamlAs<std::string>(block["ca_file"], path + ".ca_file", "a file name");
  return s;
}

}  // namespace

bool CanSync(HelpDesk system) {
  return system == HelpDesk::kZendesk || system == HelpDesk::kIntercom || system == HelpDesk::kFront ||
         system == HelpDesk::kGorgias || system == HelpDesk::kZohoDesk;
}

const SyncSource* SyncConfig::Find(HelpDesk system) const {
  for (const SyncSource& s : sources) {
    if (s.system == system) return &s;
  }
  return nullptr;
}

Result<SyncConfig> ParseSyncConfig(const std::string& yaml, const std::string& source) {
  if (yaml.size() > (1 << 20)) return Status::InvalidArgument(source + ": larger than 1 MiB");
  const std::filesystem::path folder = std::filesystem::path(source).parent_path();
  SyncConfig config;
  try {
    const YAML::Node doc = YAML::Load(yaml);
    if (doc.IsNull()) return config;
    if (!doc.IsMap()) throw Error{YamlLine(doc), "(top)", "expected a mapping of help desks"};
    for (const auto& kv : doc) {
      const std::string key = kv.first.as<std::string>();
      if (key == "version") {
        if (YamlAs<int>(kv.second, "version", "1") != 1) throw Error{YamlLine(kv.second), "version", "expected 1"};
        continue;
      }
      if (key == "public_url") {
        config.public_url = YamlAs<std::string>(kv.second, key, "a URL");
        while (!config.public_url.empty() && config.public_url.back() == '/') config.public_url.pop_back();
        continue;
      }
      if (key == "replay_window_seconds") {
        config.replay_window_seconds = YamlAs<int>(kv.second, key, "a number of seconds");
        if (config.replay_window_seconds < 10 || config.replay_window_seconds > 86400) {
          throw Error{YamlLine(kv.second), key, "expected 10 to 86400"};
        }
        continue;
      }
      HelpDesk system;
      HookSystem hook;
      const bool write_back = kv.second.IsMap() && kv.second["write_back"] &&
                              YamlAs<bool>(kv.second["write_back"], key + ".write_back", "true or false");
      if (ParseHelpDesk(key, &system)) {
        config.sources.push_back(ParseSource(system, kv.second, key, folder));
        const SyncSource& s = config.sources.back();
        if (!s.webhook_secret.empty()) config.webhook_secrets[key] = s.webhook_secret;
        if (write_back) {
          if (system != HelpDesk::kZendesk && system != HelpDesk::kIntercom && system != HelpDesk::kFront) {
            throw Error{YamlLine(kv.second["write_back"]), key + ".write_back",
                        "no write-back to " + key + " (zendesk, intercom, front, chatwoot and zammad have it; docs/sync.md)"};
          }
          WriteBackTarget t{key, s.url, s.email, s.token, "", "", s.requests_per_minute, s.ca_file};
          if (system == HelpDesk::kIntercom) {
            if (!kv.second["admin_id"]) {
              throw Error{YamlLine(kv.second), key + ".admin_id", "missing: write_back to Intercom tags and notes as a teammate (their id)"};
            }
            t.admin_id = YamlAs<std::string>(kv.second["admin_id"], key + ".admin_id", "a teammate's id");
          }
          if (system == HelpDesk::kFront && kv.second["author_id"]) {
            t.admin_id = YamlAs<std::string>(kv.second["author_id"], key + ".author_id", "a teammate's id");
          }
          config.write_back[key] = std::move(t);
        }
      } else if (ParseHookSystem(key, &hook)) {
        // A help desk convsent only hears from: its webhook's secret, and
        // what writing back to it takes.
        if (!kv.second.IsMap()) throw Error{YamlLine(kv.second), key, "expected a mapping"};
        for (const auto& k : kv.second) {
          const std::string name = k.first.as<std::string>();
          if (name != "webhook_secret_file" && name != "webhook_secret_env" && name != "write_back" && name != "url" &&
              name != "token_file" && name != "token_env" && name != "account_id" && name != "requests_per_minute") {
            throw Error{YamlLine(k.first), key + "." + name, "unknown key"};
          }
        }
        config.webhook_secrets[key] = Credential(kv.second, key, "webhook_secret", folder, true);
        if (write_back) {
          if (hook != HookSystem::kChatwoot && hook != HookSystem::kZammad) {
            throw Error{YamlLine(kv.second["write_back"]), key + ".write_back", "write-back to " + key + " is not built yet"};
          }
          WriteBackTarget t;
          t.system = key;
          if (!kv.second["url"]) throw Error{YamlLine(kv.second), key + ".url", "missing: write_back needs the help desk's address"};
          t.url = YamlAs<std::string>(kv.second["url"], key + ".url", "a URL");
          while (!t.url.empty() && t.url.back() == '/') t.url.pop_back();
          if (t.url.rfind("https://", 0) != 0 && !IsLoopback(t.url)) {
            throw Error{YamlLine(kv.second["url"]), key + ".url", "expected an https:// URL (a token is never sent in the clear)"};
          }
          t.token = Credential(kv.second, key, "token", folder, true);
          if (hook == HookSystem::kChatwoot) {
            if (!kv.second["account_id"]) throw Error{YamlLine(kv.second), key + ".account_id", "missing: the Chatwoot account"};
            t.account_id = YamlAs<std::string>(kv.second["account_id"], key + ".account_id", "an account id");
          }
          if (kv.second["requests_per_minute"]) {
            t.requests_per_minute = YamlAs<double>(kv.second["requests_per_minute"], key + ".requests_per_minute", "a number");
          }
          config.write_back[key] = std::move(t);
        }
      } else {
        throw Error{YamlLine(kv.first), key, "not a help desk (zendesk, intercom, front, twilio, chatwoot, zammad, freescout, ...)"};
      }
    }
  } catch (const Error& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.line) + ": " + e.key + ": " + e.message);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return config;
}

Result<SyncConfig> LoadSyncConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the sync config " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseSyncConfig(text.str(), path);
}

}  // namespace convsent
