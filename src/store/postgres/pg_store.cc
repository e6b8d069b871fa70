#include "store/postgres/pg_store.h"

#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "store/codec.h"
#include "store/postgres/connection.h"
#include "store/family_owner.h"
#include "store/postgres/families.h"
#include "store/postgres/rows.h"
#include "store/postgres/schema.h"

namespace convsent {
namespace {

using namespace pg;  // NOLINT: the connection and its reads, this backend's vocabulary

// Any constant: the key of the advisory lock that serializes migrations.
constexpr int64_t kMigrationLock = 0x636f6e7673656e74;  // "convsent"

class PgStore final : public store::FamilyOwner, public StoredConversations, public Announcements {
 public:
  static constexpr const char* kChannel = "convsent_events";

  ~PgStore() override { families_ = {}; }  // on db_: gone before it closes

  Status Init(const std::string& url) {
    url_ = url;
    name_ = RedactPgUrl(url);
    RETURN_IF_ERROR(db_.Open(url, name_));
    families_ = {.alerts = NewAlerts(&db_),
                 .api_keys = NewApiKeys(&db_),
                 .backlog = NewBacklog(&db_),
                 .discovered_issues = NewDiscoveredIssues(&db_),
                 .interventions = NewInterventions(&db_),
                 .labels = NewLabels(&db_),
                 .live_log = nullptr,  // a shared store writes through
                 .review_items = NewReviewItems(&db_, &in_transaction_),
                 .sync_cursors = NewSyncCursors(&db_),
                 .write_backs = NewWriteBacks(&db_),
                 .webhook_deliveries = NewWebhookDeliveries(&db_)};
    RETURN_IF_ERROR(Migrate());
    RETURN_IF_ERROR(Prepare());
    return LoadCurrentModel();
  }

  const std::string& location() const override { return url_; }

  Status Begin() override {
    RETURN_IF_ERROR(db_.Exec("BEGIN", "beginning a transaction"));
    in_transaction_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    in_transaction_ = false;
    if (Status s = db_.Drain(); !s.ok()) {
      (void)db_.Exec("ROLLBACK", "rolling back");
      (void)LoadCurrentModel();
      return s;
    }
    // COMMIT of a transaction that failed answers ROLLBACK, not an error.
    auto r = db_.Query("COMMIT", Params(), "committing");
    RETURN_IF_ERROR(r.status());
    if (std::string_view(pq::Lib().PQcmdStatus(r->get())) != "COMMIT") {
      (void)LoadCurrentModel();
      return Status::IoError(name_ + ": the transaction failed and was rolled back");
    }
    return Status::Ok();
  }
  Status Rollback() override {
    in_transaction_ = false;
    (void)db_.Drain();
    RETURN_IF_ERROR(db_.Exec("ROLLBACK", "rolling back"));
    return LoadCurrentModel();
  }
  // Sent without waiting: it goes out with the request's first read.
  Status Savepoint() override { return db_.SendSql("SAVEPOINT op", "taking a savepoint"); }
  Status Release() override { return db_.Exec("RELEASE SAVEPOINT op", "releasing a savepoint"); }
  bool in_transaction() const override { return in_transaction_; }
  Status RollbackToSavepoint() override {
    (void)db_.Drain();
    RETURN_IF_ERROR(db_.Exec("ROLLBACK TO SAVEPOINT op; RELEASE SAVEPOINT op", "rolling back to a savepoint"));
    return LoadCurrentModel();
  }

  Result<int64_t> RegisterModel(const std::string& version, const std::string& info_json) override {
    if (auto it = model_ids_.find(version); it != model_ids_.end()) return it->second;
    // On the dictionary connection, committed at once: a model's id must not
    // wait on, or deadlock with, another worker's open batch.
    RETURN_IF_ERROR(OpenDictionary());
    ASSIGN_OR_RETURN(auto r, dict_->Query("INSERT INTO models(version, info, added_at) VALUES($1, $2, $3) "
                                          "ON CONFLICT (version) DO NOTHING RETURNING id",
                                          Params().Add(version).Add(info_json).Add(static_cast<int64_t>(std::time(nullptr))),
                                          "registering model " + version));
    if (pq::Lib().PQntuples(r.get()) == 0) {
      ASSIGN_OR_RETURN(r, dict_->Query("SELECT id FROM models WHERE version = $1", Params().Add(version),
                                       "registering model " + version));
      if (pq::Lib().PQntuples(r.get()) == 0) return Status::Internal(name_ + ": model " + version + " vanished");
    }
    const int64_t id = Int(r.get(), 0, 0);
    model_ids_[version] = id;
    return id;
  }

