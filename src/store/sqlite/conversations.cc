// The conversation rows of a SQLite store: a conversation, its messages
// (one JSON row), each model's scores and tone, and the narrow report row
// that the report and the tree scan.
#include <algorithm>

#include "convsent/detectors.h"
#include "store/codec.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace convsent::sqlite {

using store::PackFacts;
using store::UnpackFacts;

Status SqliteStore::Put(const ScoredConversation& sc, int64_t model_id,
                                    const EncodedConversation* encoded) {
  const Conversation& c = sc.conversation;
  const ConversationFacts& f = sc.facts;
  EncodedConversation local;
  if (encoded == nullptr) {
    local = EncodeConversation(sc);
    encoded = &local;
  }
  const std::string& tags = encoded->tags;
  const std::string& attributes = encoded->attributes;
  const std::string& events = encoded->events;
  // A new id is inserted; an existing one is updated in place and its
  // children dropped. Trying the insert first saves a lookup for the
  // common case, a new conversation.
  auto bind = [&](Stmt& put) {
    put.Bind(1, c.id).Bind(2, c.channel).Bind(3, c.topic).Bind(4, c.team).Bind(5, c.created_at_ms);
    put.Bind(6, c.csat).Bind(7, c.nps).Bind(8, tags).Bind(9, attributes).Bind(10, events);
    put.Bind(11, f.first_response_ms).Bind(12, f.agent_replies).Bind(13, f.customer_turns).Bind(14, f.agents);
    put.Bind(15, f.handoffs).Bind(16, f.reopened).Bind(17, f.escalated).Bind(18, f.resolution_ms);
    put.Bind(19, f.longest_wait_ms);
  };
  Stmt& insert = *statements_.at("insert_conversation");
  bind(insert);
  RETURN_IF_ERROR(Done(insert, "storing conversation " + c.id));
  int64_t id = 0;
  if (sqlite3_changes(db_) == 1) {
    id = sqlite3_last_insert_rowid(db_);
  } else {
    Stmt& update = *statements_.at("update_conversation");
    bind(update);
    RETURN_IF_ERROR(Done(update, "storing conversation " + c.id));
    Stmt& find = *statements_.at("find_conversation");
    find.Bind(1, c.id);
    if (find.Step() == SQLITE_ROW) id = find.Int(0);
    find.Reset();
    for (const char* name : {"delete_messages", "delete_scores", "delete_tones"}) {
      Stmt& del = *statements_.at(name);
      del.Bind(1, id);
      RETURN_IF_ERROR(Done(del, "replacing conversation " + c.id));
    }
  }
  // Replaced whole, by whichever process: the messages the server logged
  // for it and has not folded yet go with the old version (a scan of the
  // live log, which holds a fraction of a second of messages).
  Stmt& unlog = *statements_.at("delete_live_of");
  RETURN_IF_ERROR(Done(unlog.Bind(1, c.id), "replacing conversation " + c.id));
  Stmt& msg = *statements_.at("insert_messages");
  msg.Bind(1, id).Bind(2, encoded->messages);
  RETURN_IF_ERROR(Done(msg, "storing the messages of " + c.id));
  RETURN_IF_ERROR(PutScoresById(id, sc, model_id, *encoded));
  return PutReportRow(id, sc, model_id, *encoded);
}

