-- The live-session cap was checked with COUNT(*) over live sessions on every create: O(live) inside
-- the single writer. A counter kept in the same transactions makes it O(1).

CREATE TABLE counters (
    name   TEXT    PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO counters (name, value) SELECT 'live_sessions', COUNT(*) FROM sessions WHERE status <> 'ENDED';
