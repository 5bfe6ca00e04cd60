-- Kafka Events for Quarkus: the inbox table (PostgreSQL 12+).
-- Replace kafka_events_inbox with quarkus.kafka-events.inbox.table if you changed it; run it with Flyway or
-- Liquibase, or let the extension create it (quarkus.kafka-events.inbox.schema=create, the default in dev and test).
CREATE TABLE IF NOT EXISTS kafka_events_inbox (
    consumer_group  VARCHAR(255) NOT NULL,              -- the handler's consumer group
    handler         VARCHAR(512) NOT NULL,              -- class#method of the handler
    event_id        VARCHAR(512) NOT NULL,              -- the CloudEvents id (ce_id) of the event
    handled_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, handler, event_id)
);
CREATE INDEX IF NOT EXISTS kafka_events_inbox_handled ON kafka_events_inbox (handled_at);