Status SqliteStore::Append(const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e) {
  const Conversation& c = sc.conversation;
  const ConversationFacts& f = sc.facts;
  Stmt& find = *statements_.at("find_conversation");
  find.Bind(1, c.id);
  const bool exists = find.Step() == SQLITE_ROW;
  const int64_t id = exists ? find.Int(0) : 0;
  find.Reset();
  if (!exists) return Put(sc, model_id, &e);
  Stmt& up = *statements_.at("append_conversation");
  up.Bind(1, id).Bind(2, f.first_response_ms).Bind(3, f.agent_replies).Bind(4, f.customer_turns).Bind(5, f.agents);
  up.Bind(6, f.handoffs).Bind(7, f.reopened).Bind(8, f.escalated).Bind(9, f.resolution_ms).Bind(10, f.longest_wait_ms);
  up.Bind(11, c.created_at_ms);
  RETURN_IF_ERROR(Done(up, "storing conversation " + c.id));
  Stmt& msg = *statements_.at("update_messages");
  msg.Bind(1, id).Bind(2, e.messages);
  RETURN_IF_ERROR(Done(msg, "storing the messages of " + c.id));
  // Other models scored a shorter conversation: their scores are dropped,
  // as when a conversation is replaced.
  for (const char* name : {"delete_other_scores", "delete_other_tones"}) {
    Stmt& del = *statements_.at(name);
    del.Bind(1, id).Bind(2, model_id);
    RETURN_IF_ERROR(Done(del, "storing conversation " + c.id));
  }
  RETURN_IF_ERROR(PutScoresById(id, sc, model_id, e, /*replace=*/true));
  return PutReportRow(id, sc, model_id, e);
}

Status SqliteStore::PutScores(const std::string& ext_id, const ScoredConversation& sc, int64_t model_id) {
  Stmt& find = *statements_.at("find_conversation");
  find.Bind(1, ext_id);
  const bool exists = find.Step() == SQLITE_ROW;
  const int64_t id = exists ? find.Int(0) : 0;
  find.Reset();
  if (!exists) return Status::NotFound("no conversation " + ext_id);
  Stmt& del = *statements_.at("delete_model_scores");
  del.Bind(1, id).Bind(2, model_id);
  RETURN_IF_ERROR(Done(del, "replacing scores of " + ext_id));
  Stmt& del_tone = *statements_.at("delete_model_tone");
  del_tone.Bind(1, id).Bind(2, model_id);
  RETURN_IF_ERROR(Done(del_tone, "replacing the tone of " + ext_id));
  RETURN_IF_ERROR(PutScoresById(id, sc, model_id, EncodeConversation(sc)));
  // The report's tone follows this model if it is the current one, or if
  // the current one has not scored the conversation and this one is newer.
  const ConversationRollup& r = sc.rollup;
  Stmt& tone = *statements_.at("report_tone_from");
  tone.Bind(1, id).Bind(2, model_id).Bind(3, store::PackTone(r));
  tone.Bind(4, static_cast<double>(r.score5)).Bind(5, store::ToneMask()).Bind(6, current_model_id_);
  return Done(tone, "updating the report row of " + ext_id);
}

Result<std::optional<ScoredConversation>> SqliteStore::Get(const std::string& ext_id,
                                                                       const std::string& model) {
  std::string version = model;
  if (version.empty()) {
    ASSIGN_OR_RETURN(version, Meta("current_model"));
  }
  int64_t model_id = -1;
  if (!version.empty()) {
    Stmt& fm = *statements_.at("find_model");
    fm.Bind(1, version);
    if (fm.Step() == SQLITE_ROW) model_id = fm.Int(0);
    fm.Reset();
    if (model_id < 0 && !model.empty()) return Status::NotFound("no scores from model " + model + " in " + path_);
  }
  Stmt& get = *statements_.at("get_conversation");
  get.Bind(1, ext_id);
  if (get.Step() != SQLITE_ROW) {
    get.Reset();
    return std::optional<ScoredConversation>();
  }
  ScoredConversation sc;
  const int64_t id = get.Int(0);
  ReadConversationRow(get, &sc.conversation, &sc.facts);
  get.Reset();
  RETURN_IF_ERROR(ReadMessages(id, &sc.conversation));
  sc.scores.resize(sc.conversation.messages.size());
  Stmt& scores = *statements_.at("get_scores");
  scores.Bind(1, id).Bind(2, model_id);
  if (scores.Step() == SQLITE_ROW) store::DecodeScores(scores.Text(0), &sc.scores);
  scores.Reset();
  Stmt& tone = *statements_.at("get_tone");
  tone.Bind(1, id).Bind(2, model_id);
  if (tone.Step() == SQLITE_ROW) {
    ConversationRollup& r = sc.rollup;
    r.has_customer = tone.Int(0) != 0;
    r.tone = static_cast<Sentiment>(tone.Int(1));
    r.compound = static_cast<float>(tone.Real(2));
    r.score5 = static_cast<float>(tone.Real(3));
    r.start = static_cast<Sentiment>(tone.Int(4));
    r.end = static_cast<Sentiment>(tone.Int(5));
    r.start_compound = static_cast<float>(tone.Real(6));
    r.end_compound = static_cast<float>(tone.Real(7));
    r.trajectory = static_cast<Trajectory>(tone.Int(8));
    r.has_agent = tone.Int(9) != 0;
    r.agent_tone = static_cast<Sentiment>(tone.Int(10));
    r.agent_compound = static_cast<float>(tone.Real(11));
    store::DecodeMovers(tone.Text(12), &r);
  }
  tone.Reset();
  return std::optional<ScoredConversation>(std::move(sc));
}

