#include "store/postgres/families.h"

namespace convsent::pg {
namespace {

class PgLabels final : public Labels {
 public:
  explicit PgLabels(Connection* db) : db_(*db) {}

  Status Add(const HumanLabel& l) override {
    // The row's customer and agent turns are a floor on a message label's
    // message count: only an index past them (a bot's or a note's message, or
    // none) reads the messages to count them (as sqlite/labels.cc).
    ASSIGN_OR_RETURN(const auto found, Find(l.conversation));
    if (!found) return Status::NotFound("no conversation " + l.conversation);
    if (l.message >= found->turns) {
      ASSIGN_OR_RETURN(const int count, Count(found->id, l.conversation));
      if (l.message >= count) {
        return Status::InvalidArgument("conversation " + l.conversation + " has " + std::to_string(count) +
                                       " messages: no message " + std::to_string(l.message));
      }
    }
    RETURN_IF_ERROR(
        db_.Query("INSERT INTO human_labels(conversation, message, label, source, reviewer, note, model, "
                  "at) VALUES($1, $2, $3, $4, $5, $6, CASE WHEN $7 = '' THEN coalesce((SELECT value FROM meta "
                  "WHERE key = 'current_model'), '') ELSE $7 END, $8)",
                  Params()
                      .Add(l.conversation)
                      .Add(l.message)
                      .Add(static_cast<int>(l.label))
                      .Add(l.source)
                      .Add(l.reviewer)
                      .Add(l.note)
                      .Add(l.model)
                      .Add(l.at_ms),
                  "storing a label of " + l.conversation)
            .status());
    if (l.message >= 0) return Status::Ok();
    // The conversation's tone, where the report reads it.
    return db_
        .Query(
            "INSERT INTO conversation_labels(conversation, human_label, audit_label) "
            "VALUES($1, $2, CASE WHEN $3::int = 1 THEN $2::int END) ON CONFLICT(conversation) DO UPDATE SET "
            "human_label = EXCLUDED.human_label, "
            "audit_label = CASE WHEN $3::int = 1 THEN EXCLUDED.human_label ELSE conversation_labels.audit_label END",
            Params().Add(found->id).Add(static_cast<int>(l.label)).Add(l.source == "audit" ? 1 : 0),
            "storing a label of " + l.conversation)
        .status();
  }

  Result<std::optional<int>> MessageCount(const std::string& conversation) override {
    ASSIGN_OR_RETURN(const auto found, Find(conversation));
    if (!found) return std::optional<int>();
    ASSIGN_OR_RETURN(const int count, Count(found->id, conversation));
    return std::optional<int>(count);
  }

  Status ForEach(const std::function<Status(const HumanLabel&)>& fn) override {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT id, conversation, message, label, source, reviewer, note, model, at "
                                       "FROM human_labels ORDER BY id",
                                       Params(), "reading the labels"));
    HumanLabel l;
    for (int i = 0; i < pq::Lib().PQntuples(r.get()); ++i) {
      l.id = Int(r.get(), i, 0), l.conversation = Text(r.get(), i, 1), l.message = static_cast<int>(Int(r.get(), i, 2));
      l.label = static_cast<Sentiment>(Int(r.get(), i, 3)), l.source = Text(r.get(), i, 4);
      l.reviewer = Text(r.get(), i, 5), l.note = Text(r.get(), i, 6), l.model = Text(r.get(), i, 7);
      l.at_ms = Int(r.get(), i, 8);
      RETURN_IF_ERROR(fn(l));
    }
    return Status::Ok();
  }

 private:
  struct Found {
    int64_t id;  // the conversation's row
    int turns;   // its customer and agent messages
  };
  Result<std::optional<Found>> Find(const std::string& conversation) {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT id, customer_turns + agent_replies FROM conversations WHERE ext_id = $1",
                                       Params().Add(conversation), "reading conversation " + conversation));
    if (pq::Lib().PQntuples(r.get()) == 0) return std::optional<Found>();
    return std::optional<Found>(Found{Int(r.get(), 0, 0), static_cast<int>(Int(r.get(), 0, 1))});
  }

  // Every message of the conversation in row `id`, bots' and notes' too.
  Result<int> Count(int64_t id, const std::string& conversation) {
    ASSIGN_OR_RETURN(auto r, db_.Query("SELECT json_array_length(messages::json) FROM conversation_messages "
                                       "WHERE conversation = $1",
                                       Params().Add(id), "counting the messages of " + conversation));
    if (pq::Lib().PQntuples(r.get()) == 0) return 0;
    return static_cast<int>(Int(r.get(), 0, 0));
  }

  Connection& db_;
};

}  // namespace

std::unique_ptr<Labels> NewLabels(Connection* db) {
  return std::make_unique<PgLabels>(db);
}

}  // namespace convsent::pg
