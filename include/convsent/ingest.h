// Ingest: files of conversations into a Store, scored on the way in.
//
// Input: JSON Lines (one conversation a line) or CSV of messages (a header
// with at least conversation_id, role and text; rows of one conversation
// adjacent). A path of "-" reads standard input (JSON Lines).
//
// Streaming: memory is bounded by the batch size, whatever the input size.
// Bad input: a malformed line is reported (file, line, field) and skipped,
// and the rest is ingested; with `strict`, the first error stops the ingest
// and nothing is written. Ingesting an id again replaces it.
#ifndef CONVSENT_INGEST_H_
#define CONVSENT_INGEST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convsent/conversation.h"
#include "convsent/model.h"
#include "convsent/rollup.h"
#include "convsent/status.h"
#include "convsent/store.h"

namespace convsent {

struct IngestProgress {
  int64_t conversations = 0, messages = 0, skipped = 0;
  int64_t bytes_read = 0, bytes_total = 0;  // total 0 when unknown (stdin)
  double seconds = 0;
};

struct IngestSummary {
  int64_t conversations = 0, messages = 0, skipped = 0;
  std::vector<IngestError> errors;  // the first kMaxErrors
  int64_t errors_total = 0;
  double seconds = 0;
  std::string model;
  bool aborted = false;  // strict mode stopped at an error
  static constexpr size_t kMaxErrors = 1000;
};

struct IngestOptions {
  bool strict = false;
  int batch_conversations = 2000;  // conversations per committed transaction
  int threads = 2;                 // scoring threads
  int explain = 3;                 // contributions stored per message
  // Stores the conversations unscored in the backlog, for `convsent
  // worker` processes to score (docs/deployment.md).
  bool enqueue = false;
  std::optional<RollupOptions> rollup;  // default: the model's (RollupOptionsFor)
  // Called now and then from the ingesting thread.
  std::function<void(const IngestProgress&)> progress;
  // Called for each error as it is found (e.g. to print it).
  std::function<void(const IngestError&)> on_error;
  // Called inside the transaction of each stored batch, after its
  // conversations are written: what it writes commits with them, and its
  // error rolls the batch back (a sync's cursor, convsent/sync.h).
  std::function<Status(Store&)> with_commit;
};

// Ingests `paths` into `store`, scoring with `model`. Fails (non-OK) only
// when the ingest cannot go on: an unreadable file is an error in the
// summary, a store failure or a strict-mode error is a Status.
Result<IngestSummary> Ingest(const std::vector<std::string>& paths, std::shared_ptr<const Model> model, Store* store,
                             const IngestOptions& options);

// Ingests conversations read elsewhere (convsent import), with the errors
// found while reading them: the errors are reported first (and stop a
// strict ingest before anything is written), then the conversations are
// scored and stored like those of a file.
// The workers' side of the backlog: claims batches, scores them and stores
// them, the claim and the result in one transaction, so that each
// conversation is processed exactly once even when a worker dies midway.
struct WorkerOptions {
  int batch = 200;            // conversations claimed per transaction
  bool until_empty = false;   // stop when the backlog is empty, instead of waiting for more
  int idle_wait_ms = 500;     // how long to wait before looking again
  int explain = 3;
  std::optional<RollupOptions> rollup;  // default: the model's (RollupOptionsFor)
  std::function<bool()> stop;  // polled between batches: true ends the worker
  std::function<void(const IngestError&)> on_error;
};
struct WorkerSummary {
  int64_t conversations = 0, messages = 0, batches = 0, errors = 0;
  double seconds = 0;
  std::string model;
};
Result<WorkerSummary> RunWorker(std::shared_ptr<const Model> model, Store* store, const WorkerOptions& options);

// `convsent rescore`: scores the stored conversations created in
// [from_ms, to_ms) (all when unset) again with `model`, beside the scores of
// earlier models, committing every 2,000 conversations; then makes `model`
// the current one unless `keep_current`. Returns how many were rescored. On
// an error, what was committed before it is kept (rescoring again redoes it).
Result<int64_t> Rescore(Store& store, std::shared_ptr<const Model> model, std::optional<int64_t> from_ms,
                        std::optional<int64_t> to_ms, bool keep_current);

Result<IngestSummary> IngestConversations(std::vector<Conversation> conversations, std::vector<IngestError> errors,
                                          std::shared_ptr<const Model> model, Store* store,
                                          const IngestOptions& options);

}  // namespace convsent

#endif  // CONVSENT_INGEST_H_