Status SqliteStore::ForEach(const std::function<Status(const Conversation&)>& fn,
                                        std::optional<int64_t> from_ms, std::optional<int64_t> to_ms) {
  // A separate statement: `fn` may itself read through this store.
  Stmt all;
  RETURN_IF_ERROR(all.Prepare(db_,
                              "SELECT id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, "
                              "events, first_response_ms, agent_replies, customer_turns, agents, handoffs, "
                              "reopened, escalated, resolution_ms, longest_wait_ms FROM conversations "
                              "WHERE created_at >= ? AND created_at < ? ORDER BY id"));
  all.Bind(1, from_ms.value_or(INT64_MIN)).Bind(2, to_ms.value_or(INT64_MAX));
  int rc;
  while ((rc = all.Step()) == SQLITE_ROW) {
    Conversation c;
    ConversationFacts facts;
    const int64_t id = all.Int(0);
    ReadConversationRow(all, &c, &facts);
    RETURN_IF_ERROR(ReadMessages(id, &c));
    RETURN_IF_ERROR(fn(c));
  }
  if (rc != SQLITE_DONE) return Error("reading conversations");
  return Status::Ok();
}

namespace {

// The report row's own columns, then its labels (kReportColumns) or, for
// ScanForReport's merge, NULLs and the conversation's id.
#define CONVSENT_REPORT_ROW_COLUMNS \
  "r.created_at, r.model, r.score5, r.facts, r.first_response_ms, r.longest_wait_ms, r.resolution_ms, r.detectors, " \
  "r.segments, "
constexpr const char* kReportColumns = CONVSENT_REPORT_ROW_COLUMNS "l.human_label, l.audit_label";
constexpr const char* kReportColumnsUnlabelled = CONVSENT_REPORT_ROW_COLUMNS "NULL, NULL, r.conversation";
#undef CONVSENT_REPORT_ROW_COLUMNS

// The report rows with their conversation's labels (kReportColumns reads both).
constexpr const char* kReportRows =
    " FROM report_rows r LEFT JOIN conversation_labels l ON l.conversation = r.conversation";

// A label column: none where NULL.
std::optional<Sentiment> LabelAt(Stmt& q, int col) {
  return q.IsNull(col) ? std::nullopt : std::optional<Sentiment>(static_cast<Sentiment>(q.Int(col)));
}

// A row of kReportColumns, from column 0 of `q`.
void ReadReportRow(Stmt& q, ReportRow* row) {
  auto opt = [&](int col) { return q.IsNull(col) ? std::nullopt : std::optional<int64_t>(q.Int(col)); };
  row->created_at_ms = q.Int(0);
  row->model = static_cast<uint32_t>(q.Int(1));
  row->score5 = static_cast<float>(q.Real(2));
  UnpackFacts(q.Int(3), row);
  row->first_response_ms = opt(4);
  row->longest_wait_ms = opt(5);
  row->resolution_ms = opt(6);
  row->detectors = static_cast<uint64_t>(q.Int(7));
  store::DecodeSegmentIds(q.Blob(8), &row->segments);
  row->human = LabelAt(q, 9);
  row->audit = LabelAt(q, 10);
}

}  // namespace

