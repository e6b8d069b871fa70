// convsent serve: messages stream in over HTTP, each is scored on arrival,
// its conversation's state updated, and a conversation that turns negative
// enters a review queue that people work through. The API is documented in
// docs/openapi.yaml and docs/server.md.
//
// Threads: HTTP handlers score (one Scorer per thread) and read (one store
// connection per thread); a single writer thread applies every change in
// group-committed transactions and answers a request only after its
// transaction committed, so a 2xx means stored.
#ifndef CONVSENT_SERVER_H_
#define CONVSENT_SERVER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convsent/detectors.h"
#include "convsent/model.h"
#include "convsent/review_queue.h"
#include "convsent/status.h"
#include "convsent/sync.h"
#include "convsent/tree.h"

namespace convsent {

struct ServeOptions {
  std::string db;                    // the store
  std::string model_path;            // the model's file, read again on SIGHUP (empty: the embedded model)
  std::string bind = "127.0.0.1";    // only loopback unless told otherwise
  int port = 8080;                   // 0: any free port
  int threads = 16;                  // threads for reads, and as many for ingest; an idle connection
                                     // holds none
  size_t max_body_bytes = 8 << 20;   // larger bodies get 413, chunked or not
  size_t max_connections = 4096;     // open at once; more are answered 503 and closed
  int max_streams = 64;              // event streams (GET /v1/queue/events) open at once; more get 503
  int key_requests_per_second = 20000;  // per API key, bursts of a second's worth; more get 429 (0: no limit)
  size_t max_messages_per_conversation = 10000;  // a message past it gets 413
  std::vector<std::string> webhook_allowed_hosts;  // empty: any host but link-local (metadata) addresses
  QueueRules queue;
  TreeConfig tree;                   // for GET /v1/tree and the detectors' drivers
  // --sync-config: the webhooks' secrets (POST /v1/hooks/<system>), and the
  // API credentials that fetch a conversation a webhook only names.
  SyncConfig sync;
  bool sync_in_background = false;   // --sync: every source with a token is followed, as by sync --follow
};

// Parses the serve config (YAML, docs/server.md) into `options` (queue
// rules, limits, tree file). Errors name the file, the line and the key.
Status ParseServeConfig(const std::string& yaml, const std::string& source, ServeOptions* options);
// The serve config file at `path` (read up to its size limit) into `options`.
Status LoadServeConfig(const std::string& path, ServeOptions* options);

// The roles of API keys, from most to least powerful.
inline constexpr const char* kRoles[] = {"admin", "ingest", "reviewer", "viewer"};
bool IsRole(const std::string& role);
// A new random key ("cs_" + 43 base64url characters) and its stored hash.
std::string NewApiKey();
std::string HashApiKey(const std::string& key);  // hex SHA-256
// A new key of `role`, named `name` (may be empty), stored as its hash:
// the key's id and the key itself, shown once. kInvalidArgument for an
// unknown role or a name that looks like a key ("cs_..."),
// kFailedPrecondition for a name another key has, a revoked one's too: a
// review claim names its key by name, so a second "bob" must not release
// or resolve bob's claims.
Result<std::pair<int64_t, std::string>> CreateApiKey(Store& store, const std::string& role, const std::string& name);

// Serves until SIGTERM or SIGINT, then drains in-flight requests and stops.
// Prints "listening on http://ADDR:PORT" on stdout once it accepts.
Status Serve(const ServeOptions& options, std::shared_ptr<const Model> model);

}  // namespace convsent

#endif  // CONVSENT_SERVER_H_
