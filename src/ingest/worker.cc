// `convsent worker`: processes the shared backlog. Each batch is claimed,
// scored and stored in one operation of the store's writer (one
// transaction), so a conversation is stored exactly once: a worker that
// dies midway leaves its claim uncommitted, and the database hands those
// conversations to the next worker that asks.
#include <chrono>
#include <optional>
#include <thread>

#include "convsent/ingest.h"
#include "store/writer.h"

namespace convsent {

Result<WorkerSummary> RunWorker(std::shared_ptr<const Model> model, Store* store, const WorkerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  WorkerSummary summary;
  summary.model = model->info().version;
  ASSIGN_OR_RETURN(const int64_t model_id, store->RegisterModel(model->info().version, model->info().metadata_json));
  ASSIGN_OR_RETURN(const Redaction redaction, StoredRedaction(*store));
  Scorer scorer(model);
  const RollupOptions rollup = options.rollup.value_or(RollupOptionsFor(*model));
  ScoreOptions score_options;
  score_options.explain = options.explain;
  bool stored_any = false;
  WriterOptions w;
  w.model_id = model_id, w.rollup = rollup, w.model = model.get();
  std::optional<Writer> writer(std::in_place, store, w);
  while (!(options.stop && options.stop())) {
    int64_t claimed = 0, conversations = 0, messages = 0;
    RETURN_IF_ERROR(writer->Submit([&](WriterContext& ctx) -> Status {
      Store* store = &ctx.store();
      ASSIGN_OR_RETURN(const std::vector<BacklogItem> items, store->backlog().Claim(std::max(1, options.batch)));
      claimed = static_cast<int64_t>(items.size());
      for (const BacklogItem& item : items) {
        Conversation c;
        if (Status parsed = ParseConversationJson(item.conversation, &c); !parsed.ok()) {
          // Checked when it was enqueued, so this is a damaged row: reported,
          // and taken out of the backlog so that it cannot block it.
          ++summary.errors;
          if (options.on_error) options.on_error({"backlog", item.id, "", parsed.message()});
          continue;
        }
        messages += static_cast<int64_t>(c.messages.size());
        ScoredConversation sc = ScoreConversation(std::move(c), scorer, score_options, rollup);
        RedactForStorage(redaction, &sc);
        RETURN_IF_ERROR(store->conversations().Put(sc, model_id));
        ++conversations;
      }
      return Status::Ok();
    }));
    if (claimed == 0) {
      if (options.until_empty) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(options.idle_wait_ms));
      continue;
    }
    summary.conversations += conversations;
    summary.messages += messages;
    ++summary.batches;
    stored_any = stored_any || conversations > 0;
  }
  writer.reset();  // the store is the caller's again
  if (stored_any) RETURN_IF_ERROR(store->SetCurrentModel(model->info().version));
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace convsent
