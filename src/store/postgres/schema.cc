// A data table: the PostgreSQL schema's own migrations, up to version 8; from
// version 9 on both backends share theirs (store/shared_schema.cc). A
// released migration is never edited; a change is a new entry there (and a
// new kStoreSchemaVersion).
#include "store/postgres/schema.h"

#include <iterator>

#include "convsent/store.h"
#include "store/shared_schema.h"

namespace convsent::pg {
namespace {

const char* const kMigrations[] = {
    // v0 -> v6
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE models(id BIGSERIAL PRIMARY KEY, version TEXT NOT NULL UNIQUE, info TEXT NOT NULL, added_at BIGINT NOT NULL);
CREATE TABLE conversations(
  id BIGSERIAL PRIMARY KEY,
  ext_id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL, topic TEXT NOT NULL, team TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  csat INTEGER, nps INTEGER,
  tags TEXT NOT NULL, attributes TEXT NOT NULL, events TEXT NOT NULL,
  first_response_ms BIGINT, agent_replies INTEGER NOT NULL, customer_turns INTEGER NOT NULL,
  agents INTEGER NOT NULL, handoffs INTEGER NOT NULL, reopened INTEGER NOT NULL, escalated INTEGER NOT NULL,
  resolution_ms BIGINT, longest_wait_ms BIGINT);
CREATE INDEX conversations_created ON conversations(created_at);
CREATE TABLE conversation_messages(conversation BIGINT PRIMARY KEY, messages TEXT NOT NULL);
CREATE TABLE conversation_scores(
  conversation BIGINT NOT NULL, model BIGINT NOT NULL, scores TEXT NOT NULL, PRIMARY KEY(conversation, model));
CREATE TABLE tones(
  conversation BIGINT NOT NULL, model BIGINT NOT NULL, has_customer INTEGER NOT NULL, tone INTEGER NOT NULL,
  compound DOUBLE PRECISION NOT NULL, score5 DOUBLE PRECISION NOT NULL, start_tone INTEGER NOT NULL,
  end_tone INTEGER NOT NULL, start_compound DOUBLE PRECISION NOT NULL, end_compound DOUBLE PRECISION NOT NULL,
  trajectory INTEGER NOT NULL, has_agent INTEGER NOT NULL, agent_tone INTEGER NOT NULL,
  agent_compound DOUBLE PRECISION NOT NULL, movers TEXT NOT NULL, PRIMARY KEY(conversation, model));
CREATE TABLE segment_values(id BIGSERIAL PRIMARY KEY, dimension TEXT NOT NULL, value TEXT NOT NULL, UNIQUE(dimension, value));
CREATE TABLE report_rows(
  conversation BIGINT PRIMARY KEY, created_at BIGINT NOT NULL, model BIGINT NOT NULL, score5 DOUBLE PRECISION NOT NULL,
  facts BIGINT NOT NULL, first_response_ms BIGINT, longest_wait_ms BIGINT, resolution_ms BIGINT,
  detectors BIGINT NOT NULL, segments BYTEA NOT NULL, human_label INTEGER);
CREATE TABLE alerts(
  id BIGSERIAL PRIMARY KEY, node TEXT NOT NULL, kind TEXT NOT NULL, period TEXT NOT NULL,
  "before" DOUBLE PRECISION NOT NULL, "after" DOUBLE PRECISION NOT NULL, p DOUBLE PRECISION NOT NULL,
  owner TEXT NOT NULL, webhook TEXT NOT NULL, message TEXT NOT NULL, status TEXT NOT NULL,
  created_at BIGINT NOT NULL, closed_at BIGINT NOT NULL, delivery TEXT NOT NULL, attempts INTEGER NOT NULL,
  last_error TEXT NOT NULL);
CREATE INDEX alerts_open ON alerts(status) WHERE status = 'open';
CREATE TABLE interventions(
  id BIGSERIAL PRIMARY KEY, node TEXT NOT NULL, at BIGINT NOT NULL, owner TEXT NOT NULL, note TEXT NOT NULL,
  segment TEXT NOT NULL, added_at BIGINT NOT NULL);
CREATE TABLE api_keys(
  id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE TABLE review_queue(
  id BIGSERIAL PRIMARY KEY, conversation TEXT NOT NULL UNIQUE, reason TEXT NOT NULL, severity TEXT NOT NULL,
  compound DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, claimed_by TEXT NOT NULL, label TEXT NOT NULL,
  note TEXT NOT NULL, created_at BIGINT NOT NULL, claimed_at BIGINT NOT NULL, resolved_at BIGINT NOT NULL);
CREATE INDEX review_queue_status ON review_queue(status, created_at);
CREATE TABLE human_labels(
  id BIGSERIAL PRIMARY KEY, conversation TEXT NOT NULL, label INTEGER NOT NULL, reviewer TEXT NOT NULL,
  note TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX human_labels_conversation ON human_labels(conversation);
CREATE TABLE backlog(id BIGSERIAL PRIMARY KEY, conversation TEXT NOT NULL, added_at BIGINT NOT NULL);

-- A conversation in one call, so that a batch of them streams to the server
-- without a round trip each. p_append: the stored conversation only gained
-- messages (its tags, attributes and events are unchanged); other models'
-- scores of its shorter self are dropped, as when it is replaced.
CREATE FUNCTION convsent_put_conversation(
  p_ext_id TEXT, p_channel TEXT, p_topic TEXT, p_team TEXT, p_created_at BIGINT, p_csat INTEGER, p_nps INTEGER,
  p_tags TEXT, p_attributes TEXT, p_events TEXT, p_first_response_ms BIGINT, p_agent_replies INTEGER,
  p_customer_turns INTEGER, p_agents INTEGER, p_handoffs INTEGER, p_reopened INTEGER, p_escalated INTEGER,
  p_resolution_ms BIGINT, p_longest_wait_ms BIGINT, p_messages TEXT, p_model BIGINT, p_scores TEXT,
  p_has_customer INTEGER, p_tone INTEGER, p_compound DOUBLE PRECISION, p_score5 DOUBLE PRECISION,
  p_start_tone INTEGER, p_end_tone INTEGER, p_start_compound DOUBLE PRECISION, p_end_compound DOUBLE PRECISION,
  p_trajectory INTEGER, p_has_agent INTEGER, p_agent_tone INTEGER, p_agent_compound DOUBLE PRECISION,
  p_movers TEXT, p_facts BIGINT, p_detectors BIGINT, p_segments BYTEA, p_append BOOLEAN) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_id BIGINT;
  v_new BOOLEAN;
BEGIN
  IF p_append THEN
    SELECT id INTO v_id FROM conversations WHERE ext_id = p_ext_id;
  END IF;
  IF v_id IS NOT NULL THEN
    UPDATE conversations SET first_response_ms = p_first_response_ms, agent_replies = p_agent_replies,
      customer_turns = p_customer_turns, agents = p_agents, handoffs = p_handoffs, reopened = p_reopened,
      escalated = p_escalated, resolution_ms = p_resolution_ms, longest_wait_ms = p_longest_wait_ms,
      created_at = p_created_at WHERE id = v_id;
    UPDATE conversation_messages SET messages = p_messages WHERE conversation = v_id;
    DELETE FROM conversation_scores WHERE conversation = v_id AND model <> p_model;
    DELETE FROM tones WHERE conversation = v_id AND model <> p_model;
  ELSE
    INSERT INTO conversations(ext_id, channel, topic, team, created_at, csat, nps, tags, attributes, events,
      first_response_ms, agent_replies, customer_turns, agents, handoffs, reopened, escalated, resolution_ms,
      longest_wait_ms)
    VALUES(p_ext_id, p_channel, p_topic, p_team, p_created_at, p_csat, p_nps, p_tags, p_attributes, p_events,
      p_first_response_ms, p_agent_replies, p_customer_turns, p_agents, p_handoffs, p_reopened, p_escalated,
      p_resolution_ms, p_longest_wait_ms)
    ON CONFLICT (ext_id) DO UPDATE SET channel = excluded.channel, topic = excluded.topic, team = excluded.team,
      created_at = excluded.created_at, csat = excluded.csat, nps = excluded.nps, tags = excluded.tags,
      attributes = excluded.attributes, events = excluded.events, first_response_ms = excluded.first_response_ms,
      agent_replies = excluded.agent_replies, customer_turns = excluded.customer_turns, agents = excluded.agents,
      handoffs = excluded.handoffs, reopened = excluded.reopened, escalated = excluded.escalated,
      resolution_ms = excluded.resolution_ms, longest_wait_ms = excluded.longest_wait_ms
    RETURNING id, (xmax = 0) INTO v_id, v_new;
    IF NOT v_new THEN
      DELETE FROM conversation_scores WHERE conversation = v_id;
      DELETE FROM tones WHERE conversation = v_id;
    END IF;
    INSERT INTO conversation_messages(conversation, messages) VALUES(v_id, p_messages)
      ON CONFLICT (conversation) DO UPDATE SET messages = excluded.messages;
  END IF;
  INSERT INTO conversation_scores(conversation, model, scores) VALUES(v_id, p_model, p_scores)
    ON CONFLICT (conversation, model) DO UPDATE SET scores = excluded.scores;
  INSERT INTO tones(conversation, model, has_customer, tone, compound, score5, start_tone, end_tone, start_compound,
    end_compound, trajectory, has_agent, agent_tone, agent_compound, movers)
  VALUES(v_id, p_model, p_has_customer, p_tone, p_compound, p_score5, p_start_tone, p_end_tone, p_start_compound,
    p_end_compound, p_trajectory, p_has_agent, p_agent_tone, p_agent_compound, p_movers)
  ON CONFLICT (conversation, model) DO UPDATE SET has_customer = excluded.has_customer, tone = excluded.tone,
    compound = excluded.compound, score5 = excluded.score5, start_tone = excluded.start_tone,
    end_tone = excluded.end_tone, start_compound = excluded.start_compound, end_compound = excluded.end_compound,
    trajectory = excluded.trajectory, has_agent = excluded.has_agent, agent_tone = excluded.agent_tone,
    agent_compound = excluded.agent_compound, movers = excluded.movers;
  INSERT INTO report_rows(conversation, created_at, model, score5, facts, first_response_ms, longest_wait_ms,
    resolution_ms, detectors, segments)
  VALUES(v_id, p_created_at, p_model, p_score5, p_facts, p_first_response_ms, p_longest_wait_ms, p_resolution_ms,
    p_detectors, p_segments)
  ON CONFLICT (conversation) DO UPDATE SET created_at = excluded.created_at, model = excluded.model,
    score5 = excluded.score5, facts = excluded.facts, first_response_ms = excluded.first_response_ms,
    longest_wait_ms = excluded.longest_wait_ms, resolution_ms = excluded.resolution_ms,
    detectors = excluded.detectors, segments = excluded.segments;
END
$$;
)sql",
    // v6 -> v7: SQLite's live log has a twin here so that both backends
    // share one schema version; a shared store's server writes conversations
    // directly and leaves it empty.
    R"sql(
CREATE TABLE live_messages(
  seq BIGSERIAL PRIMARY KEY, conversation TEXT NOT NULL, position BIGINT NOT NULL,
  header TEXT NOT NULL, message TEXT NOT NULL, score TEXT NOT NULL);
)sql",
    // v7 -> v8: webhook deliveries, durable (include/convsent/webhook_deliveries.h);
    // a review claim names its key by id; labels of messages, with their
    // source and model (include/convsent/labels.h); the latest audit label
    // on the report row.
    R"sql(
CREATE TABLE webhook_deliveries(
  id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  created_at BIGINT NOT NULL, next_at BIGINT NOT NULL, done_at BIGINT NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(status, id);
ALTER TABLE review_queue ADD COLUMN claimed_key BIGINT NOT NULL DEFAULT 0;
ALTER TABLE human_labels ADD COLUMN message INTEGER NOT NULL DEFAULT -1;
ALTER TABLE human_labels ADD COLUMN source TEXT NOT NULL DEFAULT 'review';
ALTER TABLE human_labels ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE report_rows ADD COLUMN audit_label INTEGER;
)sql",
};
static_assert(kBaseVersion + static_cast<int>(std::size(kMigrations)) - 1 == kFirstSharedSchemaVersion - 1);

}  // namespace

const std::vector<std::string>& Migrations() {
  static const auto* all = new std::vector<std::string>(AllMigrations(kMigrations, SqlDialect::kPostgres));
  return *all;
}

}  // namespace convsent::pg
