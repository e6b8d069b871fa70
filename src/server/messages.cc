// Posted messages and conversations: scored on the handler's thread,
// stored by the writer (a 201 means committed), audited and queued.
#include "convsent/review_queue.h"
#include "convsent/score_format.h"
#include "server/bodies.h"
#include "server/server_impl.h"

namespace convsent::server {
namespace {

// What the next turn's score may use of a conversation's turns, read from
// their texts: once per conversation the writer loads, kept up to date
// message by message after that. A stored text may be masked (redaction);
// its summary is then of the masked words, which carry no sentiment.
ContextTracker TurnsSoFar(const Conversation& c, Scorer& scorer) {
  ContextTracker turns;
  ScoreOptions options;
  options.explain = 0;
  MessageScore s;
  for (const Message& m : c.messages) {
    if (m.role == Role::kNote) continue;
    scorer.Score(m.text, options, &s);
    turns.Add(RoleName(m.role), s.turn);
  }
  return turns;
}

}  // namespace

Status Server::MaybeAudit(WriterContext& ctx, const std::string& id) {
  if (!AuditDraw(id, o_.queue.audit_rate)) return Status::Ok();
  ReviewItem item;
  item.conversation = id, item.severity = "audit", item.audit = true, item.created_at_ms = NowMs();
  item.reason = "random audit: label the customer's tone";
  ASSIGN_OR_RETURN(auto stored, ctx.store().review_items().Add(item));
  if (!stored) return Status::Ok();  // already an audit item
  ASSIGN_OR_RETURN(auto now, ctx.store().review_items().Get(*stored));
  if (!now) return Status::Ok();
  ctx.AfterCommit([this, event = ReviewJson(*now)] { events_.Publish("queued", Dump(event)); });
  return Status::Ok();
}

Status Server::MaybeQueue(WriterContext& ctx, LiveConversation& live, size_t message, json* queued) {
  if (live.queued) return Status::Ok();  // once
  auto item = QueueRule(o_.queue, live.sc, message, NowMs());
  if (!item) return Status::Ok();
  ASSIGN_OR_RETURN(auto id, ctx.store().review_items().Add(*item));
  live.queued = true;
  if (!id) return Status::Ok();  // it was already there: once
  // Read back: the flag may have merged into an audit item, which stays one.
  ASSIGN_OR_RETURN(auto stored, ctx.store().review_items().Get(*id));
  if (stored) *item = *stored;
  const json event = ReviewJson(*item);
  *queued = event;
  RETURN_IF_ERROR(Announce(ctx, "queued", event));
  // The delivery is stored with the item, in the same commit: a crash
  // after the 201 loses neither.
  WebhookDelivery delivery;
  if (!o_.queue.webhook.empty()) {
    delivery.url = o_.queue.webhook, delivery.payload = Dump({{"type", "convsent.queued"}, {"item", event}});
    delivery.created_at_ms = delivery.next_at_ms = NowMs();
    ASSIGN_OR_RETURN(delivery.id, ctx.store().webhook_deliveries().Add(delivery));
  }
  ctx.AfterCommit([this, event, delivery] {
    events_.Publish("queued", Dump(event));
    if (delivery.id != 0) SendWebhook(delivery);
  });
  return Status::Ok();
}

void Server::PostMessage(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1];
  if (Status s = CheckConversationId(id); !s.ok()) return Error(res, 400, "conversation id: " + s.message());
  MessageBody body;
  if (Status s = ParseMessageBody(req.body, &body); !s.ok()) return Error(res, 400, s.message());
  StoreMessage(id, std::move(body), res, nullptr);
}

