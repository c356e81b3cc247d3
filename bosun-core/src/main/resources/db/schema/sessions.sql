-- The sessions table (SQLite's V1, part of PostgreSQL's V1). Times are epoch milliseconds (UTC) and
-- JSON is text in both engines, so both stores map rows the same way and a payload reads back byte
-- for byte (jsonb would reorder its keys). The key placeholder is an identifier compared byte by byte
-- (PostgreSQL's "C" collation, SQLite's default), so ordering and cursors match whatever the locale.

CREATE TABLE sessions (
    id                   ${key} PRIMARY KEY,
    tenant               ${key} NOT NULL,
    name                 TEXT    NOT NULL,
    agent_id             ${key} NOT NULL,
    tags                 TEXT    NOT NULL,               -- JSON array of strings
    metadata             TEXT    NOT NULL,               -- JSON object
    profile              TEXT,                           -- NULL: no worker
    node_id              ${key} NOT NULL,                -- the owner node (the one that runs the worker)
    status               TEXT    NOT NULL CHECK (status IN ('CREATING', 'RUNNING', 'ENDED')),
    outcome              TEXT,
    reason               TEXT,
    error                TEXT,
    exit_code            INTEGER,
    created_at           ${bigint} NOT NULL,
    started_at           ${bigint},
    ended_at             ${bigint},
    last_activity_at     ${bigint} NOT NULL,
    idle_timeout_ms      ${bigint} NOT NULL,
    ttl_ms               ${bigint} NOT NULL,
    expires_at           ${bigint} NOT NULL,
    -- Deadlines the reaper sweeps by index; NULL when not applicable (idle: while tasks run).
    idle_deadline_at     ${bigint},
    startup_deadline_at  ${bigint},
    max_tasks            INTEGER NOT NULL,
    task_timeout_ms      ${bigint} NOT NULL,
    workspace            TEXT,
    worker_runtime       TEXT,
    worker_id            TEXT,
    worker_attrs         TEXT,                           -- JSON object
    last_seq             ${bigint} NOT NULL DEFAULT 0,   -- per-session seq allocator (PostgreSQL: under the row lock)
    inbox_seq            ${bigint} NOT NULL DEFAULT 0,   -- IN events written to the inbox up to here
    tasks_total          INTEGER NOT NULL DEFAULT 0,
    tasks_running        INTEGER NOT NULL DEFAULT 0,
    tasks_success        INTEGER NOT NULL DEFAULT 0,
    tasks_failed         INTEGER NOT NULL DEFAULT 0,
    tasks_cancelled      INTEGER NOT NULL DEFAULT 0,
    tasks_timeout        INTEGER NOT NULL DEFAULT 0,
    cleaned_at           ${bigint}
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
