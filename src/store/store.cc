// What every Store implementation shares: the encoding of a conversation's
// JSON columns, the report's dictionary, the choice of implementation, and
// reads that join two record families (LabelledConversations).
#include <cstdlib>
#include <map>

#include "convsent/detectors.h"
#include "convsent/score_format.h"
#include "convsent/store.h"
#include "store/codec.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace convsent {
namespace {

std::string ExplainJson(const MessageScore& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.explain.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('[');
    AppendJsonString(s.explain[i].token, &out);
    out.push_back(',');
    AppendJsonNumber(s.explain[i].weight, 3, &out);
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

}  // namespace

Status Store::InTransaction(const std::function<Status()>& writes) {
  if (in_transaction()) {
    RETURN_IF_ERROR(Savepoint());
    Status s = writes();
    if (s.ok()) s = Release();
    if (!s.ok()) (void)RollbackToSavepoint();
    return s;
  }
  RETURN_IF_ERROR(Begin());
  Status s = writes();
  if (s.ok()) s = Commit();
  if (!s.ok()) (void)Rollback();  // after a failed commit too: PostgreSQL may report it only there
  return s;
}

Result<Redaction> StoredRedaction(Store& store) {
  ASSIGN_OR_RETURN(const std::string spec, store.Setting("redact"));
  auto r = ParseRedaction(spec);
  if (!r.ok()) return r.status().WithContext("the store's redact setting");
  return r;
}

void RedactForStorage(const Redaction& r, Message* m, std::optional<MessageScore>* score) {
  if (!r.enabled()) return;
  m->text = Redact(m->text, r);
  m->author = Redact(m->author, r);
  if (score != nullptr && score->has_value()) {
    for (Contribution& c : (*score)->explain) c.token = Redact(c.token, r);
  }
}

void RedactForStorage(const Redaction& r, ScoredConversation* sc) {
  if (!r.enabled()) return;
  for (size_t i = 0; i < sc->conversation.messages.size(); ++i) {
    RedactForStorage(r, &sc->conversation.messages[i], i < sc->scores.size() ? &sc->scores[i] : nullptr);
  }
  for (auto& [name, value] : sc->conversation.attributes) value = Redact(value, r);
}

Status FoldLiveMessage(const LiveMessage& m, ScoredConversation* c) {
  RETURN_IF_ERROR(store::DecodeMessages("[" + m.message + "]", "the live log of " + m.conversation, &c->conversation));
  std::vector<std::optional<MessageScore>> score(1);
  store::DecodeScores("[" + m.score + "]", &score);
  c->scores.push_back(std::move(score[0]));
  return Status::Ok();
}

EncodedConversation EncodeConversation(const ScoredConversation& sc) {
  const Conversation& c = sc.conversation;
  EncodedConversation e;
  e.tags = "[";
  for (size_t i = 0; i < c.tags.size(); ++i) {
    if (i) e.tags.push_back(',');
    AppendJsonString(c.tags[i], &e.tags);
  }
  e.tags += "]";
  e.attributes = "{";
  for (size_t i = 0; i < c.attributes.size(); ++i) {
    if (i) e.attributes.push_back(',');
    AppendJsonString(c.attributes[i].first, &e.attributes);
    e.attributes.push_back(':');
    AppendJsonString(c.attributes[i].second, &e.attributes);
  }
  e.attributes += "}";
  e.events = "[";
  for (size_t i = 0; i < c.events.size(); ++i) {
    e.events += i ? ",{\"type\":" : "{\"type\":";
    AppendJsonString(c.events[i].type, &e.events);
    e.events += ",\"at\":" + std::to_string(c.events[i].at_ms) + "}";
  }
  e.events += "]";
  e.messages = "[";
  for (size_t i = 0; i < c.messages.size(); ++i) {
    if (i) e.messages.push_back(',');
    AppendMessageJson(c.messages[i], &e.messages);
  }
  e.messages += "]";
  e.scores = "[";
  for (size_t i = 0; i < sc.scores.size(); ++i) {
    if (i) e.scores.push_back(',');
    AppendScoreJson(sc.scores[i], &e.scores);
  }
  e.scores += "]";
  e.movers = MoversJson(sc.rollup);
  e.detectors = DetectInConversation(c).packed();
  return e;
}

void AppendMessageJson(const Message& m, std::string* out) {
  // [role, author, at_ms, text]
  *out += "[" + std::to_string(static_cast<int>(m.role)) + ",";
  AppendJsonString(m.author, out);
  *out += "," + std::to_string(m.at_ms) + ",";
  AppendJsonString(m.text, out);
  out->push_back(']');
}

void AppendScoreJson(const std::optional<MessageScore>& score, std::string* out) {
  // null (a note), or [label, p_negative, p_neutral, p_positive, [[token, weight], ...]],
  // with a sixth element 1 when the score read the turns before it, a
  // seventh, the Language, when that is not English or was given, and an
  // eighth, 1, when it was given (a help desk's locale) rather than told.
  if (!score) {
    *out += "null";
    return;
  }
  const MessageScore& s = *score;
  *out += "[" + std::to_string(static_cast<int>(s.label));
  for (float p : s.p) {
    out->push_back(',');
    AppendJsonNumber(p, 4, out);
  }
  *out += "," + ExplainJson(s);
  if (s.language != Language::kEnglish || s.language_given) {
    *out += (s.context ? ",1," : ",0,") + std::to_string(static_cast<int>(s.language)) +
            (s.language_given ? ",1]" : "]");
  } else {
    *out += s.context ? ",1]" : "]";
  }
}

std::string MoversJson(const ConversationRollup& r) {
  std::string out = "[";
  for (size_t i = 0; i < r.movers.size(); ++i) out += (i ? "," : "") + std::to_string(r.movers[i]);
  return out + "]";
}

void AppendToEncoded(const std::string& message_json, const std::string& score_json, EncodedConversation* e) {
  for (auto [array, item] : {std::pair{&e->messages, &message_json}, std::pair{&e->scores, &score_json}}) {
    CONVSENT_CHECK(!array->empty() && array->back() == ']');
    array->pop_back();
    if (array->size() > 1) array->push_back(',');
    *array += *item;
    array->push_back(']');
  }
}

ReportRow ReportRowOf(const ScoredConversation& sc) {
  ReportRow r;
  const ConversationFacts& f = sc.facts;
  r.created_at_ms = sc.conversation.created_at_ms;
  r.has_customer = sc.rollup.has_customer;
  r.tone = sc.rollup.tone;
  r.score5 = sc.rollup.score5;
  r.trajectory = sc.rollup.trajectory;
  if (sc.rollup.has_agent) r.agent_tone = sc.rollup.agent_tone;
  r.first_response_ms = f.first_response_ms;
  r.longest_wait_ms = f.longest_wait_ms;
  r.resolution_ms = f.resolution_ms;
  r.agent_replies = f.agent_replies;
  r.customer_turns = f.customer_turns;
  r.handoffs = f.handoffs;
  r.escalated = f.escalated;
  r.reopened = f.reopened;
  r.csat = sc.conversation.csat;
  r.nps = sc.conversation.nps;
  r.detectors = DetectInConversation(sc.conversation).packed();
  return r;
}

uint32_t ReportDictionary::InternSegment(const std::string& dimension, const std::string& value) {
  if (auto id = FindSegment(dimension, value)) return *id;
  if (segments.empty()) segments.emplace_back();  // id 0 is never used
  segments.push_back({dimension, value});
  return static_cast<uint32_t>(segments.size() - 1);
}

uint32_t ReportDictionary::InternModel(const std::string& version) {
  for (size_t i = 1; i < models.size(); ++i) {
    if (models[i] == version) return static_cast<uint32_t>(i);
  }
  if (models.empty()) models.emplace_back();
  models.push_back(version);
  return static_cast<uint32_t>(models.size() - 1);
}

std::optional<uint32_t> ReportDictionary::FindSegment(const std::string& dimension, const std::string& value) const {
  for (size_t i = 1; i < segments.size(); ++i) {
    if (segments[i].dimension == dimension && segments[i].value == value) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& location) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    return OpenPgStore(location);
  }
  return OpenSqliteStore(location.rfind("sqlite:", 0) == 0 ? location.substr(7) : location);
}

