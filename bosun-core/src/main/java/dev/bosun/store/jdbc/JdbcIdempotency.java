package dev.bosun.store.jdbc;

import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.idempotency.IdempotencyRecord;
import dev.bosun.idempotency.IdempotencyStore;
import dev.bosun.idempotency.StoredResponse;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The {@code idempotency_keys} table of the SQL stores, written once (D78, D106). */
public final class JdbcIdempotency implements IdempotencyStore {
    private final Transactions tx;
    private final Dialect dialect;

    public JdbcIdempotency(Transactions tx, Dialect dialect) {
        this.tx = tx;
        this.dialect = dialect;
    }

    /**
     * Inserts {@code claim} inside the transaction of a request's first write; {@code touched} names the
     * session the write changed. A key already there (in PostgreSQL: or being inserted by another node,
     * whose commit this waits for) means a request with the same key got there first: the write fails.
     */
    public static void insert(Sql c, IdempotencyClaim claim, Set<String> touched) throws SQLException {
        int n = c.update(
                "INSERT INTO idempotency_keys (tenant, route, idem_key, request_hash, session_id, "
                        + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                claim.tenant(),
                claim.route(),
                claim.key(),
                claim.requestHash(),
                touched.stream().findFirst().orElse(null),
                claim.createdAt().toEpochMilli(),
                claim.expiresAt().toEpochMilli());
        if (n == 0) throw claim.inProgress();
    }

    @Override
    public Optional<IdempotencyRecord> find(String tenant, String route, String key) {
        return tx.read(c -> c.first(
                "SELECT request_hash, session_id, status, body, created_at, expires_at "
                        + "FROM idempotency_keys WHERE tenant = ? AND route = ? AND idem_key = ?",
                r -> {
                    var claim = new IdempotencyClaim(
                            tenant,
                            route,
                            key,
                            r.getString(1),
                            Instant.ofEpochMilli(r.getLong(5)),
                            Instant.ofEpochMilli(r.getLong(6)));
                    int status = r.getInt(3);
                    Optional<StoredResponse> response =
                            r.wasNull() ? Optional.empty() : Optional.of(new StoredResponse(status, r.getString(4)));
                    return new IdempotencyRecord(claim, Optional.ofNullable(r.getString(2)), response);
                },
                tenant,
                route,
                key));
    }

    @Override
    public void complete(IdempotencyClaim claim, StoredResponse response) {
        tx.settle((c, touched) -> c.update(
                "INSERT INTO idempotency_keys (tenant, route, idem_key, "
                        + "request_hash, status, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (tenant, route, idem_key) DO UPDATE SET status = excluded.status, body = excluded.body "
                        + "WHERE idempotency_keys.status IS NULL AND idempotency_keys.request_hash = excluded.request_hash",
                claim.tenant(),
                claim.route(),
                claim.key(),
                claim.requestHash(),
                response.status(),
                response.body(),
                claim.createdAt().toEpochMilli(),
                claim.expiresAt().toEpochMilli()));
    }

    @Override
    public int purgeExpired(Instant now, int limit) {
        String id = dialect.rowId();
        return tx.settle((c, touched) -> c.update(
                "DELETE FROM idempotency_keys WHERE " + id + " IN (SELECT " + id
                        + " FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
                now.toEpochMilli(),
                limit));
    }
}
