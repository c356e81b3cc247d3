package dev.bosun.store.postgres;

import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.JdbcDeliveries;
import dev.bosun.store.jdbc.Rows;
import dev.bosun.store.jdbc.Sql;
import dev.bosun.store.jdbc.Transactions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shared {@link JdbcDeliveries} with PostgreSQL's claims: they take their rows with {@code FOR
 * UPDATE SKIP LOCKED} and claim them in the same statement, so two nodes never claim the same
 * delivery and neither waits for the other's (D106).
 */
final class PgDeliveries extends JdbcDeliveries {
    private static final String CLAIM = "claimed AS (UPDATE deliveries d SET attempts = attempts + 1, "
            + "next_attempt_at = ?, claimed_by = ?, claimed_until = ?, updated_at = ? FROM ";

    PgDeliveries(Transactions tx) {
        super(tx, Dialect.POSTGRES);
    }

    @Override
    protected List<Delivery> claimDue(
            Sql c,
            DeliveryKind kind,
            Optional<String> only,
            Set<String> exclude,
            String owner,
            Instant now,
            Duration lease,
            int limit)
            throws SQLException {
        long t = now.toEpochMilli();
        var args = new ArrayList<Object>(List.of(kind.name(), t));
        only.ifPresent(args::add);
        if (!exclude.isEmpty()) args.add(c.jdbc().createArrayOf("text", exclude.toArray()));
        args.add(limit);
        args.addAll(claimArgs(owner, now, lease));
        // SKIP LOCKED: a head another node is claiming right now is its, not ours to wait for.
        return c.query(
                "WITH due AS (SELECT id, next_attempt_at AS was FROM deliveries WHERE kind = ? AND state = 'PENDING' "
                        + "AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                        + (only.isPresent() ? " AND target = ?" : "")
                        + (exclude.isEmpty() ? "" : " AND NOT (target = ANY(?))")
                        + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED), "
                        + CLAIM + "due WHERE d.id = due.id RETURNING d.*, due.was) "
                        + "SELECT " + Rows.DELIVERY_COLUMNS + " FROM claimed ORDER BY was, id",
                Rows::delivery,
                args.toArray());
    }

    @Override
    protected Optional<Delivery> claimNext(
            Sql c, String target, String sessionId, String owner, Instant now, Duration lease) throws SQLException {
        long t = now.toEpochMilli();
        var args = new ArrayList<Object>(List.of(target, sessionId, t, t));
        args.addAll(claimArgs(owner, now, lease));
        return c.first(
                "WITH next AS (SELECT id FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' "
                        + "AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                        + "FOR UPDATE SKIP LOCKED), "
                        + CLAIM + "next WHERE d.id = next.id RETURNING d.*) "
                        + "SELECT " + Rows.DELIVERY_COLUMNS + " FROM claimed",
                Rows::delivery,
                args.toArray());
    }

    /** The claim's parameters: due again when the lease ends, held by {@code owner}, updated now. */
    private static List<Object> claimArgs(String owner, Instant now, Duration lease) {
        long until = now.plus(lease).toEpochMilli();
        return List.of(until, owner, until, now.toEpochMilli());
    }
}