  Status SetCurrentModel(const std::string& version) override {
    ASSIGN_OR_RETURN(const int64_t id, RegisterModel(version, "{}"));
    if (id == current_model_id_) return Status::Ok();
    const bool own = !in_transaction_;
    if (own) RETURN_IF_ERROR(Begin());
    const int64_t mask = store::ToneMask();
    const std::string what = "switching the report to model " + version;
    Status st = SetMeta("current_model", version);
    // The report reads the current model's tone where it scored the
    // conversation, else the latest model's that did.
    if (st.ok()) {
      st = db_.Query(std::string("UPDATE report_rows r SET model = t.model, score5 = t.score5, facts = (r.facts & ~$2::BIGINT) | ") +
                         kPackedTone + " FROM tones t WHERE t.conversation = r.conversation AND t.model = $1::BIGINT",
                     Params().Add(id).Add(mask), what)
               .status();
    }
    if (st.ok()) {
      st = db_.Query(std::string("UPDATE report_rows r SET (model, score5, facts) = (SELECT t.model, t.score5, "
                                 "(r.facts & ~$2::BIGINT) | ") +
                         kPackedTone +
                         " FROM tones t WHERE t.conversation = r.conversation ORDER BY t.model DESC LIMIT 1) "
                         "WHERE r.model <> $1::BIGINT AND EXISTS(SELECT 1 FROM tones t WHERE t.conversation = r.conversation)",
                     Params().Add(id).Add(mask), what)
               .status();
    }
    if (own) {
      if (!st.ok()) {
        (void)Rollback();
        return st;
      }
      RETURN_IF_ERROR(Commit());
    } else if (!st.ok()) {
      return st;
    }
    current_model_id_ = id;
    return Status::Ok();
  }

  Status Put(const ScoredConversation& sc, int64_t model_id, const EncodedConversation* encoded) override {
    EncodedConversation local;
    if (encoded == nullptr) {
      local = EncodeConversation(sc);
      encoded = &local;
    }
    return Write(sc, model_id, *encoded, /*append=*/false);
  }

  Status Append(const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e) override {
    return Write(sc, model_id, e, /*append=*/true);
  }

  Status PutScores(const std::string& ext_id, const ScoredConversation& sc, int64_t model_id) override {
    ASSIGN_OR_RETURN(auto found, db_.Run("find_conversation", Params().Add(ext_id), "finding " + ext_id));
    if (pq::Lib().PQntuples(found.get()) == 0) return Status::NotFound("no conversation " + ext_id);
    const int64_t id = Int(found.get(), 0, 0);
    const EncodedConversation e = EncodeConversation(sc);
    const ConversationRollup& r = sc.rollup;
    RETURN_IF_ERROR(db_.Query("INSERT INTO conversation_scores(conversation, model, scores) VALUES($1, $2, $3) "
                              "ON CONFLICT (conversation, model) DO UPDATE SET scores = excluded.scores",
                              Params().Add(id).Add(model_id).Add(e.scores), "replacing scores of " + ext_id)
                        .status());
    Params tone;
    tone.Add(id).Add(model_id);
    AddTone(r, e, &tone);
    RETURN_IF_ERROR(db_.Query("INSERT INTO tones(conversation, model, has_customer, tone, compound, score5, start_tone, "
                              "end_tone, start_compound, end_compound, trajectory, has_agent, agent_tone, "
                              "agent_compound, movers) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) "
                              "ON CONFLICT (conversation, model) DO UPDATE SET has_customer = excluded.has_customer, "
                              "tone = excluded.tone, compound = excluded.compound, score5 = excluded.score5, "
                              "start_tone = excluded.start_tone, end_tone = excluded.end_tone, "
                              "start_compound = excluded.start_compound, end_compound = excluded.end_compound, "
                              "trajectory = excluded.trajectory, has_agent = excluded.has_agent, "
                              "agent_tone = excluded.agent_tone, agent_compound = excluded.agent_compound, "
                              "movers = excluded.movers",
                              tone, "replacing the tone of " + ext_id)
                        .status());
    // The report's tone follows this model if it is the current one, or if
    // the current one has not scored the conversation and this one is newer.
    return db_.Query("UPDATE report_rows SET model = $2::BIGINT, score5 = $4, facts = (facts & ~$5::BIGINT) | $3::BIGINT "
                     "WHERE conversation = $1 AND ($2::BIGINT = $6::BIGINT OR (model <> $6::BIGINT AND $2::BIGINT >= model))",
                     Params().Add(id).Add(model_id).Add(store::PackTone(r)).Add(static_cast<double>(r.score5))
                         .Add(store::ToneMask()).Add(current_model_id_),
                     "updating the report row of " + ext_id)
        .status();
  }

