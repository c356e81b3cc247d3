package dev.bosun.store.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.event.SystemPayloads;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionStatus;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.CommitListener;
import dev.bosun.store.EndCause;
import dev.bosun.store.EndRequest;
import dev.bosun.store.EndResult;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.Store;
import dev.bosun.store.TakeoverEnds;
import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.JdbcIdempotency;
import dev.bosun.store.jdbc.JdbcStore;
import dev.bosun.store.jdbc.Rows;
import dev.bosun.store.jdbc.Sql;
import dev.bosun.store.jdbc.StoreRules;
import dev.bosun.store.jdbc.Transactions;
import dev.bosun.task.Task;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} for several Bosun nodes sharing one PostgreSQL database. Every method is one
 * transaction on a pooled connection (HikariCP); concurrent commits share WAL flushes through
 * PostgreSQL's own group commit, so there is no writer thread as in SQLite.
 *
 * <ul>
 *   <li>A session's seqs are allocated by bumping {@code sessions.last_seq} under the session's row
 *       lock, held to the commit: appends to one session commit in seq order, so a reader never sees
 *       seq n+1 before n. There is no global sequence.</li>
 *   <li>Every state change is a compare-and-set in the transaction that writes it, as in SQLite; the
 *       reaper's expiries take their row with {@code FOR UPDATE SKIP LOCKED}, so reapers on several
 *       nodes never queue behind each other and each expiry happens once.</li>
 *   <li>Each open store is a node incarnation with a lease ({@link NodeLease}); the generation is the
 *       fencing token of the sessions whose worker it runs. Owner-only writes (worker start, outbox
 *       ingestion, inbox progress, worker exits) carry it and are refused once another incarnation
 *       owns the session. When an owner's lease lapses, any node ends its live worker sessions
 *       {@code worker_lost}.</li>
 *   <li>Commits are announced to other nodes with LISTEN/NOTIFY ({@link PgPeers}), a hint that makes
 *       their long-polls re-read.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Store store = PostgresStore.open(PostgresStore.Options.of(PgUrl.parse("postgresql://bosun@db/bosun"), "node-1"))) { ... }
 * }</pre>
 */
