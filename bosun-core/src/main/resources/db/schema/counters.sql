-- The live-session cap (SQLite's V3, part of PostgreSQL's V1): one counter row kept in the same
-- transactions as the sessions (incremented with the cap as a condition on PostgreSQL, so creates on
-- every node share one exact count), instead of COUNT(*) over live sessions on every create.

CREATE TABLE counters (
    name   ${key} PRIMARY KEY,
    value  ${bigint} NOT NULL
)${without_rowid};

INSERT INTO counters (name, value) SELECT 'live_sessions', COUNT(*) FROM sessions WHERE status <> 'ENDED';
