-- Checkpoint tiles, webhooks and session patterns (SQLite's V4). Consumers (the tile relay, the
-- webhook fan-out) follow each session's checkpoint events with their own cursor in the session
-- row, never a global sequence. Deliveries of one lane (a session and a target) go out one at a
-- time: only the lane's head has a next_attempt_at; a claim pushes it past the lease, and claims
-- take their rows with SKIP LOCKED so nodes never send the same delivery at once.

ALTER TABLE sessions ADD COLUMN checkpoint_seq BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN tiles_seq      BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN hooks_seq      BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN scout_room     TEXT;
ALTER TABLE sessions ADD COLUMN emit_tiles     INTEGER;   -- 0/1 as in SQLite, so rows map alike
ALTER TABLE sessions ADD COLUMN patterns       TEXT;      -- JSON array of pattern names, set at the end

CREATE INDEX sessions_tiles_behind ON sessions (last_activity_at) WHERE tiles_seq < checkpoint_seq;
CREATE INDEX sessions_hooks_behind ON sessions (last_activity_at) WHERE hooks_seq < checkpoint_seq;

CREATE TABLE deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('TILE', 'WEBHOOK')),
    target           TEXT COLLATE "C" NOT NULL,
    tenant           TEXT COLLATE "C" NOT NULL,
    session_id       TEXT COLLATE "C" NOT NULL,
    event_seq        BIGINT  NOT NULL,
    event_type       TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'REJECTED', 'DEAD', 'LOCAL')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    claimed_by       TEXT,
    claimed_until    BIGINT,
    last_status      INTEGER,
    last_error       TEXT,
    remote_id        TEXT,
    event_at         BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    delivered_at     BIGINT,
    UNIQUE (target, session_id, event_seq)
);

CREATE INDEX deliveries_due        ON deliveries (kind, next_attempt_at) WHERE state = 'PENDING' AND next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_lane       ON deliveries (target, session_id, event_seq) WHERE state = 'PENDING';
CREATE INDEX deliveries_by_session ON deliveries (session_id, kind, event_seq);
CREATE INDEX deliveries_by_state   ON deliveries (tenant, kind, state, id);
CREATE INDEX deliveries_by_tenant  ON deliveries (tenant, kind, id);
CREATE INDEX deliveries_claimed    ON deliveries (claimed_by) WHERE claimed_by IS NOT NULL;

CREATE TABLE webhooks (
    id          TEXT COLLATE "C" PRIMARY KEY,
    tenant      TEXT COLLATE "C" NOT NULL,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE INDEX webhooks_by_tenant ON webhooks (tenant, id);
