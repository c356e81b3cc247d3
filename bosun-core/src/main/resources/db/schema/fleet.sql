-- Fleet routing (SQLite's V2, part of PostgreSQL's V1): the agent registry and the agent-task graph's edges.

CREATE TABLE agents (
    tenant          ${key} NOT NULL,
    id              ${key} NOT NULL,
    capabilities    TEXT    NOT NULL,               -- JSON array of strings
    registered_ord  ${bigint} NOT NULL,             -- registration order, for tie-breaking
    registered_at   ${bigint} NOT NULL,
    updated_at      ${bigint} NOT NULL,
    last_seen_at    ${bigint} NOT NULL,
    PRIMARY KEY (tenant, id)
)${without_rowid};

CREATE TABLE fleet_edges (
    tenant         ${key} NOT NULL,
    agent_id       ${key} NOT NULL,
    task_key       ${key} NOT NULL,                 -- <session id>/<task id>, or a bare task id routed through /v1/route
    created_at     ${bigint} NOT NULL,
    task_ended_at  ${bigint},                       -- set when the task completes; the window drops it later
    PRIMARY KEY (tenant, agent_id, task_key)
)${without_rowid};

CREATE INDEX fleet_edges_by_task  ON fleet_edges (tenant, task_key);
CREATE INDEX fleet_edges_by_ended ON fleet_edges (tenant, task_ended_at) WHERE task_ended_at IS NOT NULL;
