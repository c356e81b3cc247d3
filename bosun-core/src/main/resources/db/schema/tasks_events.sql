-- A session's tasks and its event log (SQLite's V1, part of PostgreSQL's V1).

CREATE TABLE tasks (
    session_id      ${key} NOT NULL,
    id              ${key} NOT NULL,
    ord             INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    required_caps   TEXT    NOT NULL,                    -- JSON array of strings
    assigned_agent  ${key},
    status          TEXT    NOT NULL CHECK (status IN ('RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED', 'TIMEOUT')),
    created_at      ${bigint} NOT NULL,
    started_at      ${bigint} NOT NULL,
    ended_at        ${bigint},
    deadline_at     ${bigint} NOT NULL,
    duration_ms     ${bigint},
    result          TEXT,
    error           TEXT,
    PRIMARY KEY (session_id, id)
)${without_rowid};

CREATE INDEX tasks_by_order ON tasks (session_id, ord);
CREATE INDEX tasks_due      ON tasks (deadline_at) WHERE status = 'RUNNING';

CREATE TABLE events (
    session_id  ${key} NOT NULL,
    seq         ${bigint} NOT NULL,
    direction   TEXT    NOT NULL CHECK (direction IN ('IN', 'OUT', 'SYSTEM')),
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    source_key  TEXT,
    created_at  ${bigint} NOT NULL,
    PRIMARY KEY (session_id, seq)
)${without_rowid};

CREATE UNIQUE INDEX events_by_source ON events (session_id, source_key) WHERE source_key IS NOT NULL;
