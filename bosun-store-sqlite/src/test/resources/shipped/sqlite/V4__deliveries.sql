-- Checkpoint tiles, webhooks and session patterns.
--
-- Consumers (the tile relay, the webhook fan-out) read each session's checkpoint events with their
-- own cursor kept in the session row: never a global sequence, which on a database with concurrent
-- writers can commit out of order and let a reader skip an event. checkpoint_seq is the seq of the
-- session's newest checkpoint event; a consumer is behind where its cursor is lower.

ALTER TABLE sessions ADD COLUMN checkpoint_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN tiles_seq      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN hooks_seq      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN scout_room     TEXT;      -- the session's own tile domain, if it chose one
ALTER TABLE sessions ADD COLUMN emit_tiles     INTEGER;   -- the session's own choice, if it made one (0/1)
ALTER TABLE sessions ADD COLUMN patterns       TEXT;      -- JSON array of pattern names, set at the end

CREATE INDEX sessions_tiles_behind ON sessions (last_activity_at) WHERE tiles_seq < checkpoint_seq;
CREATE INDEX sessions_hooks_behind ON sessions (last_activity_at) WHERE hooks_seq < checkpoint_seq;

CREATE TABLE deliveries (
    id               TEXT    PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('TILE', 'WEBHOOK')),
    target           TEXT    NOT NULL,                -- 'plato', or the webhook subscription id
    tenant           TEXT    NOT NULL,
    session_id       TEXT    NOT NULL,
    event_seq        INTEGER NOT NULL,
    event_type       TEXT    NOT NULL,
    body             TEXT    NOT NULL,                -- JSON
    state            TEXT    NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'REJECTED', 'DEAD', 'LOCAL')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,                         -- set only on the pending head of a lane
    claimed_by       TEXT,                            -- the node sending it now
    claimed_until    INTEGER,
    last_status      INTEGER,
    last_error       TEXT,
    remote_id        TEXT,
    event_at         INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    delivered_at     INTEGER,
    UNIQUE (target, session_id, event_seq)
);

CREATE INDEX deliveries_due        ON deliveries (kind, next_attempt_at) WHERE state = 'PENDING' AND next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_lane       ON deliveries (target, session_id, event_seq) WHERE state = 'PENDING';
CREATE INDEX deliveries_by_session ON deliveries (session_id, kind, event_seq);
CREATE INDEX deliveries_by_state   ON deliveries (tenant, kind, state, id);
CREATE INDEX deliveries_by_tenant  ON deliveries (tenant, kind, id);
CREATE INDEX deliveries_claimed    ON deliveries (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE webhooks (
    id          TEXT    PRIMARY KEY,
    tenant      TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,                     -- JSON array of event types, or ["*"]
    secret      TEXT    NOT NULL,                     -- signs deliveries; must be kept to sign
    created_at  INTEGER NOT NULL
);

CREATE INDEX webhooks_by_tenant ON webhooks (tenant, id);