Status SqliteStore::ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) {
  // The labels first (one row per labelled conversation), then the report
  // rows in the same order, merged here: a lookup per report row, as a join
  // does it, cost a million rows 6 % more time.
  struct LabelsOf {
    int64_t conversation;
    std::optional<Sentiment> human, audit;
  };
  std::vector<LabelsOf> labels;
  {
    Stmt l;
    RETURN_IF_ERROR(
        l.Prepare(db_, "SELECT conversation, human_label, audit_label FROM conversation_labels ORDER BY conversation"));
    int rc;
    while ((rc = l.Step()) == SQLITE_ROW) labels.push_back({l.Int(0), LabelAt(l, 1), LabelAt(l, 2)});
    if (rc != SQLITE_DONE) return Error("reading the conversations' labels for the report");
  }
  Stmt q;
  const std::string sql = std::string("SELECT ") + kReportColumnsUnlabelled +
                          " FROM report_rows r WHERE r.created_at >= ?1 AND r.created_at < ?2 ORDER BY r.conversation";
  RETURN_IF_ERROR(q.Prepare(db_, sql.c_str()));
  q.Bind(1, from_ms).Bind(2, to_ms);
  ReportRow row;
  size_t next = 0;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    ReadReportRow(q, &row);
    const int64_t conversation = q.Int(11);
    while (next < labels.size() && labels[next].conversation < conversation) ++next;
    if (next < labels.size() && labels[next].conversation == conversation) {
      row.human = labels[next].human, row.audit = labels[next].audit;
    }
    fn(row);
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error("scanning conversations for the report");
}

Result<std::optional<int64_t>> SqliteStore::LatestCreatedAt() {
  Stmt q;
  RETURN_IF_ERROR(q.Prepare(db_, "SELECT max(created_at) FROM conversations"));  // the index answers
  if (q.Step() != SQLITE_ROW) return Error("reading the newest conversation");
  return q.IsNull(0) ? std::nullopt : std::optional<int64_t>(q.Int(0));
}

Status SqliteStore::ScanMessages(int64_t from_ms, int64_t to_ms, std::optional<Sentiment> tone,
                                 const std::function<Status(const Conversation&, const ReportRow&)>& fn) {
  Stmt q;
  const std::string sql = std::string("SELECT ") + kReportColumns +
                          ", c.ext_id, m.messages" + kReportRows + " JOIN conversations c ON c.id = r.conversation "
                          "JOIN conversation_messages m ON m.conversation = r.conversation "
                          "WHERE r.created_at >= ?1 AND r.created_at < ?2 AND (r.facts & ?3) = ?4";
  RETURN_IF_ERROR(q.Prepare(db_, sql.c_str()));
  q.Bind(1, from_ms).Bind(2, to_ms);
  q.Bind(3, tone ? store::CustomerToneMask() : 0).Bind(4, tone ? store::PackCustomerTone(*tone) : 0);
  ReportRow row;
  Conversation c;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    ReadReportRow(q, &row);
    c.id = q.Text(11);
    c.messages.clear();
    RETURN_IF_ERROR(store::DecodeMessages(q.Text(12), path_, &c));
    RETURN_IF_ERROR(fn(c, row));
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error("scanning conversations' messages");
}

