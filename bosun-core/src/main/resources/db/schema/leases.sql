-- PostgreSQL only (its V2): SQLite has one node per database file and nothing to fence.
--
-- Several nodes on one database: each process (a node incarnation) holds a lease, renewed by
-- heartbeat in database time. A session with a worker is owned by one incarnation; its generation
-- is the fencing token that owner-only writes must present. Generations come from a sequence: they
-- only identify incarnations and never order events.

CREATE SEQUENCE node_generation;

CREATE TABLE nodes (
    generation        BIGINT      PRIMARY KEY,
    node_id           TEXT COLLATE "C" NOT NULL,
    started_at        TIMESTAMPTZ NOT NULL,
    heartbeat_at      TIMESTAMPTZ NOT NULL,
    lease_expires_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX nodes_by_node_id ON nodes (node_id);

ALTER TABLE sessions ADD COLUMN owner_generation BIGINT NOT NULL DEFAULT 0;

CREATE INDEX sessions_owned ON sessions (owner_generation) WHERE status <> 'ENDED' AND profile IS NOT NULL;
