#include "convsent/ingest.h"

namespace convsent {

Result<int64_t> Rescore(Store& store, std::shared_ptr<const Model> model, std::optional<int64_t> from_ms,
                        std::optional<int64_t> to_ms, bool keep_current) {
  ASSIGN_OR_RETURN(const int64_t model_id, store.RegisterModel(model->info().version, model->info().metadata_json));
  Scorer scorer(model);
  const RollupOptions rollup = RollupOptionsFor(*model);
  // Batches of 2,000: a long rescore holds the write lock a moment at a
  // time, and a failure keeps what was done.
  constexpr int64_t kBatch = 2000;
  int64_t n = 0;
  Status s = store.Begin();
  if (s.ok()) {
    s = store.conversations().ForEach(
        [&](const Conversation& c) -> Status {
          RETURN_IF_ERROR(store.conversations().PutScores(c.id, ScoreConversation(c, scorer, {}, rollup), model_id));
          if (++n % kBatch == 0) {
            RETURN_IF_ERROR(store.Commit());
            RETURN_IF_ERROR(store.Begin());
          }
          return Status::Ok();
        },
        from_ms, to_ms);
  }
  s = s.ok() ? store.Commit() : (static_cast<void>(store.Rollback()), s);
  if (s.ok() && !keep_current) s = store.SetCurrentModel(model->info().version);
  RETURN_IF_ERROR(s);
  return n;
}

}  // namespace convsent
