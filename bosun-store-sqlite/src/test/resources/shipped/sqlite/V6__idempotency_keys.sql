-- Idempotency keys (D78): one row per (tenant, route, key), inserted in the same transaction as the
-- first write of the request that used it; status and body are filled in once its answer is rendered.

CREATE TABLE idempotency_keys (
    tenant       TEXT    NOT NULL,
    route        TEXT    NOT NULL,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    session_id   TEXT,
    status       INTEGER,
    body         TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant, route, idem_key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