public final class PostgresStore extends JdbcStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);
    private static final Attributes SPAN_ATTRIBUTES = Attributes.of(Tracing.DB_SYSTEM, "postgresql");
    private static final int MAX_ATTEMPTS = 5;
    /** Sessions a failover takes over per transaction: small, so no node holds many rows for long. */
    static final int TAKEOVER_BATCH = 20;

    private final PgUrl url;
    private final Options options;
    private final HikariDataSource pool;
    /** Every transaction borrows its connection through the gate, in arrival order (D126). */
    private final PoolGate gate;

    private final long generation;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private final List<CommitListener> peerListeners = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> commitTimers = new CopyOnWriteArrayList<>();
    private final PgPeers peers;
    private final NodeLease lease;
    private final Transactions tx = transactions();
    private final PgCircuit circuit;
    /** How a takeover's ends are made: the manager's once one runs on this store, the documented defaults until then. */
    private volatile TakeoverEnds takeoverEnds;

    /**
     * How to open the store.
     *
     * @param url      the database and schema
     * @param nodeId   this node's id (config {@code node_id}); sessions it creates are owned by it
     * @param poolSize connections in the pool
     * @param leaseTtl how long this node's lease lasts without a heartbeat; it is renewed every third of it
     * @param clock    the time of the events this store writes on its own (a failover's {@code session_ended})
     */
    public record Options(PgUrl url, String nodeId, int poolSize, Duration leaseTtl, Clock clock) {
        public static final int DEFAULT_POOL_SIZE = 16;
        public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);

        public static Options of(PgUrl url, String nodeId) {
            return new Options(url, nodeId, DEFAULT_POOL_SIZE, DEFAULT_LEASE_TTL, Clock.systemUTC());
        }

        public Options withLeaseTtl(Duration ttl) {
            return new Options(url, nodeId, poolSize, ttl, clock);
        }

        public Options withPoolSize(int size) {
            return new Options(url, nodeId, size, leaseTtl, clock);
        }
    }

    /** Opens the store: migrates the schema (once, whoever else starts), registers this node, starts its lease and listener. */
    public static PostgresStore open(Options options) {
        try {
            return new PostgresStore(options);
        } catch (SQLException e) {
            throw BosunException.unavailable(
                    "cannot open the PostgreSQL store at " + options.url() + ": " + describe(e), e);
        } catch (RuntimeException e) {
            if (e instanceof BosunException) throw e;
            throw BosunException.unavailable(
                    "cannot open the PostgreSQL store at " + options.url() + ": " + rootMessage(e), e);
        }
    }

    private PostgresStore(Options options) throws SQLException {
        super(Dialect.POSTGRES, (tx, dialect) -> new PgDeliveries(tx));
        this.url = options.url();
        this.options = options;
        try (Connection c = connect()) {
            PgMigrator.migrate(c, url.schema());
        }
        var cfg = new HikariConfig();
        cfg.setJdbcUrl(url.jdbcUrl());
        cfg.setDataSourceProperties(url.properties("bosun-" + options.nodeId()));
        cfg.setMaximumPoolSize(options.poolSize());
        cfg.setMinimumIdle(Math.min(2, options.poolSize()));
        cfg.setPoolName("bosun-pg-" + options.nodeId());
        // A request waits at most this long for a connection; then it is UNAVAILABLE, not hung. During
        // an outage the circuit (PgCircuit) fails calls at once, within a second or two of its start.
        cfg.setConnectionTimeout(5_000);
        cfg.setInitializationFailTimeout(10_000);
        this.pool = new HikariDataSource(cfg);
        this.gate = new PoolGate(
                pool, options.poolSize(), Duration.ofMillis(cfg.getConnectionTimeout()), cfg.getPoolName());
        long g;
        try {
            g = NodeLease.register(pool, options.nodeId(), options.leaseTtl());
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
        this.generation = g;
        this.takeoverEnds = SessionEnds.standalone(this, options.clock());
        this.peers = new PgPeers(this::connect, "bosun_" + url.schema(), instance, this::peerCommitted);
        peers.awaitListening(5_000);
        this.circuit = new PgCircuit(new PgProbe(url, "bosun-" + options.nodeId() + "-probe", g));
        this.lease = new NodeLease(gate, g, options.leaseTtl(), this::takeOverLapsed);
        log.info("PostgreSQL store open at {} as node {} (generation {})", url, options.nodeId(), g);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url.jdbcUrl(), url.properties("bosun-" + options.nodeId()));
    }

    /**
     * Checks the database without joining the cluster (no lease, no migration, no listener): what
     * {@code bosun doctor} needs, since opening a store would register a new incarnation of the node
     * and take over a running node's sessions. Returns a problem, or empty when the database answers
     * and its schema is at this build's version.
     */
    public static Optional<String> probe(PgUrl url) {
        var props = url.properties("bosun-doctor");
        props.setProperty("connectTimeout", "5");
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
                PreparedStatement ps =
                        c.prepareStatement("SELECT to_regclass(? || '.schema_migrations') IS NOT NULL")) {
            ps.setString(1, url.schema());
            boolean migrated;
            try (ResultSet r = ps.executeQuery()) {
                migrated = r.next() && r.getBoolean(1);
            }
            if (!migrated)
                return Optional.of(
                        "schema '" + url.schema() + "' has no Bosun tables yet; the first node to start creates them");
            try (var st = c.createStatement();
                    ResultSet r = st.executeQuery("SELECT MAX(version) FROM " + url.schema() + ".schema_migrations")) {
                int v = r.next() ? r.getInt(1) : 0;
                if (v > schemaVersion())
                    return Optional.of("schema '" + url.schema() + "' is at version " + v + ", newer than this build's "
                            + schemaVersion() + ": upgrade this node");
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("cannot reach " + url + " (" + describe(e) + ")");
        }
    }

    /** The schema version this build migrates to (the number of its migrations). */
    public static int schemaVersion() {
        return PgMigrator.latestVersion();
    }

    /** This incarnation's generation: the fencing token of the sessions it owns. */
    public long generation() {
        return generation;
    }

    /** The database and schema, without the password. */
    public PgUrl url() {
        return url;
    }

    /** Notifications sent to and heard from other nodes, for diagnostics and tests. */
    public long notificationsSent() {
        return peers.notificationsSent();
    }

    public long notificationsHeard() {
        return peers.notificationsHeard();
    }

    // =====================================================================================
    // transactions
    // =====================================================================================

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c, Set<String> touched) throws SQLException;
    }

    @FunctionalInterface
    interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet r) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it, then tells local listeners and queues the
     * touched sessions for the other nodes. A deadlock or serialization failure (two transactions
     * locking the same fleet rows in another order) is retried; the work starts over with a clean slate.
     */
    <T> T write(Work<T> work) {
        if (!Tracing.inTrace()) return writeNow(work);
        return Tracing.call("store write", SpanKind.CLIENT, SPAN_ATTRIBUTES, () -> writeNow(work), (span, r) -> {});
    }

    private <T> T writeNow(Work<T> work) {
        requireOpen();
        circuit.admit();
        // A request's idempotency key rides on its first write, in the same transaction (D78).
        var claim = dev.bosun.idempotency.IdempotencyScope.pending();
        for (int attempt = 1; ; attempt++) {
            var touched = new HashSet<String>();
            T result;
            try (PoolGate.Lease lease = gate.borrow()) {
                Connection c = lease.connection();
                c.setAutoCommit(false);
                try {
                    result = work.run(c, touched);
                    if (claim.isPresent())
                        JdbcIdempotency.insert(Sql.of(c), claim.get().claim(), touched);
                    long began = System.nanoTime();
                    c.commit();
                    long took = System.nanoTime() - began;
                    for (LongConsumer t : commitTimers) t.accept(took);
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (retryable(e) && attempt < MAX_ATTEMPTS) continue;
                throw storeError("write", e);
            }
            circuit.succeeded();
            claim.ifPresent(dev.bosun.idempotency.IdempotencyScope.Binding::written);
            if (!touched.isEmpty()) afterCommit(touched);
            return result;
        }
    }

    /** The pool's transactions, as the shared statements run them (D106). */
    private Transactions transactions() {
        return new Transactions() {
            @Override
            public <T> T read(Read<T> work) {
                return PostgresStore.this.read(c -> work.run(Sql.of(c)));
            }

            @Override
            public <T> T write(Write<T> work) {
                return PostgresStore.this.write((c, touched) -> work.run(Sql.of(c), touched));
            }
        };
    }

    <T> T read(Read<T> work) {
        requireOpen();
        circuit.admit();
        try (PoolGate.Lease lease = gate.borrow()) {
            T result = work.run(lease.connection());
            circuit.succeeded();
            return result;
        } catch (SQLException e) {
            throw storeError("read", e);
        }
    }

    private void afterCommit(Set<String> touched) {
        for (String id : touched) {
            for (CommitListener l : listeners) {
                try {
                    l.committed(id);
                } catch (RuntimeException e) {
                    log.warn("a commit listener failed on {}", id, e);
                }
            }
        }
        peers.committed(touched);
    }

    private void peerCommitted(String sessionId) {
        for (CommitListener l : listeners) l.committed(sessionId);
        for (CommitListener l : peerListeners) l.committed(sessionId);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /**
     * UNAVAILABLE (INSUFFICIENT_STORAGE for a full disk), with the SQLSTATE but none of the server's
     * text (it may name hosts); the log has the rest. The failure also feeds the circuit.
     */
    private BosunException storeError(String what, SQLException e) {
        log.warn("PostgreSQL {} failed: {}", what, e.toString());
        circuit.failed(e);
        if ("53100".equals(e.getSQLState())) {
            return BosunException.diskFull(
                    "the disk is full: the PostgreSQL database could not write (SQLSTATE 53100), and "
                            + "nothing of this request was written; retry once it has room",
                    PgCircuit.RETRY_AFTER_SECONDS * 5,
                    Map.of());
        }
        if (PgCircuit.unreachable(e)) {
            return new BosunException(
                    ErrorCode.UNAVAILABLE,
                    "the PostgreSQL store is unreachable (" + describe(e) + ")",
                    Map.of("retry_after_seconds", PgCircuit.RETRY_AFTER_SECONDS),
                    e);
        }
        return BosunException.unavailable(
                "the PostgreSQL store could not complete the " + what + " (" + describe(e) + ")", e);
    }

    private static String describe(SQLException e) {
        return e.getSQLState() == null ? "no SQLSTATE" : "SQLSTATE " + e.getSQLState();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage());
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) ps.setNull(i + 1, Types.NULL);
            else ps.setObject(i + 1, a);
        }
    }

    static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            var out = new ArrayList<T>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.add(mapper.map(r));
            }
            return out;
        }
    }

    static <T> Optional<T> first(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        List<T> rows = query(c, sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static Long ms(Instant t) {
        return t.toEpochMilli();
    }

    // =====================================================================================
    // listeners
    // =====================================================================================

    @Override
    public void addCommitListener(CommitListener listener) {
        listeners.add(listener);
    }

    @Override
    public void addPeerCommitListener(CommitListener listener) {
        peerListeners.add(listener);
    }

    @Override
    public void addCommitTimer(LongConsumer nanos) {
        commitTimers.add(nanos);
    }

    @Override
    public void takeoverEnds(TakeoverEnds ends) {
        this.takeoverEnds = java.util.Objects.requireNonNull(ends, "ends");
    }

    // =====================================================================================
    // reads
    // =====================================================================================

    private static final String SELECT_SESSION = "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE id = ?";

    private static Optional<Session> findSession(Connection c, String id) throws SQLException {
        return first(c, SELECT_SESSION, Rows::session, id);
    }

    /** The connections in this node's pool ({@code store_pool_size}). */
    @Override
    public int poolSize() {
        return options.poolSize();
    }

    @Override
    protected Transactions tx() {
        return tx;
    }

    /** From the circuit: the last calls' and the background probe's outcome, no round trip. */
    @Override
    public dev.bosun.store.StoreHealth health() {
        return closed() ? dev.bosun.store.StoreHealth.CLOSED : circuit.health();
    }

    // =====================================================================================
    // sessions
    // =====================================================================================

    @Override
    public Session createSession(NewSession s, int maxLiveSessions) {
        return write((c, touched) -> {
            insertSession(Sql.of(c), s);
            Session session = created(Sql.of(c), s, touched);
            // Last, so the one row every create and end shares is locked only for the commit itself.
            if (update(c, "UPDATE counters SET value = value + 1 WHERE name = 'live_sessions' AND value < ?", (long)
                            maxLiveSessions)
                    == 0) {
                throw StoreRules.liveCap(maxLiveSessions);
            }
            return session;
        });
    }

    @Override
    protected Optional<Long> ownerGeneration() {
        return Optional.of(generation);
    }

    /** Ends that only the owner's worker supervisor makes: they carry its generation. */
    private static boolean ownerOnly(EndRequest req) {
        return req.reason() == EndReason.WORKER_EXITED
                || req.reason() == EndReason.WORKER_LOST
                || req.reason() == EndReason.STARTUP_FAILED && req.precondition() == EndRequest.Precondition.NONE;
    }

    @Override
    public EndResult endSession(EndRequest req) {
        return write((c, touched) -> {
            if (req.precondition() != EndRequest.Precondition.NONE
                    && first(c, "SELECT 1 FROM sessions WHERE id = ? FOR UPDATE SKIP LOCKED", r -> 1, req.sessionId())
                            .isEmpty()) {
                return heldElsewhere(c, req);
            }
            return end(c, req, touched, ownerOnly(req));
        });
    }

    /**
     * Someone holds the row (another node's reaper, or a write that may move the deadline): leave it to them;
     * if it is still due, the next sweep comes back within a second.
     */
    private static EndResult heldElsewhere(Connection c, EndRequest req) throws SQLException {
        Session s =
                findSession(c, req.sessionId()).orElseThrow(() -> BosunException.notFound("session", req.sessionId()));
        return new EndResult(s, false, 0);
    }

    /**
     * One end, its own transaction's work. The row the end's {@code UPDATE} returns is the ended session, so it
     * is not read again; the tasks are read (for the patterns) and cancelled only when there are any (D122).
     * A batch of ends ({@link #endSessions}) stays one transaction per end here: one transaction for a
     * reaper's slice held its rows until the slice committed, and another node's relay waiting on one of
     * them held rows of its own that every reaper then skipped (D122).
     */
    private EndResult end(Connection c, EndRequest req, Set<String> touched, boolean fenced) throws SQLException {
        long t = req.at().toEpochMilli();
        String guard = StoreRules.endGuard(req.precondition());
        // The patterns the end leaves, written by the end's own UPDATE (unused if it does not happen).
        Optional<int[]> shape = first(
                c,
                "SELECT max_tasks, tasks_total FROM sessions WHERE id = ?",
                r -> new int[] {r.getInt(1), r.getInt(2)},
                req.sessionId());
        List<String> patterns = StoreRules.patternsAtEnd(
                shape.isPresent() && shape.get()[1] > 0
                        ? query(
                                c,
                                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? ORDER BY ord",
                                Rows::task,
                                req.sessionId())
                        : List.of(),
                shape.map(x -> x[0]).orElse(Integer.MAX_VALUE),
                req);
        var args =
                new ArrayList<Object>(List.of(req.outcome().name(), req.reason().name()));
        args.add(req.error().orElse(null));
        args.add(req.exitCode().orElse(null));
        args.add(t);
        args.add(req.h1End().orElse(null));
        args.add(t);
        args.add(Rows.json(patterns));
        args.add(req.sessionId());
        if (!guard.isEmpty()) args.add(t);
        if (fenced) args.add(generation);
        Optional<Session> updated = first(
                c,
                "UPDATE sessions SET status = 'ENDED', outcome = ?, reason = ?, error = ?, exit_code = ?, "
                        + "ended_at = ?, idle_deadline_at = NULL, startup_deadline_at = NULL, h1_end = ?, "
                        // Without a worker there is nothing to stop or remove: the end itself is the cleanup.
                        + "cleaned_at = CASE WHEN profile IS NULL THEN ? ELSE cleaned_at END, patterns = ? "
                        + "WHERE id = ? AND status <> 'ENDED'" + guard
                        + (fenced ? " AND (profile IS NULL OR owner_generation = ?)" : "")
                        + " RETURNING " + Rows.SESSION_COLUMNS,
                Rows::session,
                args.toArray());
        if (updated.isEmpty()) {
            Session s = findSession(c, req.sessionId())
                    .orElseThrow(() -> BosunException.notFound("session", req.sessionId()));
            if (fenced && !s.isEnded())
                log.warn(
                        "refused {} of session {}: {}",
                        req.reason(),
                        s.id(),
                        notOwner(s.id()).getMessage());
            return new EndResult(s, false, 0);
        }
        touched.add(req.sessionId());
        update(c, "UPDATE counters SET value = value - 1 WHERE name = 'live_sessions'");
        Session ended = updated.get();
        List<String> cancelledIds = ended.taskCounts().running() > 0
                ? query(
                        c,
                        "UPDATE tasks SET status = 'CANCELLED', ended_at = ?, duration_ms = GREATEST(0, ? - started_at) "
                                + "WHERE session_id = ? AND status = 'RUNNING' RETURNING id",
                        r -> r.getString(1),
                        t,
                        t,
                        req.sessionId())
                : List.of();
        int cancelled = cancelledIds.size();
        if (cancelled > 0) {
            ended = first(
                            c,
                            "UPDATE sessions SET tasks_cancelled = tasks_cancelled + ?, tasks_running = 0 WHERE id = ? "
                                    + "RETURNING " + Rows.SESSION_COLUMNS,
                            Rows::session,
                            cancelled,
                            req.sessionId())
                    .orElseThrow();
        }
        Optional<Long> h1Start =
                req.h1End().isPresent() ? h1Of(Sql.of(c), req.sessionId(), "h1_start") : Optional.empty();
        ObjectNode endPayload = StoreRules.sessionEnded(ended, h1Start, req);
        if (cancelled > 0) {
            // Every task that started ends in the log: the end's cancellations are checkpoints too (TASK_END tiles).
            for (Task task : query(
                    c,
                    "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? AND id = ANY(?) ORDER BY ord",
                    Rows::task,
                    req.sessionId(),
                    c.createArrayOf("text", cancelledIds.toArray()))) {
                appendSystem(
                        c, req.sessionId(), SystemEvents.TASK_COMPLETED, SystemPayloads.taskCompleted(task), t, false);
            }
            // The edges of the routed tasks it cancelled leave the graph's live set with it.
            update(
                    c,
                    "UPDATE fleet_edges SET task_ended_at = ? WHERE tenant = ? AND task_ended_at IS NULL "
                            + "AND (agent_id, task_key) IN (SELECT assigned_agent, id FROM tasks WHERE session_id = ? "
                            + "AND assigned_agent IS NOT NULL AND status = 'CANCELLED')",
                    t,
                    ended.tenant(),
                    req.sessionId());
        }
        long seq = appendSystem(c, req.sessionId(), SystemEvents.SESSION_ENDED, endPayload, t, false);
        // The log's newest seq is the only column of the row that changed since the UPDATE returned it.
        return new EndResult(ended.withLastSeq(seq), true, cancelled);
    }

    @Override
    public Session touch(String sessionId, Instant at) {
        return write((c, touched) -> {
            long t = at.toEpochMilli();
            Optional<Session> s = first(
                    c,
                    "UPDATE sessions SET last_activity_at = GREATEST(last_activity_at, ?), "
                            + "idle_deadline_at = CASE WHEN tasks_running > 0 THEN NULL ELSE GREATEST(last_activity_at, ?) + idle_timeout_ms END "
                            + "WHERE id = ? AND status <> 'ENDED' RETURNING " + Rows.SESSION_COLUMNS,
                    Rows::session,
                    t,
                    t,
                    sessionId);
            if (s.isEmpty()) requireLive(c, sessionId);
            return s.orElseThrow();
        });
    }

    /** Throws NOT_FOUND or CONFLICT unless the session exists and has not ended. */
    private static Session requireLive(Connection c, String sessionId) throws SQLException {
        Session s = findSession(c, sessionId).orElseThrow(() -> BosunException.notFound("session", sessionId));
        if (s.isEnded()) throw endedConflict(s);
        return s;
    }

    private static BosunException endedConflict(Session s) {
        return StoreRules.ended(s);
    }

    // =====================================================================================
    // events
    // =====================================================================================

    @Override
    public Event append(NewEvent e) {
        if (e.sourceKey().isPresent())
            return appendAll(e.sessionId(), List.of(e), false).get(0);
        if (SystemEvents.isCheckpoint(e.direction(), e.type())) {
            return write((c, touched) -> {
                Event ev = appendOne(c, e);
                touched.add(e.sessionId());
                return ev;
            });
        }
        requireOpen();
        circuit.admit();
        // The hot path of every send and emit: one statement, its own transaction (autocommit), so one
        // round trip.
        long t = e.at().toEpochMilli();
        Optional<Event> ev;
        try (PoolGate.Lease lease = gate.borrow()) {
            Connection c = lease.connection();
            long began = System.nanoTime();
            ev = insertNext(c, e, t);
            long took = System.nanoTime() - began;
            for (LongConsumer timer : commitTimers) timer.accept(took);
            if (ev.isEmpty()) requireLive(c, e.sessionId()); // throws NOT_FOUND or CONFLICT
        } catch (SQLException ex) {
            throw storeError("write", ex);
        }
        circuit.succeeded();
        afterCommit(Set.of(e.sessionId()));
        return ev.orElseThrow();
    }

    @Override
    public List<Event> appendAll(String sessionId, List<NewEvent> events) {
        return appendAll(sessionId, events, true);
    }

    /**
     * Appends in order under the session's row lock, taken first: a source key checked before the
     * lock could be inserted by a concurrent twin in between. Outbox ingestion (the only caller of
     * the public batch form) is the owner's, so for a worker session it carries the generation.
     */
    private List<Event> appendAll(String sessionId, List<NewEvent> events, boolean ownerOnly) {
        if (events.isEmpty()) return List.of();
        for (NewEvent e : events) {
            if (!e.sessionId().equals(sessionId))
                throw new IllegalArgumentException("appendAll takes events of one session");
        }
        return write((c, touched) -> {
            var owner = first(
                    c,
                    "SELECT profile IS NOT NULL, owner_generation FROM sessions WHERE id = ? FOR UPDATE",
                    r -> r.getBoolean(1) && r.getLong(2) != generation,
                    sessionId);
            if (owner.isEmpty()) throw BosunException.notFound("session", sessionId);
            if (ownerOnly && owner.get()) {
                Session s = requireLive(c, sessionId);
                throw notOwner(s.id());
            }
            var out = new ArrayList<Event>(events.size());
            for (NewEvent e : events) {
                Optional<Event> existing = first(
                        c,
                        "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? " + "AND source_key = ?",
                        Rows::event,
                        sessionId,
                        e.sourceKey().get());
                out.add(existing.isPresent() ? existing.get() : appendOne(c, e));
            }
            touched.add(sessionId);
            return out;
        });
    }

    private static Event appendOne(Connection c, NewEvent e) throws SQLException {
        long t = e.at().toEpochMilli();
        Optional<Event> ev = insertNext(c, e, t);
        if (ev.isEmpty()) requireLive(c, e.sessionId()); // throws NOT_FOUND or CONFLICT
        if (SystemEvents.isCheckpoint(e.direction(), e.type())) {
            // A checkpoint from outside the lifecycle (an error, an emergence alert): the relay follows it too.
            update(
                    c,
                    "UPDATE sessions SET checkpoint_seq = ? WHERE id = ?",
                    ev.orElseThrow().seq(),
                    e.sessionId());
        }
        return ev.orElseThrow();
    }

    /**
     * Appends one event in one statement, PostgreSQL's own: the CTE bumps the session's seq under its
     * row lock (and its activity, if the event counts as activity) and inserts the event with that seq.
     * Empty when the session is not live.
     */
    private static Optional<Event> insertNext(Connection c, NewEvent e, long t) throws SQLException {
        boolean keyed = e.sourceKey().isPresent();
        String sql = "WITH s AS (UPDATE sessions SET last_seq = last_seq + 1"
                + (e.activity()
                        ? ", last_activity_at = GREATEST(last_activity_at, ?), idle_deadline_at = CASE "
                                + "WHEN tasks_running > 0 THEN NULL ELSE GREATEST(last_activity_at, ?) + idle_timeout_ms END"
                        : "")
                + " WHERE id = ? AND status <> 'ENDED' RETURNING last_seq) "
                + "INSERT INTO events (session_id, seq, direction, type, payload, source_key, created_at) "
                + "SELECT ?, last_seq, ?, ?, ?, " + (keyed ? "CAST(? AS TEXT)" : "NULL") + ", ? FROM s RETURNING seq";
        String id = e.sessionId();
        var args = new ArrayList<Object>(9);
        if (e.activity()) Collections.addAll(args, t, t);
        Collections.addAll(args, id, id, e.direction().name(), e.type(), Json.write(e.payload()));
        if (keyed) args.add(e.sourceKey().get());
        args.add(t);
        return first(
                c,
                sql,
                r -> new Event(
                        id, r.getLong(1), e.direction(), e.type(), e.payload().deepCopy(), Instant.ofEpochMilli(t)),
                args.toArray());
    }

    private static void insertEvent(
            Connection c,
            String sessionId,
            long seq,
            Direction dir,
            String type,
            String payload,
            String sourceKey,
            long t)
            throws SQLException {
        update(
                c,
                "INSERT INTO events (session_id, seq, direction, type, payload, source_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                sessionId,
                seq,
                dir.name(),
                type,
                payload,
                sourceKey,
                t);
    }

    @Override
    protected void checkpoint(Sql c, String sessionId, String type, ObjectNode payload, long t, boolean activity)
            throws SQLException {
        appendSystem(c.jdbc(), sessionId, type, payload, t, activity);
    }

    /** A lifecycle checkpoint: its seq is allocated and recorded as the session's newest checkpoint in one statement. */
    private static long appendSystem(
            Connection c, String sessionId, String type, ObjectNode payload, long t, boolean activity)
            throws SQLException {
        // SET expressions see the old row: both columns become last_seq + 1.
        long seq = first(
                        c,
                        "UPDATE sessions SET last_seq = last_seq + 1, checkpoint_seq = last_seq + 1 WHERE id = ? "
                                + "RETURNING last_seq",
                        r -> r.getLong(1),
                        sessionId)
                .orElseThrow(() -> BosunException.notFound("session", sessionId));
        if (activity) touchActivity(c, sessionId, t);
        insertEvent(c, sessionId, seq, Direction.SYSTEM, type, Json.write(payload), null, t);
        return seq;
    }

    private static void touchActivity(Connection c, String sessionId, long t) throws SQLException {
        update(
                c,
                "UPDATE sessions SET last_activity_at = GREATEST(last_activity_at, ?), "
                        + "idle_deadline_at = CASE WHEN status = 'ENDED' OR tasks_running > 0 THEN NULL "
                        + "ELSE GREATEST(last_activity_at, ?) + idle_timeout_ms END WHERE id = ?",
                t,
                t,
                sessionId);
    }

    // =====================================================================================
    // tasks
    // =====================================================================================

    // =====================================================================================
    // worker mailbox and cleanup
    // =====================================================================================

    // =====================================================================================
    // failover
    // =====================================================================================

    /**
     * Ends, {@code worker_lost}, the live worker sessions whose owner's lease has lapsed, in small
     * batches whose rows are claimed with SKIP LOCKED (several nodes may sweep at once; each session
     * is taken over once). Each session is first re-stamped with this node's generation, which fences
     * the old owner should it wake up. Its node id stays: the old node cleans up its disk when it
     * returns. Returns how many sessions were taken over.
     */
    int takeOverLapsed() {
        int total = 0, n;
        do {
            n = write((c, touched) -> {
                List<String[]> lapsed = query(
                        c,
                        "SELECT s.id, s.status, s.node_id, s.tenant FROM sessions s "
                                + "JOIN nodes n ON n.generation = s.owner_generation "
                                + "WHERE s.status <> 'ENDED' AND s.profile IS NOT NULL AND n.lease_expires_at < clock_timestamp() "
                                + "ORDER BY s.id LIMIT ? FOR UPDATE OF s SKIP LOCKED",
                        r -> new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4)},
                        TAKEOVER_BATCH);
                for (String[] row : lapsed) {
                    update(c, "UPDATE sessions SET owner_generation = ? WHERE id = ?", generation, row[0]);
                    var cause = new EndCause.TakenOver(SessionStatus.valueOf(row[1]), row[2], options.nodeId());
                    end(c, takeoverEnds.prepare(row[0], row[3], cause), touched, true);
                    try (var ctx = dev.bosun.log.LogContext.of("session_id", row[0], "tenant", row[3])) {
                        log.warn(
                                "session {} of lapsed node {} ended {}",
                                row[0],
                                row[2],
                                cause.reason().code());
                    }
                }
                return lapsed.size();
            });
            total += n;
        } while (n == TAKEOVER_BATCH && !closed());
        return total;
    }

    // =====================================================================================
    // fleet
    // =====================================================================================

    /** Inserts an edge or makes it live again; true if it is new ({@code xmax = 0} marks a row this statement inserted). */
    @Override
    protected boolean insertEdge(Sql c, String tenant, String agentId, String taskKey, long at) throws SQLException {
        return c.first(
                        "INSERT INTO fleet_edges (tenant, agent_id, task_key, created_at) VALUES (?, ?, ?, ?) "
                                + "ON CONFLICT (tenant, agent_id, task_key) DO UPDATE SET task_ended_at = NULL RETURNING (xmax = 0)",
                        r -> r.getBoolean(1),
                        tenant,
                        agentId,
                        taskKey,
                        at)
                .orElseThrow();
    }

    // =====================================================================================
    // lifecycle
    // =====================================================================================

    /**
     * Stops heartbeats, the listener and the pool. The lease is left to lapse rather than released:
     * a node restarting within the lease adopts its live workers, as a single node does.
     */
    /**
     * Publishes the connection pool's metrics ({@code hikaricp_connections_*}) to a Micrometer
     * {@code MeterRegistry}; passed as an Object so the store needs Micrometer only when this is called.
     */
    public void bindMetrics(Object meterRegistry) {
        pool.setMetricRegistry(meterRegistry);
    }

    /** How many times this node's lease was lost (lapsed or removed) since the store opened. */
    public long leaseLosses() {
        return lease.losses();
    }

    /** This node's lease, for tests that renew it by hand. */
    NodeLease lease() {
        return lease;
    }

    @Override
    protected void release() {
        circuit.close();
        lease.close();
        peers.close();
        pool.close();
    }
}