  Result<std::optional<ScoredConversation>> Get(const std::string& ext_id,
                                                            const std::string& model) override {
    // One round trip, a prepared statement: the server's writer reads a
    // conversation per message. In a transaction the conversation stays
    // locked until it ends, so two servers appending to it take turns.
    Params params;
    params.Add(ext_id);
    std::string statement = in_transaction_ ? "get_conversation_locked" : "get_conversation";
    if (!model.empty()) {
      ASSIGN_OR_RETURN(auto m, db_.Query("SELECT id FROM models WHERE version = $1", Params().Add(model),
                                         "finding model " + model));
      if (pq::Lib().PQntuples(m.get()) == 0) return Status::NotFound("no scores from model " + model + " in " + name_);
      params.Add(Int(m.get(), 0, 0));
      statement += "_of_model";
    }
    ASSIGN_OR_RETURN(auto row, db_.Run(statement, params, "reading conversation " + ext_id));
    if (pq::Lib().PQntuples(row.get()) == 0) return std::optional<ScoredConversation>();
    const PGresult* q = row.get();
    ScoredConversation sc;
    ReadConversationRow(q, 0, &sc.conversation, &sc.facts);
    if (!IsNull(q, 0, 20))
      RETURN_IF_ERROR(store::DecodeMessages(pq::Lib().PQgetvalue(q, 0, 20), name_, &sc.conversation));
    sc.scores.resize(sc.conversation.messages.size());
    if (!IsNull(q, 0, 21)) store::DecodeScores(pq::Lib().PQgetvalue(q, 0, 21), &sc.scores);
    if (!IsNull(q, 0, 22)) {
      constexpr int t = 22;
      ConversationRollup& r = sc.rollup;
      r.has_customer = Int(q, 0, t) != 0;
      r.tone = static_cast<Sentiment>(Int(q, 0, t + 1));
      r.compound = static_cast<float>(Real(q, 0, t + 2));
      r.score5 = static_cast<float>(Real(q, 0, t + 3));
      r.start = static_cast<Sentiment>(Int(q, 0, t + 4));
      r.end = static_cast<Sentiment>(Int(q, 0, t + 5));
      r.start_compound = static_cast<float>(Real(q, 0, t + 6));
      r.end_compound = static_cast<float>(Real(q, 0, t + 7));
      r.trajectory = static_cast<Trajectory>(Int(q, 0, t + 8));
      r.has_agent = Int(q, 0, t + 9) != 0;
      r.agent_tone = static_cast<Sentiment>(Int(q, 0, t + 10));
      r.agent_compound = static_cast<float>(Real(q, 0, t + 11));
      store::DecodeMovers(pq::Lib().PQgetvalue(q, 0, t + 12), &r);
    }
    return std::optional<ScoredConversation>(std::move(sc));
  }

