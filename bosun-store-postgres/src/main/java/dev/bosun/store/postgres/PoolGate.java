package dev.bosun.store.postgres;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Admits the store's callers to the connection pool in the order they arrive, at most as many at once
 * as the pool has connections.
 *
 * <p>Why: HikariCP's pool is fast because it is not fair. A connection given back is marked free and
 * any thread that asks at that moment may take it before the threads already waiting for one; under
 * sustained over-subscription (64 writers on 16 connections, {@code bench pg}) a waiter can lose that race
 * again and again until its 5 s connection timeout, while the others are served in milliseconds (D119's
 * measurement: emit waits of 3.4-4.1 s, one request refused as UNAVAILABLE). A fair semaphore in front
 * bounds a caller's wait by the queue ahead of it, and the callers it admits always find a connection.
 *
 * <pre>{@code
 * try (PoolGate.Lease lease = gate.borrow()) {
 *     Connection c = lease.connection();
 *     ...
 * }
 * }</pre>
 */
final class PoolGate {
    private final DataSource pool;
    private final Semaphore permits;
    private final int size;
    private final Duration timeout;
    private final String name;

    PoolGate(DataSource pool, int size, Duration timeout, String name) {
        if (size < 1) throw new IllegalArgumentException("store_pool_size must be at least 1, was " + size);
        this.pool = pool;
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.timeout = timeout;
        this.name = name;
    }

    /** A connection borrowed through the gate; closing it gives back the connection, then the place. */
    record Lease(Connection connection, Semaphore permits) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            try {
                connection.close();
            } finally {
                permits.release();
            }
        }
    }

    /**
     * Waits for a place in arrival order, then takes a connection from the pool.
     *
     * @throws BosunException UNAVAILABLE when no place came free within the pool's connection timeout:
     *     every connection stayed busy (the database answers, slowly), which is not an outage
     */
    Lease borrow() throws SQLException {
        boolean admitted;
        try {
            admitted = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.unavailable("interrupted while waiting for a PostgreSQL connection", e);
        }
        if (!admitted) {
            throw new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "the PostgreSQL store is busy: all " + size + " connections of pool " + name
                            + " stayed in use for " + timeout.toMillis() + " ms (" + permits.getQueueLength()
                            + " requests waiting); raise store_pool_size or lower the load",
                    Map.of("retry_after_seconds", 1),
                    null);
        }
        try {
            return new Lease(pool.getConnection(), permits);
        } catch (SQLException | RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Requests waiting for a place now. */
    int waiting() {
        return permits.getQueueLength();
    }
}