std::string DefaultStoreLocation() {
  const char* env = std::getenv("CONVSENT_DB");
  return env && *env ? env : "convsent.db";
}


Result<std::vector<LabeledConversation>> LabelledConversations(Store& store, int64_t* conversation_labels) {
  // Labels come in the order given: a later one of the same message wins.
  std::map<std::string, std::map<int, Sentiment>> latest;
  RETURN_IF_ERROR(store.labels().ForEach([&](const HumanLabel& l) {
    if (l.message < 0) return ++*conversation_labels, Status::Ok();
    latest[l.conversation][l.message] = l.label;
    return Status::Ok();
  }));
  std::vector<LabeledConversation> out;
  for (const auto& [id, labels] : latest) {
    ASSIGN_OR_RETURN(auto stored, store.conversations().Get(id));
    if (!stored) continue;  // labelled, then deleted
    LabeledConversation c;
    c.id = id;
    bool any = false;
    for (size_t i = 0; i < stored->conversation.messages.size(); ++i) {
      const Message& m = stored->conversation.messages[i];
      if (m.role == Role::kNote) continue;  // never scored
      LabeledTurn t;
      t.speaker = std::string(RoleName(m.role));
      t.text = m.text;
      if (auto it = labels.find(static_cast<int>(i)); it != labels.end()) t.label = it->second, any = true;
      c.turns.push_back(std::move(t));
    }
    if (any) out.push_back(std::move(c));
  }
  return out;
}

BackgroundCheckpoints::BackgroundCheckpoints(const std::string& location, std::chrono::milliseconds period,
                                             bool start_writeback) {
  auto store = Store::Open(location);
  if (!store.ok() || (*store)->checkpoints() == nullptr) return;
  thread_ = std::thread([this, store = std::move(*store), period, start_writeback] {
    Checkpoints& checkpoints = *store->checkpoints();
    for (;;) {
      {
        std::unique_lock lock(mu_);
        if (wake_.wait_for(lock, period, [this] { return done_; })) return;
      }
      if (start_writeback) (void)checkpoints.StartWriteback();
      (void)checkpoints.Run();
    }
  });
}

BackgroundCheckpoints::~BackgroundCheckpoints() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace convsent
