// API keys: random, shown once, stored as SHA-256. Keys carry 256 bits of
// entropy, so a fast hash is enough: nothing to brute-force.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

#include "convsent/server.h"

namespace convsent {

bool IsRole(const std::string& role) {
  for (const char* r : kRoles) {
    if (role == r) return true;
  }
  return false;
}

std::string NewApiKey() {
  unsigned char bytes[32];
  CONVSENT_CHECK(RAND_bytes(bytes, sizeof(bytes)) == 1);
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string key = "cs_";
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      key.push_back(kAlphabet[(acc >> (bits - 6)) & 63]);
      bits -= 6;
    }
  }
  if (bits > 0) key.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return key;
}

Result<std::pair<int64_t, std::string>> CreateApiKey(Store& store, const std::string& role, const std::string& name) {
  if (!IsRole(role)) return Status::InvalidArgument("the role must be admin, ingest, reviewer or viewer");
  if (name.rfind("cs_", 0) == 0) {
    return Status::InvalidArgument("a name must not start with cs_ (unnamed keys go by their prefix)");
  }
  if (!name.empty()) {
    ASSIGN_OR_RETURN(const auto keys, store.api_keys().List());
    for (const ApiKeyRecord& k : keys) {
      if (k.name == name) {
        return Status::FailedPrecondition("key " + std::to_string(k.id) + " is already named " + name +
                                       "; names are unique (revoked keys' too)");
      }
    }
  }
  std::string key = NewApiKey();
  ApiKeyRecord r;
  r.name = name, r.role = role, r.prefix = key.substr(0, 8), r.hash = HashApiKey(key), r.created_at_ms = NowMs();
  ASSIGN_OR_RETURN(const int64_t id, store.api_keys().Add(r));
  return std::make_pair(id, std::move(key));
}

std::string HashApiKey(const std::string& key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  CONVSENT_CHECK(EVP_Digest(key.data(), key.size(), digest, &n, EVP_sha256(), nullptr) == 1);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

}  // namespace convsent