Result<ReportDictionary> SqliteStore::LoadReportDictionary() {
  ReportDictionary d;
  Stmt seg;
  RETURN_IF_ERROR(seg.Prepare(db_, "SELECT id, dimension, value FROM segment_values ORDER BY id"));
  while (seg.Step() == SQLITE_ROW) {
    const auto id = static_cast<size_t>(seg.Int(0));
    if (d.segments.size() <= id) d.segments.resize(id + 1);
    d.segments[id] = {seg.Text(1), seg.Text(2)};
  }
  Stmt full;
  RETURN_IF_ERROR(full.Prepare(db_, "SELECT dimension FROM segment_values GROUP BY dimension HAVING count(*) >= ?"));
  full.Bind(1, kMaxSegmentValues);
  while (full.Step() == SQLITE_ROW) d.capped_dimensions.push_back(full.Text(0));
  Stmt models;
  RETURN_IF_ERROR(models.Prepare(db_, "SELECT id, version FROM models ORDER BY id"));
  while (models.Step() == SQLITE_ROW) {
    const auto id = static_cast<size_t>(models.Int(0));
    if (d.models.size() <= id) d.models.resize(id + 1);
    d.models[id] = models.Text(1);
  }
  return d;
}

Status SqliteStore::BackfillReportRows() {
  Stmt all;
  RETURN_IF_ERROR(all.Prepare(db_,
                              "SELECT id, ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, "
                              "events, first_response_ms, agent_replies, customer_turns, agents, handoffs, "
                              "reopened, escalated, resolution_ms, longest_wait_ms FROM conversations"));
  Stmt pick;
  RETURN_IF_ERROR(pick.Prepare(db_,
                               "SELECT model, has_customer, tone, score5, trajectory, has_agent, agent_tone "
                               "FROM tones WHERE conversation = ?1 ORDER BY model = ?2 DESC, model DESC LIMIT 1"));
  int rc;
  while ((rc = all.Step()) == SQLITE_ROW) {
    ScoredConversation sc;
    const int64_t id = all.Int(0);
    ReadConversationRow(all, &sc.conversation, &sc.facts);
    RETURN_IF_ERROR(ReadMessages(id, &sc.conversation));
    pick.Bind(1, id).Bind(2, current_model_id_);
    int64_t model = 0;
    if (pick.Step() == SQLITE_ROW) {
      model = pick.Int(0);
      sc.rollup.has_customer = pick.Int(1) != 0;
      sc.rollup.tone = static_cast<Sentiment>(pick.Int(2));
      sc.rollup.score5 = static_cast<float>(pick.Real(3));
      sc.rollup.trajectory = static_cast<Trajectory>(pick.Int(4));
      sc.rollup.has_agent = pick.Int(5) != 0;
      sc.rollup.agent_tone = static_cast<Sentiment>(pick.Int(6));
    }
    pick.Reset();
    EncodedConversation e;
    e.detectors = DetectInConversation(sc.conversation).packed();
    RETURN_IF_ERROR(PutReportRow(id, sc, model, e));
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error("rebuilding the report rows");
}

store::SegmentDictionary::Table SqliteStore::SegmentTable() {
  store::SegmentDictionary::Table t;
  t.find = [this](std::string_view dim, std::string_view value) -> Result<std::optional<int64_t>> {
    Stmt& find = *statements_.at("find_segment");
    find.Bind(1, std::string(dim)).Bind(2, std::string(value));
    std::optional<int64_t> id;
    if (find.Step() == SQLITE_ROW) id = find.Int(0);
    find.Reset();
    return id;
  };
  t.count = [this](std::string_view dim) -> Result<int64_t> {
    Stmt& n = *statements_.at("count_segment_values");
    n.Bind(1, std::string(dim));
    const int64_t size = n.Step() == SQLITE_ROW ? n.Int(0) : 0;
    n.Reset();
    return size;
  };
  t.all = [this](std::string_view dim, const std::function<void(int64_t, std::string)>& each) {
    Stmt& all = *statements_.at("dimension_values");
    all.Bind(1, std::string(dim));
    while (all.Step() == SQLITE_ROW) each(all.Int(0), all.Text(1));
    all.Reset();
    return Status::Ok();
  };
  t.add = [this](std::string_view dim, std::string_view value) -> Result<int64_t> {
    Stmt& add = *statements_.at("add_segment");
    add.Bind(1, std::string(dim)).Bind(2, std::string(value));
    RETURN_IF_ERROR(Done(add, "adding segment value"));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  };
  return t;
}

Status SqliteStore::PutReportRow(int64_t id, const ScoredConversation& sc, int64_t model_id,
                                 const EncodedConversation& e) {
  const Conversation& c = sc.conversation;
  const ConversationFacts& f = sc.facts;
  const ConversationRollup& r = sc.rollup;
  ASSIGN_OR_RETURN(const std::string blob, segments_.RowSegments(c, CustomerLanguage(sc)));
  Stmt& put = *statements_.at("put_report_row");
  put.Bind(1, id).Bind(2, c.created_at_ms).Bind(3, model_id).Bind(4, static_cast<double>(r.score5));
  put.Bind(5, PackFacts(r, f, c)).Bind(6, f.first_response_ms).Bind(7, f.longest_wait_ms).Bind(8, f.resolution_ms);
  put.Bind(9, static_cast<int64_t>(e.detectors));
  put.BindBlob(10, blob);
  return Done(put, "storing the report row of " + c.id);
}

Status SqliteStore::PutScoresById(int64_t id, const ScoredConversation& sc, int64_t model_id,
                                  const EncodedConversation& e, bool replace) {
  Stmt& score = *statements_.at(replace ? "replace_scores" : "insert_scores");
  score.Bind(1, id).Bind(2, model_id).Bind(3, e.scores);
  RETURN_IF_ERROR(Done(score, "storing scores of " + sc.conversation.id));
  const ConversationRollup& r = sc.rollup;
  Stmt& tone = *statements_.at(replace ? "replace_tone" : "insert_tone");
  tone.Bind(1, id).Bind(2, model_id).Bind(3, r.has_customer ? 1 : 0).Bind(4, static_cast<int>(r.tone));
  tone.Bind(5, static_cast<double>(r.compound)).Bind(6, static_cast<double>(r.score5));
  tone.Bind(7, static_cast<int>(r.start)).Bind(8, static_cast<int>(r.end));
  tone.Bind(9, static_cast<double>(r.start_compound)).Bind(10, static_cast<double>(r.end_compound));
  tone.Bind(11, static_cast<int>(r.trajectory)).Bind(12, r.has_agent ? 1 : 0);
  tone.Bind(13, static_cast<int>(r.agent_tone)).Bind(14, static_cast<double>(r.agent_compound));
  tone.Bind(15, e.movers);
  return Done(tone, "storing the tone of " + sc.conversation.id);
}

void SqliteStore::ReadConversationRow(const Stmt& q, Conversation* c, ConversationFacts* f) {
  c->id = q.Text(1);
  c->channel = q.Text(2);
  c->topic = q.Text(3);
  c->team = q.Text(4);
  c->created_at_ms = q.Int(5);
  if (!q.IsNull(6)) c->csat = static_cast<int>(q.Int(6));
  if (!q.IsNull(7)) c->nps = static_cast<int>(q.Int(7));
  store::DecodeConversationJson(q.Text(8), q.Text(9), q.Text(10), c);
  if (!q.IsNull(11)) f->first_response_ms = q.Int(11);
  f->agent_replies = static_cast<int>(q.Int(12));
  f->customer_turns = static_cast<int>(q.Int(13));
  f->agents = static_cast<int>(q.Int(14));
  f->handoffs = static_cast<int>(q.Int(15));
  f->reopened = static_cast<int>(q.Int(16));
  f->escalated = static_cast<int>(q.Int(17));
  if (!q.IsNull(18)) f->resolution_ms = q.Int(18);
  if (!q.IsNull(19)) f->longest_wait_ms = q.Int(19);
}

Status SqliteStore::ReadMessages(int64_t id, Conversation* c) {
  Stmt& m = *statements_.at("get_messages");
  m.Bind(1, id);
  const int rc = m.Step();
  Status decoded = Status::Ok();
  if (rc == SQLITE_ROW) decoded = store::DecodeMessages(m.Text(0), path_, c);
  m.Reset();
  RETURN_IF_ERROR(decoded);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok() : Error("reading messages");
}

}  // namespace convsent::sqlite