void Server::StoreMessage(const std::string& id, MessageBody body, httplib::Response& res, const HookSteps* steps) {
  if (body.message.at_ms == 0) body.message.at_ms = NowMs();
  // Scored here, on the handler's thread: the writer only appends.
  std::shared_ptr<const Scoring> scoring = CurrentScoring();
  std::optional<MessageScore> score;
  if (body.message.role != Role::kNote) score = ThreadScorer(scoring->model).Score(body.message.text);
  metrics_.Scored(score ? 1 : 0);
  // The answer gives the poster the score of what they sent; the store
  // keeps the text masked, when it is set to.
  std::optional<MessageScore> answered;
  std::string sent;  // the text before masking, should the writer have to score it again
  if (redaction_.enabled()) {
    sent = body.message.text;
    answered = score;
    RedactForStorage(redaction_, &body.message, &score);
    for (auto& [name, value] : body.header.attributes) value = Redact(value, redaction_);
  }
  // Encoded here too: the writer appends the pieces.
  std::string message_json, score_json;
  AppendMessageJson(body.message, &message_json);
  AppendScoreJson(score, &score_json);
  json queued;
  size_t index = 0;
  ConversationRollup rollup;
  bool repeated = false;
  const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
    if (steps != nullptr && steps->first_seen) {  // a webhook's event, stored once whatever the redeliveries
      ASSIGN_OR_RETURN(const bool fresh, steps->first_seen(ctx));
      if (!fresh) return repeated = true, Status::Ok();
    }
    ASSIGN_OR_RETURN(LiveConversation * live, ctx.Find(id));
    // Each fold rewrites the whole conversation: one that grows without
    // end made every message cost more (and the log grow to gigabytes).
    if (live != nullptr && live->sc.conversation.messages.size() >= o_.max_messages_per_conversation) {
      return Status::FailedPrecondition("conversation " + id + " already has " +
                                        std::to_string(o_.max_messages_per_conversation) +
                                        " messages (max_messages_per_conversation); start another");
    }
    // The message scored again (the text as sent, masked again after).
    const auto score_again = [&](const ScoreOptions& options) {
      score = ThreadScorer(scoring->model).Score(redaction_.enabled() ? sent : body.message.text, options);
      if (redaction_.enabled()) {
        answered = score;
        Message masked = body.message;
        RedactForStorage(redaction_, &masked, &score);
      }
      score_json.clear();
      AppendScoreJson(score, &score_json);
    };
    // The model was reloaded since the handler scored (ReloadModel): the
    // message is scored again by the one whose scores are stored now.
    if (ctx.model() != nullptr && ctx.model() != scoring->model.get()) {
      scoring = CurrentScoring();
      if (score) score_again({});
    }
    // The help desk's language for the conversation, where it keeps one
    // that convsent scores: its model reads the message, as on import
    // (ScoreConversation), not the language this one message looks like.
    if (const Language given = ConversationLanguageAttribute(live != nullptr ? live->sc.conversation : body.header);
        score && given != Language::kUnd && score->language != given) {
      ScoreOptions in_language;
      in_language.language = given;
      score_again(in_language);
    }
    Scorer& scorer = ThreadScorer(scoring->model);
    // A conversation stored before a reload has no scores from this model
    // yet: its messages are scored now, before it grows.
    if (live != nullptr && score) {
      const auto& sc = live->sc;
      bool missing = false;
      for (size_t i = 0; i < sc.scores.size() && !missing; ++i) {
        missing = !sc.scores[i] && sc.conversation.messages[i].role != Role::kNote;
      }
      if (missing) {
        live->sc = ScoreConversation(std::move(live->sc.conversation), scorer, {}, ctx.rollup());
        live->encoded = EncodeConversation(live->sc);
        live->context.reset();
      }
    }
    // The turns before it weigh in where the model reads them; the handler
    // scored the message alone, the conversation is here.
    if (score && scorer.reads_context()) {
      const std::string_view role = RoleName(body.message.role);
      if (live != nullptr) {
        if (!live->context) live->context = TurnsSoFar(live->sc.conversation, scorer);
        const TurnContext context = live->context->Next(role);
        scorer.AddContext(context, &*score);
        if (answered) scorer.AddContext(context, &*answered);
        score_json.clear();
        AppendScoreJson(score, &score_json);
      }
    }
    if (live == nullptr) {
      ScoredConversation fresh;
      if (body.has_header) fresh.conversation = body.header;
      fresh.conversation.id = id;
      if (fresh.conversation.created_at_ms == 0) fresh.conversation.created_at_ms = body.message.at_ms;
      fresh.conversation.messages.push_back(body.message);
      fresh.scores.push_back(score);
      live = ctx.Start(std::move(fresh));
      RETURN_IF_ERROR(MaybeAudit(ctx, id));
    } else {
      // The conversation grows by one message: the rollup pools the stored
      // compounds again, nothing is scored twice, nothing re-encoded.
      ScoredConversation& sc = live->sc;
      sc.conversation.messages.push_back(body.message);
      sc.scores.push_back(score);
      RefreshRollup(&sc, ctx.rollup());
      AppendToEncoded(message_json, score_json, &live->encoded);
    }
    if (score && scorer.reads_context()) {
      if (!live->context) live->context.emplace();  // a conversation it starts: no turns before
      live->context->Add(RoleName(body.message.role), score->turn);
    }
    RETURN_IF_ERROR(ctx.Added(live, message_json, score_json));
    index = live->sc.conversation.messages.size() - 1;
    RETURN_IF_ERROR(MaybeQueue(ctx, *live, index, &queued));
    if (steps != nullptr && steps->stored) RETURN_IF_ERROR(steps->stored(ctx, live->sc, queued));
    rollup = live->sc.rollup;
    return Status::Ok();
  });
  if (s.code() == StatusCode::kFailedPrecondition) return Error(res, 413, "not stored: " + s.message());
  if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
  if (repeated) return Reply(res, 200, {{"conversation", id}, {"repeated", true}});
  // The answer is built here, not on the writer's thread, and by hand:
  // this is the one endpoint that runs thousands of times a second.
  std::string out = "{\"conversation\":";
  out.reserve(400);
  AppendJsonString(id, &out);
  out += ",\"message\":" + std::to_string(index) + ",\"score\":";
  if (redaction_.enabled()) score = std::move(answered);
  if (score) {
    out += '{';
    AppendScoreFields(*score, scoring->model->info().version, &out);
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"tone\":";
  if (rollup.has_customer) {
    out += "{\"label\":\"";
    out += SentimentName(rollup.tone);
    out += "\",\"compound\":";
    AppendJsonNumber(rollup.compound, 4, &out);
    out += ",\"trajectory\":\"";
    out += TrajectoryName(rollup.trajectory);
    out += "\"}";
  } else {
    out += "null";
  }
  out += ",\"queued\":" + (queued.is_null() ? std::string("null") : Dump(queued));
  if (body.repaired_bytes > 0) out += ",\"warning\":\"invalid UTF-8 repaired\"";
  out += "}";
  res.status = 201;
  res.set_content(out, "application/json");
}

