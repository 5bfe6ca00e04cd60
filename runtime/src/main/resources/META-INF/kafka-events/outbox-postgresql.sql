-- Kafka Events for Quarkus: the transactional outbox table (PostgreSQL).
-- Replace kafka_events_outbox with quarkus.kafka-events.outbox.table if you changed it; run it with Flyway or
-- Liquibase, or let the extension create it (quarkus.kafka-events.outbox.schema=create, the default in dev and test).
CREATE TABLE IF NOT EXISTS kafka_events_outbox (
    id              VARCHAR(255) PRIMARY KEY,           -- the CloudEvents id (ce_id) of the event
    seq             BIGSERIAL NOT NULL,                 -- write order; per key, the commit order
    topic           VARCHAR(249) NOT NULL,
    record_key      TEXT,
    headers         BYTEA,
    payload         BYTEA,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until    TIMESTAMPTZ,                        -- lease of the instance sending the row
    locked_by       VARCHAR(255),
    status          VARCHAR(16) NOT NULL DEFAULT 'PENDING', -- PENDING, or FAILED: refused by the broker, kept
    last_error      TEXT,
    trace_context   VARCHAR(512)                        -- W3C traceparent of the publishing span
);
CREATE INDEX IF NOT EXISTS kafka_events_outbox_due ON kafka_events_outbox (status, next_attempt_at, seq);
CREATE INDEX IF NOT EXISTS kafka_events_outbox_key ON kafka_events_outbox (record_key, seq);
