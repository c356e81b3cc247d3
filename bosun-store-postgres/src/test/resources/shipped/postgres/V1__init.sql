-- Bosun PostgreSQL schema, version 1: what SQLite's V1..V3 hold, in one step. Times are epoch
-- milliseconds (UTC) and JSON is text, as in SQLite, so both stores map rows the same way and a
-- payload reads back byte for byte (jsonb would reorder its keys). Identifiers compare with the "C"
-- collation: ordering and cursors then match SQLite's byte order whatever the database's locale.

CREATE TABLE sessions (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    tenant               TEXT COLLATE "C" NOT NULL,
    name                 TEXT    NOT NULL,
    agent_id             TEXT COLLATE "C" NOT NULL,
    tags                 TEXT    NOT NULL,               -- JSON array of strings
    metadata             TEXT    NOT NULL,               -- JSON object
    profile              TEXT,                           -- NULL: no worker
    node_id              TEXT COLLATE "C" NOT NULL,      -- the owner node (the one that runs the worker)
    status               TEXT    NOT NULL CHECK (status IN ('CREATING', 'RUNNING', 'ENDED')),
    outcome              TEXT,
    reason               TEXT,
    error                TEXT,
    exit_code            INTEGER,
    created_at           BIGINT  NOT NULL,
    started_at           BIGINT,
    ended_at             BIGINT,
    last_activity_at     BIGINT  NOT NULL,
    idle_timeout_ms      BIGINT  NOT NULL,
    ttl_ms               BIGINT  NOT NULL,
    expires_at           BIGINT  NOT NULL,
    idle_deadline_at     BIGINT,
    startup_deadline_at  BIGINT,
    max_tasks            INTEGER NOT NULL,
    task_timeout_ms      BIGINT  NOT NULL,
    workspace            TEXT,
    worker_runtime       TEXT,
    worker_id            TEXT,
    worker_attrs         TEXT,
    last_seq             BIGINT  NOT NULL DEFAULT 0,     -- per-session seq allocator, bumped under the row lock
    inbox_seq            BIGINT  NOT NULL DEFAULT 0,
    tasks_total          INTEGER NOT NULL DEFAULT 0,
    tasks_running        INTEGER NOT NULL DEFAULT 0,
    tasks_success        INTEGER NOT NULL DEFAULT 0,
    tasks_failed         INTEGER NOT NULL DEFAULT 0,
    tasks_cancelled      INTEGER NOT NULL DEFAULT 0,
    tasks_timeout        INTEGER NOT NULL DEFAULT 0,
    cleaned_at           BIGINT,
    h1_start             BIGINT,
    h1_end               BIGINT
);

CREATE INDEX sessions_by_tenant     ON sessions (tenant, id);
CREATE INDEX sessions_by_agent      ON sessions (agent_id, id);
CREATE INDEX sessions_by_status     ON sessions (status, id);
CREATE INDEX sessions_idle_due      ON sessions (idle_deadline_at)    WHERE status <> 'ENDED' AND idle_deadline_at IS NOT NULL;
CREATE INDEX sessions_ttl_due       ON sessions (expires_at)          WHERE status <> 'ENDED';
CREATE INDEX sessions_startup_due   ON sessions (startup_deadline_at) WHERE status = 'CREATING';
CREATE INDEX sessions_ended_at      ON sessions (ended_at)            WHERE status = 'ENDED';
CREATE INDEX sessions_uncleaned     ON sessions (node_id, ended_at)   WHERE status = 'ENDED' AND cleaned_at IS NULL;
CREATE INDEX sessions_live_workers  ON sessions (node_id)             WHERE status <> 'ENDED' AND profile IS NOT NULL;

CREATE TABLE tasks (
    session_id      TEXT COLLATE "C" NOT NULL,
    id              TEXT COLLATE "C" NOT NULL,
    ord             INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    required_caps   TEXT    NOT NULL,
    assigned_agent  TEXT COLLATE "C",
    status          TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED', 'TIMEOUT')),
    created_at      BIGINT  NOT NULL,
    started_at      BIGINT  NOT NULL,
    ended_at        BIGINT,
    deadline_at     BIGINT  NOT NULL,
    duration_ms     BIGINT,
    result          TEXT,
    error           TEXT,
    PRIMARY KEY (session_id, id)
);

CREATE INDEX tasks_by_order ON tasks (session_id, ord);
CREATE INDEX tasks_due      ON tasks (deadline_at) WHERE status = 'RUNNING';

CREATE TABLE events (
    session_id  TEXT COLLATE "C" NOT NULL,
    seq         BIGINT  NOT NULL,
    direction   TEXT    NOT NULL CHECK (direction IN ('IN', 'OUT', 'SYSTEM')),
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    source_key  TEXT,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE UNIQUE INDEX events_by_source ON events (session_id, source_key) WHERE source_key IS NOT NULL;

CREATE TABLE agents (
    tenant          TEXT COLLATE "C" NOT NULL,
    id              TEXT COLLATE "C" NOT NULL,
    capabilities    TEXT    NOT NULL,
    registered_ord  BIGINT  NOT NULL,
    registered_at   BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    last_seen_at    BIGINT  NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE fleet_edges (
    tenant         TEXT COLLATE "C" NOT NULL,
    agent_id       TEXT COLLATE "C" NOT NULL,
    task_key       TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT  NOT NULL,
    task_ended_at  BIGINT,
    PRIMARY KEY (tenant, agent_id, task_key)
);

CREATE INDEX fleet_edges_by_task  ON fleet_edges (tenant, task_key);
CREATE INDEX fleet_edges_by_ended ON fleet_edges (tenant, task_ended_at) WHERE task_ended_at IS NOT NULL;

-- The live-session cap: one counter row, incremented with the cap as a condition, so creates on
-- every node share one exact count.
CREATE TABLE counters (
    name   TEXT COLLATE "C" PRIMARY KEY,
    value  BIGINT NOT NULL
);

INSERT INTO counters (name, value) VALUES ('live_sessions', 0);