void Server::PostConversations(const httplib::Request& req, httplib::Response& res) {
  std::vector<Conversation> conversations;
  std::vector<BulkError> errors;
  ParseBulkBody(req.body, &conversations, &errors);
  json errs = json::array();
  for (const auto& e : errors) errs.push_back({{"line", e.line}, {"error", e.error}});
  if (conversations.empty()) return Reply(res, 400, {{"error", "no valid conversation in the body"}, {"errors", errs}});
  StoreConversations(std::move(conversations), std::move(errs), res, nullptr);
}

void Server::StoreConversations(std::vector<Conversation> conversations, json errs, httplib::Response& res,
                                const HookSteps* steps) {
  std::vector<ScoredConversation> scored;
  int64_t messages = 0;
  const std::shared_ptr<const Scoring> scoring = CurrentScoring();
  for (auto& c : conversations) {
    messages += static_cast<int64_t>(c.messages.size());
    scored.push_back(ScoreConversation(std::move(c), ThreadScorer(scoring->model), {}, scoring->rollup));
    RedactForStorage(redaction_, &scored.back());
  }
  metrics_.Scored(messages);
  json queued = json::array();
  bool repeated = false;
  const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
    if (steps != nullptr && steps->first_seen) {
      ASSIGN_OR_RETURN(const bool fresh, steps->first_seen(ctx));
      if (!fresh) return repeated = true, Status::Ok();
    }
    // Scored by a model reloaded away since (rare): scored again by the
    // current one, from the text as stored.
    if (ctx.model() != nullptr && ctx.model() != scoring->model.get()) {
      const std::shared_ptr<const Scoring> now = CurrentScoring();
      for (auto& one : scored) one = ScoreConversation(std::move(one.conversation), ThreadScorer(now->model), {}, now->rollup);
    }
    for (auto& one : scored) {
      ASSIGN_OR_RETURN(LiveConversation * live, ctx.Put(std::move(one)));
      RETURN_IF_ERROR(MaybeAudit(ctx, live->sc.conversation.id));
      // Any message may set off the queue; the first that does names why.
      json q;
      for (size_t i = 0; i < live->sc.conversation.messages.size() && q.is_null(); ++i) {
        RETURN_IF_ERROR(MaybeQueue(ctx, *live, i, &q));
      }
      if (!q.is_null()) queued.push_back(q);
      if (steps != nullptr && steps->stored) RETURN_IF_ERROR(steps->stored(ctx, live->sc, q));
    }
    return Status::Ok();
  });
  if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
  if (repeated) return Reply(res, 200, {{"stored", 0}, {"repeated", true}});
  const size_t skipped = errs.size();
  Reply(res, 200,
        {{"stored", scored.size()},
         {"messages", messages},
         {"skipped", skipped},
         {"errors", errs},
         {"queued", queued}});
}

}  // namespace convsent::server
