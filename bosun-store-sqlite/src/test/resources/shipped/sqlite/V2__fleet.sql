-- Fleet routing: the agent registry, the agent-task graph's edges, and β₁ at session start and end.

CREATE TABLE agents (
    tenant          TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    capabilities    TEXT    NOT NULL,               -- JSON array of strings
    registered_ord  INTEGER NOT NULL,               -- registration order, for tie-breaking
    registered_at   INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
) WITHOUT ROWID;

CREATE TABLE fleet_edges (
    tenant         TEXT    NOT NULL,
    agent_id       TEXT    NOT NULL,
    task_key       TEXT    NOT NULL,                -- <session id>/<task id>, or a bare task id routed through /v1/route
    created_at     INTEGER NOT NULL,
    task_ended_at  INTEGER,                         -- set when the task completes; the window drops it later
    PRIMARY KEY (tenant, agent_id, task_key)
) WITHOUT ROWID;

CREATE INDEX fleet_edges_by_task  ON fleet_edges (tenant, task_key);
CREATE INDEX fleet_edges_by_ended ON fleet_edges (tenant, task_ended_at) WHERE task_ended_at IS NOT NULL;

ALTER TABLE sessions ADD COLUMN h1_start INTEGER;
ALTER TABLE sessions ADD COLUMN h1_end INTEGER;