  Status ForEach(const std::function<Status(const Conversation&)>& fn, std::optional<int64_t> from_ms,
                             std::optional<int64_t> to_ms) override {
    // A page at a time, by id: `fn` may itself read through this store.
    int64_t after = 0;
    while (true) {
      ASSIGN_OR_RETURN(auto page, db_.Query(std::string("SELECT ") + kConversationColumns +
                                                ", (SELECT messages FROM conversation_messages m WHERE m.conversation = c.id) "
                                                "FROM conversations c WHERE id > $1 AND created_at >= $2 AND created_at < $3 "
                                                "ORDER BY id LIMIT 500",
                                            Params().Add(after).Add(from_ms.value_or(INT64_MIN)).Add(to_ms.value_or(INT64_MAX)),
                                            "reading conversations"));
      const int n = pq::Lib().PQntuples(page.get());
      if (n == 0) return Status::Ok();
      for (int i = 0; i < n; ++i) {
        Conversation c;
        ConversationFacts facts;
        after = Int(page.get(), i, 0);
        ReadConversationRow(page.get(), i, &c, &facts);
        if (!IsNull(page.get(), i, 20))
          RETURN_IF_ERROR(store::DecodeMessages(pq::Lib().PQgetvalue(page.get(), i, 20), name_, &c));
        RETURN_IF_ERROR(fn(c));
      }
    }
  }

  Status ScanForReport(int64_t from_ms, int64_t to_ms, const std::function<void(const ReportRow&)>& fn) override {
    ReportRow row;
    return db_.Stream(std::string("SELECT ") + kReportColumns + kReportRows +
                          " WHERE r.created_at >= $1 AND r.created_at < $2",
                      Params().Add(from_ms).Add(to_ms), "scanning conversations for the report",
                      [&](const PGresult* r) {
                        ReadReportRow(r, &row);
                        fn(row);
                      });
  }

