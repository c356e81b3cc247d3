-- Bosun SQLite schema, version 1. Times are epoch milliseconds (UTC); JSON is stored as text.

CREATE TABLE sessions (
    id                   TEXT    PRIMARY KEY,
    tenant               TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    agent_id             TEXT    NOT NULL,
    tags                 TEXT    NOT NULL,               -- JSON array of strings
    metadata             TEXT    NOT NULL,               -- JSON object
    profile              TEXT,                           -- NULL: no worker
    node_id              TEXT    NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('CREATING', 'RUNNING', 'ENDED')),
    outcome              TEXT,
    reason               TEXT,
    error                TEXT,
    exit_code            INTEGER,
    created_at           INTEGER NOT NULL,
    started_at           INTEGER,
    ended_at             INTEGER,
    last_activity_at     INTEGER NOT NULL,
    idle_timeout_ms      INTEGER NOT NULL,
    ttl_ms               INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    -- Deadlines the reaper sweeps by index; NULL when not applicable (idle: while tasks run).
    idle_deadline_at     INTEGER,
    startup_deadline_at  INTEGER,
    max_tasks            INTEGER NOT NULL,
    task_timeout_ms      INTEGER NOT NULL,
    workspace            TEXT,
    worker_runtime       TEXT,
    worker_id            TEXT,
    worker_attrs         TEXT,                           -- JSON object
    last_seq             INTEGER NOT NULL DEFAULT 0,     -- per-session seq allocator
    inbox_seq            INTEGER NOT NULL DEFAULT 0,     -- IN events written to the inbox up to here
    tasks_total          INTEGER NOT NULL DEFAULT 0,
    tasks_running        INTEGER NOT NULL DEFAULT 0,
    tasks_success        INTEGER NOT NULL DEFAULT 0,
    tasks_failed         INTEGER NOT NULL DEFAULT 0,
    tasks_cancelled      INTEGER NOT NULL DEFAULT 0,
    tasks_timeout        INTEGER NOT NULL DEFAULT 0,
    cleaned_at           INTEGER
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
    session_id      TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    ord             INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    required_caps   TEXT    NOT NULL,                    -- JSON array of strings
    assigned_agent  TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED', 'TIMEOUT')),
    created_at      INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    deadline_at     INTEGER NOT NULL,
    duration_ms     INTEGER,
    result          TEXT,
    error           TEXT,
    PRIMARY KEY (session_id, id)
) WITHOUT ROWID;

CREATE INDEX tasks_by_order ON tasks (session_id, ord);
CREATE INDEX tasks_due      ON tasks (deadline_at) WHERE status = 'RUNNING';

CREATE TABLE events (
    session_id  TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    direction   TEXT    NOT NULL CHECK (direction IN ('IN', 'OUT', 'SYSTEM')),
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    source_key  TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE UNIQUE INDEX events_by_source ON events (session_id, source_key) WHERE source_key IS NOT NULL;
