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
