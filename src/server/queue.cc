// The review queue's routes: list, claim, release, resolve (a resolved
// item's label is stored as a person's label), and the event stream.
#include <cstdlib>

#include "convsent/labels.h"
#include "convsent/review_queue.h"
#include "server/server_impl.h"
#include "util/json_depth.h"

namespace convsent::server {

json Server::ReviewJson(const ReviewItem& r) {
  return {{"id", r.id},
          {"conversation", r.conversation},
          {"reason", r.reason},
          {"severity", r.severity},
          {"audit", r.audit},
          {"compound", r.compound},
          {"status", r.status},
          {"claimed_by", r.claimed_by},
          {"label", r.label},
          {"note", r.note},
          {"created_at", FormatTime(r.created_at_ms)},
          {"claimed_at", r.claimed_at_ms ? json(FormatTime(r.claimed_at_ms)) : json()},
          {"resolved_at", r.resolved_at_ms ? json(FormatTime(r.resolved_at_ms)) : json()}};
}

void Server::ListQueue(const httplib::Request& req, httplib::Response& res) {
  const std::string status = req.has_param("status") ? req.get_param_value("status") : "open";
  if (status != "open" && status != "claimed" && status != "resolved" && status != "all") {
    return Error(res, 400, "status: expected open, claimed, resolved or all");
  }
  const std::string order = req.has_param("order") ? req.get_param_value("order") : "severity";
  if (order != "severity" && order != "age") return Error(res, 400, "order: expected severity or age");
  int limit = 100;
  if (req.has_param("limit")) {
    const std::string v = req.get_param_value("limit");
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 1 || n > 10000) return Error(res, 400, "limit: expected 1 to 10000");
    limit = static_cast<int>(n);
  }
  Store* store = Reader();
  if (!store) return Error(res, 503, "the store cannot be opened");
  auto items = store->review_items().List(status == "all" ? "" : status, order, limit);
  if (!items.ok()) return Error(res, 500, items.status().message());
  json out = json::array();
  for (const auto& r : *items) out.push_back(ReviewJson(r));
  Reply(res, 200, {{"items", out}});
}

void Server::QueueAction(const httplib::Request& req, httplib::Response& res, const Principal& who) {
  const int64_t id = std::atoll(std::string(req.matches[1]).c_str());
  const auto action = ParseReviewAction(req.matches[2]);
  if (!action) return Error(res, 404, "no such endpoint");
  Sentiment label = Sentiment::kNeutral;
  std::string note;
  if (*action == ReviewAction::kResolve) {
    if (JsonTooDeep(req.body) != std::string_view::npos) return Error(res, 400, "body: " + JsonTooDeepMessage());
    const auto body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return Error(res, 400, "body: expected a JSON object with label and note");
    if (!body.contains("label") || !body["label"].is_string())
      return Error(res, 400, "label: expected negative, neutral or positive");
    if (!ParseSentiment(body["label"].get<std::string>(), &label)) {
      return Error(res, 400, "label: expected negative, neutral or positive");
    }
    if (body.contains("note")) {
      if (!body["note"].is_string()) return Error(res, 400, "note: not a string");
      note = body["note"].get<std::string>();
    }
  }
  int status = 200;
  std::string problem;
  json answer;
  const Status s = writer_->Submit([&](WriterContext& ctx) -> Status {
    ASSIGN_OR_RETURN(auto item, ctx.store().review_items().Get(id));
    if (!item) return status = 404, problem = "no review item " + std::to_string(id), Status::Ok();
    const Reviewer reviewer{who.name, who.key_id, who.role == "admin"};
    const Status allowed = ApplyReviewAction(&*item, *action, reviewer, label, note, NowMs());
    if (!allowed.ok()) return status = 409, problem = allowed.message(), Status::Ok();
    if (*action == ReviewAction::kResolve) {
      RETURN_IF_ERROR(ctx.Fold(item->conversation));  // its report row carries the label
      RETURN_IF_ERROR(ctx.store().labels().Add(ResolutionLabel(*item, reviewer, CurrentScoring()->model->info().version)));
    }
    RETURN_IF_ERROR(ctx.store().review_items().Update(*item));
    answer = ReviewJson(*item);
    const char* type = *action == ReviewAction::kResolve ? "resolved"
                       : *action == ReviewAction::kClaim ? "claimed"
                                                         : "released";
    RETURN_IF_ERROR(Announce(ctx, type, answer));
    ctx.AfterCommit([this, answer, type] { events_.Publish(type, Dump(answer)); });
    return Status::Ok();
  });
  if (!s.ok()) return Error(res, 503, "not stored: " + s.message());
  if (status != 200) return Error(res, status, problem);
  Reply(res, 200, answer);
}

void Server::QueueEvents(const httplib::Request& req, httplib::Response& res) {
  int64_t after = events_.last();
  if (req.has_header("Last-Event-ID")) after = std::atoll(req.get_header_value("Last-Event-ID").c_str());
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider("text/event-stream", [this, after](size_t, httplib::DataSink& sink) mutable {
    if (events_.stopped()) return false;
    const auto events = events_.After(after, std::chrono::milliseconds(15000));
    std::string out;
    for (const auto& e : events) {
      out += "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data + "\n\n";
      after = e.id;
    }
    if (out.empty()) out = ": keep-alive\n\n";
    return sink.write(out.data(), out.size()) && !events_.stopped();
  });
}

}  // namespace convsent::server
