// The API keys of `convsent serve` (docs/server.md, "Access"), kept in the
// store: only each key's SHA-256 is stored, never the key.
//
// A record family of its own (HACKING.md): a Store hands out its ApiKeys,
// which reads and writes on the store's connection.
//
// Thread safety: as its Store (one per thread).
#ifndef CONVSENT_API_KEYS_H_
#define CONVSENT_API_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "convsent/status.h"

namespace convsent {

struct ApiKeyRecord {
  int64_t id = 0;
  std::string name, role;                        // role: admin, ingest, reviewer, viewer
  std::string prefix;                            // the key's first characters, to tell keys apart
  std::string hash;                              // hex SHA-256 of the key
  int64_t created_at_ms = 0, revoked_at_ms = 0;  // 0: not revoked
};

class ApiKeys {
 public:
  virtual ~ApiKeys() = default;
  // Stores a new key (its revoked_at is 0); returns its id.
  virtual Result<int64_t> Add(const ApiKeyRecord& key) = 0;
  // Every key, revoked ones too, oldest first.
  virtual Result<std::vector<ApiKeyRecord>> List() = 0;
  // The key with this hash, unless revoked. Every request of the server asks.
  virtual Result<std::optional<ApiKeyRecord>> Find(const std::string& hash) = 0;
  // Revokes key `id` at `at_ms`; NotFound when there is no such active key.
  virtual Status Revoke(int64_t id, int64_t at_ms) = 0;
};

}  // namespace convsent

#endif  // CONVSENT_API_KEYS_H_