  Result<std::optional<int64_t>> LatestCreatedAt() override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT max(created_at) FROM conversations", Params(),
                                       "reading the newest conversation"));
    return IsNull(r.get(), 0, 0) ? std::nullopt : std::optional<int64_t>(Int(r.get(), 0, 0));
  }

  Status ScanMessages(int64_t from_ms, int64_t to_ms, std::optional<Sentiment> tone,
                      const std::function<Status(const Conversation&, const ReportRow&)>& fn) override {
    ReportRow row;
    Conversation c;
    Status failed = Status::Ok();
    RETURN_IF_ERROR(db_.Stream(std::string("SELECT ") + kReportColumns +
                                   ", c.ext_id, m.messages" + kReportRows + " JOIN conversations c ON c.id = "
                                   "r.conversation JOIN conversation_messages m ON m.conversation = r.conversation "
                                   "WHERE r.created_at >= $1 AND r.created_at < $2 AND (r.facts & $3) = $4",
                               Params().Add(from_ms).Add(to_ms).Add(tone ? store::CustomerToneMask() : int64_t{0}).Add(
                                   tone ? store::PackCustomerTone(*tone) : int64_t{0}),
                               "scanning conversations' messages", [&](const PGresult* r) {
                                 if (!failed.ok()) return;
                                 ReadReportRow(r, &row);
                                 c.id = Text(r, 0, 11);
                                 c.messages.clear();
                                 failed = store::DecodeMessages(pq::Lib().PQgetvalue(r, 0, 12), name_, &c);
                                 if (failed.ok()) failed = fn(c, row);
                               }));
    return failed;
  }

  Result<ReportDictionary> LoadReportDictionary() override {
    ReportDictionary d;
    ASSIGN_OR_RETURN(auto seg, db_.Query("SELECT id, dimension, value FROM segment_values ORDER BY id", Params(),
                                         "reading segment values"));
    for (int i = 0; i < pq::Lib().PQntuples(seg.get()); ++i) {
      const auto id = static_cast<size_t>(Int(seg.get(), i, 0));
      if (d.segments.size() <= id) d.segments.resize(id + 1);
      d.segments[id] = {Text(seg.get(), i, 1), Text(seg.get(), i, 2)};
    }
    ASSIGN_OR_RETURN(auto full, db_.Query("SELECT dimension FROM segment_values GROUP BY dimension HAVING count(*) >= $1",
                                          Params().Add(kMaxSegmentValues), "reading segment values"));
    for (int i = 0; i < pq::Lib().PQntuples(full.get()); ++i) d.capped_dimensions.push_back(Text(full.get(), i, 0));
    ASSIGN_OR_RETURN(auto models, db_.Query("SELECT id, version FROM models ORDER BY id", Params(), "reading models"));
    for (int i = 0; i < pq::Lib().PQntuples(models.get()); ++i) {
      const auto id = static_cast<size_t>(Int(models.get(), i, 0));
      if (d.models.size() <= id) d.models.resize(id + 1);
      d.models[id] = Text(models.get(), i, 1);
    }
    return d;
  }

  StoredConversations& conversations() override { return *this; }
  Announcements* announcements() override { return this; }

  Result<std::string> Setting(const std::string& key) override { return Meta("setting." + key); }
  Status SetSetting(const std::string& key, const std::string& value) override { return SetMeta("setting." + key, value); }

  Result<std::string> CurrentModel() override { return Meta("current_model"); }

  Result<int64_t> ConversationCount() override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT count(*) FROM conversations", Params(), "counting conversations"));
    return Int(r.get(), 0, 0);
  }

  Result<StoreInfo> Info() override {
    StoreInfo info;
    info.schema_version = kStoreSchemaVersion;
    ASSIGN_OR_RETURN(auto counts, db_.Query("SELECT count(*), coalesce(sum(agent_replies + customer_turns), 0) "
                                            "FROM conversations",
                                            Params(), "counting conversations"));
    info.conversations = Int(counts.get(), 0, 0);
    info.messages = Int(counts.get(), 0, 1);
    ASSIGN_OR_RETURN(auto models, db_.Query("SELECT version FROM models ORDER BY id", Params(), "reading models"));
    for (int i = 0; i < pq::Lib().PQntuples(models.get()); ++i) info.models.push_back(Text(models.get(), i, 0));
    ASSIGN_OR_RETURN(info.current_model, Meta("current_model"));
    return info;
  }

  bool shared() const override { return true; }

  Status Announce(const std::string& payload) override {
    // NOTIFY's payload limit is 8000 bytes: a larger one is left unannounced
    // (the other servers' streams miss it; the queue itself has it).
    if (payload.size() >= 7900) return Status::Ok();
    return db_.Query("SELECT pg_notify($1, $2)", Params().Add(kChannel).Add(payload), "announcing").status();
  }
  Result<std::vector<std::string>> Await(int timeout_ms) override {
    return db_.Notifications(kChannel, timeout_ms);
  }

 private:

  static void AddTone(const ConversationRollup& r, const EncodedConversation& e, Params* p) {
    p->Add(r.has_customer ? 1 : 0).Add(static_cast<int>(r.tone)).Add(static_cast<double>(r.compound));
    p->Add(static_cast<double>(r.score5)).Add(static_cast<int>(r.start)).Add(static_cast<int>(r.end));
    p->Add(static_cast<double>(r.start_compound)).Add(static_cast<double>(r.end_compound));
    p->Add(static_cast<int>(r.trajectory)).Add(r.has_agent ? 1 : 0).Add(static_cast<int>(r.agent_tone));
    p->Add(static_cast<double>(r.agent_compound)).Add(e.movers);
  }

  Status Write(const ScoredConversation& sc, int64_t model_id, const EncodedConversation& e, bool append) {
    const Conversation& c = sc.conversation;
    const ConversationFacts& f = sc.facts;
    ASSIGN_OR_RETURN(const std::string segments, segments_.RowSegments(c, CustomerLanguage(sc)));
    Params p;
    p.Add(c.id).Add(c.channel).Add(c.topic).Add(c.team).Add(c.created_at_ms).Add(c.csat).Add(c.nps);
    p.Add(e.tags).Add(e.attributes).Add(e.events).Add(f.first_response_ms).Add(f.agent_replies).Add(f.customer_turns);
    p.Add(f.agents).Add(f.handoffs).Add(f.reopened).Add(f.escalated).Add(f.resolution_ms).Add(f.longest_wait_ms);
    p.Add(e.messages).Add(model_id).Add(e.scores);
    AddTone(sc.rollup, e, &p);
    p.Add(store::PackFacts(sc.rollup, f, c)).Add(static_cast<int64_t>(e.detectors)).Bytes(segments);
    p.Add(append ? "true" : "false");
    const std::string what = "storing conversation " + c.id;
    // In a batch, sent without waiting; its error, if any, comes at Commit().
    if (in_transaction_) return db_.Send("put_conversation", p, what);
    return db_.Run("put_conversation", p, what).status();
  }

  Status OpenDictionary() {
    if (dict_) return Status::Ok();
    auto conn = std::make_unique<Connection>();
    RETURN_IF_ERROR(conn->Open(url_, name_));
    dict_ = std::move(conn);
    return Status::Ok();
  }

  // The segment dictionary's table. New values are added on the dictionary
  // connection and committed at once, so that workers adding the same value
  // never wait on each other's batches; an id whose batch is rolled back is
  // merely unused.
  store::SegmentDictionary::Table SegmentTable() {
    store::SegmentDictionary::Table t;
    t.find = [this](std::string_view dim, std::string_view value) -> Result<std::optional<int64_t>> {
      RETURN_IF_ERROR(OpenDictionary());
      ASSIGN_OR_RETURN(auto r, dict_->Query("SELECT id FROM segment_values WHERE dimension = $1 AND value = $2",
                                            Params().Add(dim).Add(value), "reading segment values"));
      return pq::Lib().PQntuples(r.get()) > 0 ? std::optional<int64_t>(Int(r.get(), 0, 0)) : std::nullopt;
    };
    t.count = [this](std::string_view dim) -> Result<int64_t> {
      RETURN_IF_ERROR(OpenDictionary());
      ASSIGN_OR_RETURN(auto r, dict_->Query("SELECT count(*) FROM segment_values WHERE dimension = $1",
                                            Params().Add(dim), "counting segment values"));
      return Int(r.get(), 0, 0);
    };
    t.all = [this](std::string_view dim, const std::function<void(int64_t, std::string)>& each) -> Status {
      RETURN_IF_ERROR(OpenDictionary());
      ASSIGN_OR_RETURN(auto r, dict_->Query("SELECT id, value FROM segment_values WHERE dimension = $1",
                                            Params().Add(dim), "reading segment values"));
      for (int i = 0; i < pq::Lib().PQntuples(r.get()); ++i) each(Int(r.get(), i, 0), Text(r.get(), i, 1));
      return Status::Ok();
    };
    t.add = [this](std::string_view dim, std::string_view value) -> Result<int64_t> {
      RETURN_IF_ERROR(OpenDictionary());
      ASSIGN_OR_RETURN(auto r, dict_->Query("INSERT INTO segment_values(dimension, value) VALUES($1, $2) "
                                            "ON CONFLICT (dimension, value) DO UPDATE SET value = excluded.value "
                                            "RETURNING id",
                                            Params().Add(dim).Add(value), "adding a segment value"));
      return Int(r.get(), 0, 0);
    };
    return t;
  }

  Result<std::string> Meta(const std::string& key) {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT value FROM meta WHERE key = $1", Params().Add(key), "reading " + key));
    return pq::Lib().PQntuples(r.get()) > 0 ? Text(r.get(), 0, 0) : std::string();
  }
  Status SetMeta(const std::string& key, const std::string& value) {
    return db_.Query("INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     Params().Add(key).Add(value), "setting " + key)
        .status();
  }

  Status LoadCurrentModel() {
    current_model_id_ = -1;
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT id FROM models WHERE version = (SELECT value FROM meta WHERE key = "
                                       "'current_model')",
                                       Params(), "reading the current model"));
    if (pq::Lib().PQntuples(r.get()) > 0) current_model_id_ = Int(r.get(), 0, 0);
    return Status::Ok();
  }

  // Brings the schema to kStoreSchemaVersion in one transaction, under an
  // advisory lock held until it commits.
  Status Migrate() {
    RETURN_IF_ERROR(db_.Exec("BEGIN", "migrating the schema"));
    auto fail = [&](const Status& s) {
      (void)db_.Exec("ROLLBACK", "rolling back");
      return s.WithContext("migrating the schema");
    };
    if (auto s = db_.Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kMigrationLock), "locking"); !s.ok()) {
      return fail(s.status());
    }
    int version = 0;
    auto exists = db_.Query("SELECT to_regclass('meta') IS NOT NULL", Params(), "reading the schema version");
    if (!exists.ok()) return fail(exists.status());
    if (std::string_view(pq::Lib().PQgetvalue(exists->get(), 0, 0)) == "t") {
      auto v = db_.Query("SELECT value FROM meta WHERE key = 'schema_version'", Params(), "reading the schema version");
      if (!v.ok()) return fail(v.status());
      if (pq::Lib().PQntuples(v->get()) > 0) version = std::atoi(pq::Lib().PQgetvalue(v->get(), 0, 0));
    }
    if (version > kStoreSchemaVersion) {
      (void)db_.Exec("ROLLBACK", "rolling back");
      return Status::FailedPrecondition(name_ + " has schema version " + std::to_string(version) +
                                        ", newer than this convsent's " + std::to_string(kStoreSchemaVersion));
    }
    if (version == kStoreSchemaVersion) return db_.Exec("COMMIT", "migrating the schema");
    if (version != 0 && version < kBaseVersion) {
      return fail(Status::DataLoss(name_ + " has schema version " + std::to_string(version) +
                                   ", which no PostgreSQL store ever had"));
    }
    const std::vector<std::string>& migrations = pg::Migrations();
    for (size_t v = version == 0 ? 0 : static_cast<size_t>(version - kBaseVersion + 1); v < migrations.size(); ++v) {
      if (Status s = db_.Exec(migrations[v], "applying migration " + std::to_string(v)); !s.ok()) return fail(s);
    }
    if (Status s = SetMeta("schema_version", std::to_string(kStoreSchemaVersion)); !s.ok()) return fail(s);
    return db_.Exec("COMMIT", "migrating the schema");
  }

  Status Prepare() {
    static const std::pair<const char*, const char*> kStatements[] = {
        {"put_conversation",
         "SELECT convsent_put_conversation($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,"
         "$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31,$32,$33,$34,$35,$36,$37,$38,$39)"},
        {"find_conversation", "SELECT id FROM conversations WHERE ext_id = $1"},
        {"get_conversation", kGetConversation},
        {"get_conversation_locked", kGetConversationLocked},
        {"get_conversation_of_model", kGetConversationOfModel},
        {"get_conversation_locked_of_model", kGetConversationLockedOfModel},
        {"find_key", "SELECT id, name, role, prefix, hash, created_at, revoked_at FROM api_keys "
                     "WHERE hash = $1 AND revoked_at = 0"},
    };
    for (const auto& [name, sql] : kStatements) RETURN_IF_ERROR(db_.Prepare(name, sql));
    return Status::Ok();
  }

  Connection db_;
  std::unique_ptr<Connection> dict_;  // autocommit: models and segment values
  std::string url_, name_;
  bool in_transaction_ = false;
  int64_t current_model_id_ = -1;
  std::unordered_map<std::string, int64_t> model_ids_;
  store::SegmentDictionary segments_{SegmentTable()};
};

}  // namespace

std::string RedactPgUrl(const std::string& url) {
  std::string out = url;
  // scheme://user:password@host... -> scheme://user:***@host...
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t at = out.find('@', scheme + 3);
    const size_t end = out.find_first_of("/?", scheme + 3);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && (end == std::string::npos || at < end) && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ... and ?password=... among the parameters.
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const size_t value = p + 9, stop = out.find('&', value);
    out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenPgStore(const std::string& url) {
  auto store = std::make_unique<PgStore>();
  RETURN_IF_ERROR(store->Init(url));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace convsent
