package dev.bosun.store.sqlite;

import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.idempotency.IdempotencyRecord;
import dev.bosun.idempotency.IdempotencyStore;
import dev.bosun.idempotency.StoredResponse;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The {@code idempotency_keys} table in SQLite (D78). */
final class SqliteIdempotency implements IdempotencyStore {
    private final SqliteStore store;
    private final WriteQueue writes;

    SqliteIdempotency(SqliteStore store, WriteQueue writes) {
        this.store = store;
        this.writes = writes;
    }

    /**
     * Inserts {@code claim} inside the transaction of a request's first write; {@code touched} names the
     * session the write changed. A key already there means a request with the same key got there first.
     */
    static void insert(Conn c, IdempotencyClaim claim, Set<String> touched) throws SQLException {
        PreparedStatement ps =
                c.prepare("INSERT INTO idempotency_keys (tenant, route, idem_key, request_hash, session_id, "
                        + "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        ps.setString(1, claim.tenant());
        ps.setString(2, claim.route());
        ps.setString(3, claim.key());
        ps.setString(4, claim.requestHash());
        ps.setString(5, touched.stream().findFirst().orElse(null));
        ps.setLong(6, claim.createdAt().toEpochMilli());
        ps.setLong(7, claim.expiresAt().toEpochMilli());
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            if (SqliteStore.isConstraint(e)) throw claim.inProgress();
            throw e;
        }
    }

    @Override
    public Optional<IdempotencyRecord> find(String tenant, String route, String key) {
        return store.read(c -> {
            PreparedStatement ps = c.prepare("SELECT request_hash, session_id, status, body, created_at, expires_at "
                    + "FROM idempotency_keys WHERE tenant = ? AND route = ? AND idem_key = ?");
            ps.setString(1, tenant);
            ps.setString(2, route);
            ps.setString(3, key);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) return Optional.empty();
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
                return Optional.of(new IdempotencyRecord(claim, Optional.ofNullable(r.getString(2)), response));
            }
        });
    }

    @Override
    public void complete(IdempotencyClaim claim, StoredResponse response) {
        writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare(
                    "INSERT INTO idempotency_keys (tenant, route, idem_key, request_hash, "
                            + "status, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (tenant, route, idem_key) DO UPDATE SET status = excluded.status, body = excluded.body "
                            + "WHERE idempotency_keys.status IS NULL AND idempotency_keys.request_hash = excluded.request_hash");
            ps.setString(1, claim.tenant());
            ps.setString(2, claim.route());
            ps.setString(3, claim.key());
            ps.setString(4, claim.requestHash());
            ps.setInt(5, response.status());
            ps.setString(6, response.body());
            ps.setLong(7, claim.createdAt().toEpochMilli());
            ps.setLong(8, claim.expiresAt().toEpochMilli());
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public int purgeExpired(Instant now, int limit) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare("DELETE FROM idempotency_keys WHERE rowid IN "
                    + "(SELECT rowid FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)");
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            return ps.executeUpdate();
        });
    }
}
