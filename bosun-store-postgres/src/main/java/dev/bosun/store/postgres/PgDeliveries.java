package dev.bosun.store.postgres;

import dev.bosun.delivery.Delivery;
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

/**
 * The shared {@link JdbcDeliveries} with PostgreSQL's claim: it takes its rows with {@code FOR UPDATE
 * SKIP LOCKED} and claims them in the same statement, so two nodes never claim the same delivery and
 * neither waits for the other's (D106).
 */
final class PgDeliveries extends JdbcDeliveries {

    PgDeliveries(Transactions tx) {
        super(tx, Dialect.POSTGRES);
    }

    @Override
    protected List<Delivery> claim(
            Sql c, String where, List<Object> args, int limit, String owner, Instant now, Duration lease)
            throws SQLException {
        long until = now.plus(lease).toEpochMilli();
        var bound = new ArrayList<Object>(args);
        bound.addAll(List.of(limit, until, owner, until, now.toEpochMilli()));
        // SKIP LOCKED: a head another node is claiming right now is its, not ours to wait for.
        return c.query(
                "WITH due AS (SELECT id, next_attempt_at AS was FROM deliveries WHERE " + where
                        + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED), "
                        + "claimed AS (UPDATE deliveries d SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = ?, "
                        + "claimed_until = ?, updated_at = ? FROM due WHERE d.id = due.id RETURNING d.*, due.was) "
                        + "SELECT " + Rows.DELIVERY_COLUMNS + " FROM claimed ORDER BY was, id",
                Rows::delivery,
                bound.toArray());
    }
}
