package dev.bosun.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.IntSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node incarnation's lease in the {@code nodes} table, renewed by a heartbeat every third of its
 * time to live. Expiry is reckoned in the database's clock ({@code clock_timestamp()}), the one clock
 * every node shares, so skew between machines cannot make a live node look dead. After each renewal
 * the heartbeat runs the failover sweep: sessions of incarnations whose lease has lapsed are taken
 * over.
 */
final class NodeLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeLease.class);

    /** The heartbeat queues for a connection with everyone else, in arrival order (D126). */
    private final PoolGate gate;

    private final long generation;
    private final Duration ttl;
    private final IntSupplier failover;
    private final Thread thread;
    private volatile boolean closed;
    /** Lost and not yet renewed again: the loss is logged once, not at every heartbeat. */
    private volatile boolean lost;

    private final java.util.concurrent.atomic.AtomicLong losses = new java.util.concurrent.atomic.AtomicLong();
    /** {@link System#nanoTime} of the last renewal that reached the database. */
    private volatile long renewedAt = System.nanoTime();

    NodeLease(PoolGate gate, long generation, Duration ttl, IntSupplier failover) {
        this.gate = gate;
        this.generation = generation;
        this.ttl = ttl;
        this.failover = failover;
        this.thread = Thread.ofPlatform().name("bosun-pg-lease").daemon(true).start(this::loop);
    }

    /**
     * Registers a new incarnation of {@code nodeId} with a fresh lease and returns its generation.
     * The live worker sessions of earlier incarnations of the same node id pass to it (a restart
     * adopts its workers): from now on writes from an older incarnation, should one still run, are
     * refused.
     */
    static long register(DataSource pool, String nodeId, Duration ttl) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            long g;
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO nodes (generation, node_id, started_at, heartbeat_at, "
                            + "lease_expires_at) VALUES (nextval('node_generation'), ?, clock_timestamp(), clock_timestamp(), "
                            + "clock_timestamp() + make_interval(secs => ?)) RETURNING generation")) {
                ps.setString(1, nodeId);
                ps.setDouble(2, ttl.toMillis() / 1000.0);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    g = r.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET owner_generation = ? WHERE node_id = ? "
                    + "AND status <> 'ENDED' AND profile IS NOT NULL AND owner_generation <> ?")) {
                ps.setLong(1, g);
                ps.setString(2, nodeId);
                ps.setLong(3, g);
                int adopted = ps.executeUpdate();
                if (adopted > 0)
                    log.info("node {} (generation {}) took back {} live worker sessions", nodeId, g, adopted);
            }
            c.commit();
            return g;
        }
    }

    private void loop() {
        long period = Math.max(100, ttl.toMillis() / 3);
        while (!closed) {
            try {
                Thread.sleep(period);
                renew();
                failover.getAsInt();
                forgetOldIncarnations();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                log.warn("lease heartbeat failed: {}", e.toString());
                // The lease was set no later than our last success, so a ttl since then means it has lapsed.
                long since = System.nanoTime() - renewedAt;
                if (since >= ttl.toNanos()) lost("no heartbeat reached PostgreSQL for " + since / 1_000_000 + " ms");
            }
        }
    }

    /**
     * Extends the lease; false if the row is gone (an operator removed it). A lease found lapsed, or
     * gone, is lost: other nodes may have ended this node's worker sessions {@code worker_lost}.
     */
    boolean renew() throws SQLException {
        // The old expiry is read in the same statement, in the database's clock, to tell a lapse.
        try (PoolGate.Lease lease = gate.borrow();
                PreparedStatement ps = lease.connection()
                        .prepareStatement("WITH old AS (SELECT lease_expires_at FROM nodes WHERE generation = ? "
                                + "FOR UPDATE) UPDATE nodes n SET heartbeat_at = clock_timestamp(), "
                                + "lease_expires_at = clock_timestamp() + make_interval(secs => ?) FROM old WHERE n.generation = ? "
                                + "RETURNING EXTRACT(EPOCH FROM clock_timestamp() - old.lease_expires_at) * 1000")) {
            ps.setLong(1, generation);
            ps.setDouble(2, ttl.toMillis() / 1000.0);
            ps.setLong(3, generation);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    lost("its row in the nodes table is gone");
                    return false;
                }
                renewedAt = System.nanoTime();
                long lapsedMs = (long) rs.getDouble(1);
                if (lapsedMs > 0) lost("it had lapsed " + lapsedMs + " ms before this heartbeat renewed it");
                if (lost) {
                    lost = false;
                    log.info("node lease of generation {} renewed again", generation);
                }
                return true;
            }
        }
    }

    /** Logs a loss once (until the lease is renewed again) and counts it. */
    private void lost(String why) {
        if (lost) return;
        lost = true;
        losses.incrementAndGet();
        log.error(
                "node lease of generation {} lost: {}; other nodes take over this node's worker sessions (they end "
                        + "worker_lost). Check this node's connection to PostgreSQL and its pauses (GC, CPU)",
                generation,
                why);
    }

    /** How many times this incarnation lost its lease. */
    long losses() {
        return losses.get();
    }

    /** Incarnations that lapsed a day ago and own nothing live are history. */
    private void forgetOldIncarnations() throws SQLException {
        try (PoolGate.Lease lease = gate.borrow();
                PreparedStatement ps = lease.connection()
                        .prepareStatement("DELETE FROM nodes n WHERE lease_expires_at < clock_timestamp() - "
                                + "interval '1 day' AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.owner_generation = n.generation "
                                + "AND s.status <> 'ENDED' AND s.profile IS NOT NULL)")) {
            ps.executeUpdate();
        }
    }

    @Override
    public void close() {
        closed = true;
        stop(thread);
    }

    /** Interrupts a background thread of the store and waits a while for it to end; a caller's interrupt stands. */
    static void stop(Thread t) {
        t.interrupt();
        try {
            if (!t.join(Duration.ofSeconds(5))) log.warn("{} did not stop within 5 s", t.getName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
