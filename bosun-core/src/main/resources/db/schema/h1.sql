-- β₁ of the tenant's fleet graph at session start and end (SQLite's V2, part of PostgreSQL's V1).

ALTER TABLE sessions ADD COLUMN h1_start ${bigint};
ALTER TABLE sessions ADD COLUMN h1_end ${bigint};
