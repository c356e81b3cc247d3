package dev.bosun.store.postgres;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.store.StoreHealth;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store knows of the database without asking it: a circuit over the connection, fed by
 * every call and by a background probe once a second. After {@link #OPEN_AFTER} consecutive
 * connection failures (or one failed probe) the circuit opens and calls fail at once with
 * UNAVAILABLE and a {@code Retry-After}, instead of each waiting out the pool's connection timeout;
 * the probe is the half-open trial, and the first probe that gets an answer closes it. Readiness
 * reads {@link #health()}, a field, so it answers at once during an outage too.
 */
final class PgCircuit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgCircuit.class);
    /** Consecutive connection failures of calls that open the circuit. */
    static final int OPEN_AFTER = 3;

    static final long PROBE_INTERVAL_MS = 1_000;
    static final long RETRY_AFTER_SECONDS = 1;
    private static final String DISK_FULL = "53100";

    /** One look at the database: throws when it cannot be reached (or, asked to write, cannot write). */
    @FunctionalInterface
    interface Probe {
        void run(boolean write) throws SQLException;
    }

    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean open;
    private volatile StoreHealth health = StoreHealth.HEALTHY;
    private final Thread prober;
    private volatile boolean closed;

    private final Probe probe;

    PgCircuit(Probe probe) {
        this.probe = probe;
        this.prober = Thread.ofPlatform().name("bosun-pg-probe").daemon(true).start(() -> loop(probe));
    }

    StoreHealth health() {
        return health;
    }

    boolean isOpen() {
        return open;
    }

    /** Before a call: fails it at once while the circuit is open. */
    void admit() {
        if (open) {
            throw new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "the PostgreSQL store is unreachable; calls fail at once until "
                            + "it answers again (checked every second)",
                    Map.of("retry_after_seconds", RETRY_AFTER_SECONDS));
        }
    }

    /** A call or probe got an answer. */
    void succeeded() {
        if (failures.get() != 0) failures.set(0); // a read first: this runs on every call
        if (open) {
            open = false;
            log.info("PostgreSQL store: the database answers again; calls go through");
        }
        if (!health.ready()) health = StoreHealth.HEALTHY;
    }

    /** A call failed: a connection failure counts towards opening the circuit, a full disk is remembered. */
    void failed(SQLException e) {
        if (connectionLost(e)) {
            health = new StoreHealth(
                    StoreHealth.State.UNREACHABLE, "the PostgreSQL store is unreachable (" + describe(e) + ")");
            if (failures.incrementAndGet() >= OPEN_AFTER) trip(e);
        } else if (DISK_FULL.equals(e.getSQLState())) {
            health = new StoreHealth(StoreHealth.State.DISK_FULL, "the PostgreSQL database's disk is full");
        }
    }

    private void trip(SQLException e) {
        if (!open) {
            open = true;
            log.warn(
                    "PostgreSQL store: unreachable ({}); calls fail at once until a probe gets an answer", describe(e));
        }
    }

    private void loop(Probe probe) {
        while (!closed) {
            try {
                Thread.sleep(PROBE_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) return;
            try {
                // After a full disk only a write shows that writes commit again.
                probe.run(health.state() == StoreHealth.State.DISK_FULL);
                succeeded();
            } catch (SQLException e) {
                failed(e);
                if (connectionLost(e)) trip(e);
            } catch (RuntimeException e) {
                log.warn("the PostgreSQL probe failed", e);
            }
        }
    }

    /**
     * A failure to reach the database, which is what opens the circuit. The pool timing out with no
     * connection failure behind it (every connection busy under load) is not one: the database
     * answers, it is only slow, and failing every call at once would make that worse.
     */
    static boolean connectionLost(SQLException e) {
        if (e instanceof SQLTransientConnectionException)
            return e.getCause() instanceof SQLException c && unreachable(c);
        return unreachable(e);
    }

    static boolean unreachable(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return e instanceof SQLTransientConnectionException
                || state.startsWith("08")
                || state.startsWith("57P")
                || state.equals("53300");
    }

    static String describe(SQLException e) {
        return e.getSQLState() == null ? "no SQLSTATE" : "SQLSTATE " + e.getSQLState();
    }

    @Override
    public void close() {
        closed = true;
        NodeLease.stop(prober);
        if (probe instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing the probe: {}", e.toString());
            }
        }
    }
}
