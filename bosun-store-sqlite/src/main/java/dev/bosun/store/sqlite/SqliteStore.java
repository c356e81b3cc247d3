package dev.bosun.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.event.SystemPayloads;
import dev.bosun.json.Json;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.Session;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionStats;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.CommitListener;
import dev.bosun.store.Due;
import dev.bosun.store.DueTask;
import dev.bosun.store.EndOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.EndResult;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.NewTask;
import dev.bosun.store.Store;
import dev.bosun.store.TaskCompletion;
import dev.bosun.store.jdbc.Rows;
import dev.bosun.store.jdbc.SessionListing;
import dev.bosun.store.jdbc.SessionTally;
import dev.bosun.store.jdbc.StoreRules;
import dev.bosun.task.Task;
import dev.bosun.util.Page;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default {@link Store}: one SQLite file in WAL mode. All writes go through one
 * writer thread that group-commits concurrent requests ({@link WriteQueue}); reads use a small pool
 * of connections that see every committed write. A lock file keeps a second Bosun process off the
 * same data dir.
 *
 * <pre>{@code
 * try (Store store = SqliteStore.open(Path.of("bosun-data"))) { ... }
 * }</pre>
 */
public final class SqliteStore implements Store {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SqliteStore.class);
    public static final String FILE_NAME = "bosun.db";
    private final SqliteIdempotency idempotency;
    private static final int READERS = 4;

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    final WriteQueue writes;
    private final SqliteDeliveries deliveries = new SqliteDeliveries(this);
    private final Conn writeConn;
    private final BlockingQueue<Conn> readers;
    private final List<Conn> allReaders = new ArrayList<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * Options for the database file.
     *
     * @param fullSync     {@code synchronous=FULL}: a commit survives power loss, not only a process crash
     * @param reserveBytes the disk reserve kept in the data dir for ends on a full disk ({@link DiskReserve}); 0 for none
     */
    public record Options(boolean fullSync, long reserveBytes) {
        /** The reserve the default {@code min_free_disk} of 64 MiB implies. */
        public static final Options DEFAULT = new Options(true, reserveFor(64L << 20));

        public Options(boolean fullSync) {
            this(fullSync, DEFAULT.reserveBytes());
        }

        /** The reserve for a free-space floor: an eighth of it, at most 8 MiB (an end commits a few pages). */
        public static long reserveFor(long minFreeDisk) {
            return Math.min(8L << 20, minFreeDisk / 8);
        }
    }

    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Options.DEFAULT);
    }

    public static SqliteStore open(Path dataDir, Options options) {
        try {
            return new SqliteStore(dataDir, options);
        } catch (SQLException e) {
            throw BosunException.unavailable("cannot open the SQLite store: " + e.getMessage(), e);
        } catch (IOException e) {
            throw BosunException.unavailable("cannot open the data dir: " + e.getMessage(), e);
        }
    }

    private SqliteStore(Path dataDir, Options options) throws SQLException, IOException {
        Files.createDirectories(dataDir);
        this.file = dataDir.resolve(FILE_NAME);
        this.lockChannel =
                FileChannel.open(dataDir.resolve("bosun.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw BosunException.conflict("another Bosun process is using this data dir", Map.of("field", "data_dir"));
        }
        this.lock = l;
        Conn w = null;
        var opened = new ArrayList<Conn>();
        try {
            w = connect(options);
            Migrator.migrate(w.jdbc);
            for (int i = 0; i < READERS; i++) opened.add(connect(options));
        } catch (SQLException | RuntimeException e) {
            if (w != null) w.close();
            opened.forEach(Conn::close);
            lock.release();
            lockChannel.close();
            throw e;
        }
        this.writeConn = w;
        this.readers = new ArrayBlockingQueue<>(READERS, false, opened);
        this.allReaders.addAll(opened);
        var reserve = DiskReserve.in(dataDir, options.reserveBytes());
        if (!reserve.restore()) {
            log.warn(
                    "the data dir's disk has no room for the {}-byte reserve that lets ends commit on a full disk; "
                            + "it is written once there is",
                    options.reserveBytes());
        }
        this.writes = new WriteQueue(writeConn, this::notifyCommitted, reserve);
        this.idempotency = new SqliteIdempotency(this, writes);
    }

    @Override
    public dev.bosun.idempotency.IdempotencyStore idempotency() {
        return idempotency;
    }

    private Conn connect(Options options) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(
                options.fullSync() ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // The driver otherwise prepares and runs "SELECT last_insert_rowid()" after every INSERT, for
        // getGeneratedKeys(), which Bosun never calls: a fifth of the writer's CPU per appended event (D112).
        cfg.setGetGeneratedKeys(false);
        var conn = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), cfg.toProperties());
        return new Conn(conn);
    }

    private void notifyCommitted(Set<String> sessionIds) {
        for (String id : sessionIds) {
            for (CommitListener l : listeners) l.committed(id);
        }
    }

    @Override
    public void addCommitListener(CommitListener listener) {
        listeners.add(listener);
    }

    // =====================================================================================
    // reads
    // =====================================================================================

    @FunctionalInterface
    interface Read<T> {
        T run(Conn c) throws SQLException;
    }

    <T> T read(Read<T> work) {
        if (closed) throw BosunException.unavailable("the store is closed", null);
        Conn c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.unavailable("interrupted while waiting for a store connection", e);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw BosunException.unavailable("the store could not be read: " + e.getMessage(), e);
        } finally {
            readers.add(c);
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet r) throws SQLException;
    }

    static <T> List<T> query(Conn c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        PreparedStatement ps = c.prepare(sql);
        binder.bind(ps);
        var out = new ArrayList<T>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) out.add(mapper.map(r));
        }
        return out;
    }

    @Override
    public Optional<Session> getSession(String sessionId) {
        return read(c -> findSession(c, sessionId));
    }

    @Override
    public Optional<String> sessionTenant(String sessionId) {
        return read(c ->
                query(
                                c,
                                "SELECT tenant FROM sessions WHERE id = ?",
                                ps -> ps.setString(1, sessionId),
                                r -> r.getString(1))
                        .stream()
                        .findFirst());
    }

    private static Optional<Session> findSession(Conn c, String sessionId) throws SQLException {
        PreparedStatement ps = c.prepare("SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE id = ?");
        ps.setString(1, sessionId);
        try (ResultSet r = ps.executeQuery()) {
            return r.next() ? Optional.of(Rows.session(r)) : Optional.empty();
        }
    }

    /** Tags are a JSON array in a TEXT column; a name part is found with instr (no LIKE escapes). */
    private static final SessionListing LISTING =
            new SessionListing("EXISTS (SELECT 1 FROM json_each(sessions.tags) WHERE value = ?)", "instr(name, ?) > 0");

    @Override
    public Page<Session> listSessions(SessionFilter filter, Optional<String> after, int limit) {
        SessionListing.Query q = LISTING.query(filter, after, limit);
        return read(c -> Page.fromRows(
                query(
                        c,
                        q.sql(),
                        ps -> {
                            for (int i = 0; i < q.args().size(); i++)
                                ps.setObject(i + 1, q.args().get(i));
                        },
                        Rows::session),
                limit,
                Session::id));
    }

    @Override
    public SessionStats sessionStats(String tenant, Instant since) {
        return read(c -> SessionTally.stats(
                query(
                        c,
                        SessionTally.SQL,
                        ps -> {
                            ps.setLong(1, since.toEpochMilli());
                            ps.setLong(2, since.toEpochMilli());
                            ps.setString(3, tenant);
                        },
                        SessionTally::group),
                since));
    }

    @Override
    public Optional<WorkerRef> workerOf(String sessionId) {
        return read(c -> {
            PreparedStatement ps =
                    c.prepare("SELECT worker_runtime, worker_id, worker_attrs FROM sessions WHERE id = ?");
            ps.setString(1, sessionId);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next() || r.getString(1) == null) return Optional.empty();
                return Optional.of(new WorkerRef(r.getString(1), r.getString(2), Rows.stringMap(r.getString(3))));
            }
        });
    }

    @Override
    public List<Event> readEvents(String sessionId, long afterSeq, int limit) {
        return read(c -> query(
                c,
                "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setString(1, sessionId);
                    ps.setLong(2, afterSeq);
                    ps.setInt(3, limit);
                },
                Rows::event));
    }

    @Override
    public Optional<Task> getTask(String sessionId, String taskId) {
        return read(c -> findTask(c, sessionId, taskId));
    }

    private static Optional<Task> findTask(Conn c, String sessionId, String taskId) throws SQLException {
        PreparedStatement ps = c.prepare("SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? AND id = ?");
        ps.setString(1, sessionId);
        ps.setString(2, taskId);
        try (ResultSet r = ps.executeQuery()) {
            return r.next() ? Optional.of(Rows.task(r)) : Optional.empty();
        }
    }

    @Override
    public List<Task> listTasks(String sessionId, boolean activeOnly) {
        return read(c -> query(
                c,
                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ?"
                        + (activeOnly ? " AND status = 'RUNNING'" : "") + " ORDER BY ord",
                ps -> ps.setString(1, sessionId),
                Rows::task));
    }

    @Override
    public List<Event> pendingInbox(String sessionId, int limit) {
        return read(c -> query(
                c,
                "SELECT " + Rows.EVENT_COLUMNS + " FROM events e WHERE session_id = ? "
                        + "AND direction = 'IN' AND seq > (SELECT inbox_seq FROM sessions WHERE id = e.session_id) "
                        + "ORDER BY seq LIMIT ?",
                ps -> {
                    ps.setString(1, sessionId);
                    ps.setInt(2, limit);
                },
                Rows::event));
    }

    @Override
    public List<Due> dueSessions(Instant now, int limit) {
        long t = now.toEpochMilli();
        return read(c -> {
            var out = new ArrayList<Due>();
            collectDue(
                    c,
                    "SELECT id, startup_deadline_at FROM sessions WHERE status = 'CREATING' "
                            + "AND startup_deadline_at <= ? ORDER BY startup_deadline_at LIMIT ?",
                    t,
                    limit,
                    Due.Kind.STARTUP,
                    out);
            collectDue(
                    c,
                    "SELECT id, expires_at FROM sessions WHERE status <> 'ENDED' "
                            + "AND expires_at <= ? ORDER BY expires_at LIMIT ?",
                    t,
                    limit,
                    Due.Kind.TTL,
                    out);
            collectDue(
                    c,
                    "SELECT id, idle_deadline_at FROM sessions WHERE status <> 'ENDED' "
                            + "AND idle_deadline_at IS NOT NULL AND idle_deadline_at <= ? ORDER BY idle_deadline_at LIMIT ?",
                    t,
                    limit,
                    Due.Kind.IDLE,
                    out);
            out.sort(Comparator.comparing(Due::deadline));
            return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
        });
    }

    private static void collectDue(Conn c, String sql, long t, int limit, Due.Kind kind, List<Due> out)
            throws SQLException {
        out.addAll(query(
                c,
                sql,
                ps -> {
                    ps.setLong(1, t);
                    ps.setInt(2, limit);
                },
                r -> new Due(r.getString(1), kind, Instant.ofEpochMilli(r.getLong(2)))));
    }

    @Override
    public List<DueTask> dueTasks(Instant now, int limit) {
        return read(c -> query(
                c,
                "SELECT session_id, id, deadline_at FROM tasks WHERE status = 'RUNNING' "
                        + "AND deadline_at <= ? ORDER BY deadline_at LIMIT ?",
                ps -> {
                    ps.setLong(1, now.toEpochMilli());
                    ps.setInt(2, limit);
                },
                r -> new DueTask(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)))));
    }

    @Override
    public Optional<Instant> nextDeadline() {
        return read(c -> {
            PreparedStatement ps = c.prepare("SELECT MIN(d) FROM ("
                    + "SELECT MIN(startup_deadline_at) AS d FROM sessions WHERE status = 'CREATING' "
                    + "UNION ALL SELECT MIN(expires_at) FROM sessions WHERE status <> 'ENDED' "
                    + "UNION ALL SELECT MIN(idle_deadline_at) FROM sessions WHERE status <> 'ENDED' AND idle_deadline_at IS NOT NULL "
                    + "UNION ALL SELECT MIN(deadline_at) FROM tasks WHERE status = 'RUNNING')");
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) return Optional.empty();
                long v = r.getLong(1);
                return r.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(v));
            }
        });
    }

    @Override
    public List<Session> liveWorkerSessions(String nodeId) {
        return read(c -> query(
                c,
                "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE node_id = ? "
                        + "AND status <> 'ENDED' AND profile IS NOT NULL ORDER BY id",
                ps -> ps.setString(1, nodeId),
                Rows::session));
    }

    @Override
    public List<Session> uncleanedEnded(String nodeId, int limit) {
        return read(c -> query(
                c,
                "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE node_id = ? "
                        + "AND status = 'ENDED' AND cleaned_at IS NULL ORDER BY ended_at LIMIT ?",
                ps -> {
                    ps.setString(1, nodeId);
                    ps.setInt(2, limit);
                },
                Rows::session));
    }

    private static Optional<Long> h1Of(Conn c, String sessionId, String column) throws SQLException {
        PreparedStatement ps = c.prepare("SELECT " + column + " FROM sessions WHERE id = ?");
        ps.setString(1, sessionId);
        try (ResultSet r = ps.executeQuery()) {
            if (!r.next()) return Optional.empty();
            long v = r.getLong(1);
            return r.wasNull() ? Optional.empty() : Optional.of(v);
        }
    }

    // ---- fleet ----

    private static final String AGENT_COLUMNS =
            "tenant, id, capabilities, registered_ord, registered_at, updated_at, last_seen_at";

    private static dev.bosun.fleet.Agent agent(ResultSet r) throws SQLException {
        return new dev.bosun.fleet.Agent(
                r.getString("tenant"),
                r.getString("id"),
                Rows.strings(r.getString("capabilities")),
                r.getLong("registered_ord"),
                Rows.instant(r, "registered_at"),
                Rows.instant(r, "updated_at"),
                Rows.instant(r, "last_seen_at"),
                0);
    }

    @Override
    public dev.bosun.fleet.Agent upsertAgent(String tenant, String agentId, List<String> capabilities, Instant at) {
        return writes.submit((c, touched) -> {
            long t = at.toEpochMilli();
            PreparedStatement ps = c.prepare("INSERT INTO agents (" + AGENT_COLUMNS + ") VALUES (?, ?, ?, "
                    + "(SELECT COALESCE(MAX(registered_ord), 0) + 1 FROM agents WHERE tenant = ?), ?, ?, ?) "
                    + "ON CONFLICT (tenant, id) DO UPDATE SET capabilities = excluded.capabilities, "
                    + "updated_at = excluded.updated_at, last_seen_at = excluded.last_seen_at");
            ps.setString(1, tenant);
            ps.setString(2, agentId);
            ps.setString(3, Rows.json(capabilities));
            ps.setString(4, tenant);
            ps.setLong(5, t);
            ps.setLong(6, t);
            ps.setLong(7, t);
            ps.executeUpdate();
            return query(
                            c,
                            "SELECT " + AGENT_COLUMNS + " FROM agents WHERE tenant = ? AND id = ?",
                            q -> {
                                q.setString(1, tenant);
                                q.setString(2, agentId);
                            },
                            SqliteStore::agent)
                    .get(0);
        });
    }

    @Override
    public boolean deleteAgent(String tenant, String agentId) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare("DELETE FROM agents WHERE tenant = ? AND id = ?");
            ps.setString(1, tenant);
            ps.setString(2, agentId);
            return ps.executeUpdate() > 0;
        });
    }

    @Override
    public List<dev.bosun.fleet.Agent> listAgents(String tenant) {
        return read(c -> query(
                c,
                "SELECT " + AGENT_COLUMNS + " FROM agents WHERE tenant = ? ORDER BY registered_ord",
                ps -> ps.setString(1, tenant),
                SqliteStore::agent));
    }

    @Override
    public boolean addFleetEdge(String tenant, String agentId, String taskKey, Instant at) {
        return writes.submit((c, touched) -> insertEdge(c, tenant, agentId, taskKey, at.toEpochMilli()));
    }

    private static boolean insertEdge(Conn c, String tenant, String agentId, String taskKey, long at)
            throws SQLException {
        PreparedStatement exists =
                c.prepare("SELECT 1 FROM fleet_edges WHERE tenant = ? AND agent_id = ? AND task_key = ?");
        exists.setString(1, tenant);
        exists.setString(2, agentId);
        exists.setString(3, taskKey);
        boolean existed;
        try (ResultSet r = exists.executeQuery()) {
            existed = r.next();
        }
        // A task linked again (the same task id in a later session, or a hand-off) brings its edge back into the live
        // set.
        PreparedStatement ps =
                c.prepare("INSERT INTO fleet_edges (tenant, agent_id, task_key, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (tenant, agent_id, task_key) DO UPDATE SET task_ended_at = NULL");
        ps.setString(1, tenant);
        ps.setString(2, agentId);
        ps.setString(3, taskKey);
        ps.setLong(4, at);
        ps.executeUpdate();
        return !existed;
    }

    @Override
    public List<dev.bosun.fleet.FleetEdge> fleetEdges(String tenant, Instant endedSince) {
        return read(c -> query(
                c,
                "SELECT tenant, agent_id, task_key, created_at, task_ended_at FROM fleet_edges "
                        + "WHERE tenant = ? AND (task_ended_at IS NULL OR task_ended_at >= ?) ORDER BY created_at, agent_id, task_key",
                ps -> {
                    ps.setString(1, tenant);
                    ps.setLong(2, endedSince.toEpochMilli());
                },
                SqliteStore::fleetEdge));
    }

    private static dev.bosun.fleet.FleetEdge fleetEdge(ResultSet r) throws SQLException {
        return new dev.bosun.fleet.FleetEdge(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                Rows.instant(r, "created_at"),
                Rows.optInstant(r, "task_ended_at"));
    }

    private static void endFleetEdge(Conn c, String tenant, String agentId, String taskKey, long t)
            throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE fleet_edges SET task_ended_at = ? WHERE tenant = ? AND agent_id = ? "
                + "AND task_key = ? AND task_ended_at IS NULL");
        ps.setLong(1, t);
        ps.setString(2, tenant);
        ps.setString(3, agentId);
        ps.setString(4, taskKey);
        ps.executeUpdate();
        PreparedStatement seen =
                c.prepare("UPDATE agents SET last_seen_at = MAX(last_seen_at, ?) WHERE tenant = ? AND id = ?");
        seen.setLong(1, t);
        seen.setString(2, tenant);
        seen.setString(3, agentId);
        seen.executeUpdate();
    }

    /** When a session ends, the edges of the routed tasks it cancelled leave the graph's live set with it. */
    private static void endFleetTasksOf(Conn c, String tenant, String sessionId, long t) throws SQLException {
        PreparedStatement ps =
                c.prepare("UPDATE fleet_edges SET task_ended_at = ? WHERE tenant = ? AND task_ended_at IS NULL "
                        + "AND (agent_id, task_key) IN (SELECT assigned_agent, id FROM tasks WHERE session_id = ? "
                        + "AND assigned_agent IS NOT NULL AND status = 'CANCELLED')");
        ps.setLong(1, t);
        ps.setString(2, tenant);
        ps.setString(3, sessionId);
        ps.executeUpdate();
    }

    @Override
    public List<dev.bosun.fleet.FleetEdge> pruneFleetEdges(String tenant, Instant cutoff) {
        return writes.submit(
                WriteQueue.Kind.SETTLES,
                (c, touched) -> query(
                        c,
                        "DELETE FROM fleet_edges "
                                + "WHERE tenant = ? AND task_ended_at < ? RETURNING tenant, agent_id, task_key, created_at, task_ended_at",
                        ps -> {
                            ps.setString(1, tenant);
                            ps.setLong(2, cutoff.toEpochMilli());
                        },
                        SqliteStore::fleetEdge));
    }

    @Override
    public void resetFleet(String tenant) {
        writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare("DELETE FROM fleet_edges WHERE tenant = ?");
            ps.setString(1, tenant);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public Map<String, Integer> agentLoads(String tenant) {
        return read(c -> {
            var out = new java.util.HashMap<String, Integer>();
            for (var row : query(
                    c,
                    "SELECT t.assigned_agent, COUNT(*) FROM tasks t JOIN sessions s ON s.id = t.session_id "
                            + "WHERE s.tenant = ? AND s.status <> 'ENDED' AND t.status = 'RUNNING' AND t.assigned_agent IS NOT NULL "
                            + "GROUP BY t.assigned_agent",
                    ps -> ps.setString(1, tenant),
                    r -> Map.entry(r.getString(1), r.getInt(2)))) {
                out.put(row.getKey(), row.getValue());
            }
            return out;
        });
    }

    @Override
    public List<String> fleetTenants() {
        return read(c -> query(
                c, "SELECT tenant FROM agents UNION SELECT tenant FROM fleet_edges", ps -> {}, r -> r.getString(1)));
    }

    @Override
    public long liveSessionCount() {
        return read(
                c -> query(c, "SELECT value FROM counters WHERE name = 'live_sessions'", ps -> {}, r -> r.getLong(1))
                        .get(0));
    }

    private static void adjustLive(Conn c, int delta) throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE counters SET value = value + ? WHERE name = 'live_sessions'");
        ps.setInt(1, delta);
        ps.executeUpdate();
    }

    @Override
    public void addCommitTimer(java.util.function.LongConsumer nanos) {
        writes.addCommitTimer(nanos);
    }

    @Override
    public dev.bosun.delivery.DeliveryStore deliveries() {
        return deliveries;
    }

    @Override
    public boolean healthy() {
        return health().ready();
    }

    /** The writer's health as of its last commit or probe: a full disk or failing commits show here at once. */
    @Override
    public dev.bosun.store.StoreHealth health() {
        if (closed)
            return new dev.bosun.store.StoreHealth(dev.bosun.store.StoreHealth.State.CLOSED, "the store is closed");
        return writes.health();
    }

    // =====================================================================================
    // writes: each runs inside the writer's shared transaction (see WriteQueue)
    // =====================================================================================

    @Override
    public Session createSession(NewSession s, int maxLiveSessions) {
        return writes.submit((c, touched) -> {
            PreparedStatement count = c.prepare("SELECT value FROM counters WHERE name = 'live_sessions'");
            try (ResultSet r = count.executeQuery()) {
                r.next();
                if (r.getLong(1) >= maxLiveSessions) throw StoreRules.liveCap(maxLiveSessions);
            }
            boolean worker = s.profile().isPresent();
            long created = s.createdAt().toEpochMilli();
            PreparedStatement ps = c.prepare(
                    "INSERT INTO sessions (id, tenant, name, agent_id, tags, metadata, profile, "
                            + "node_id, status, created_at, started_at, last_activity_at, idle_timeout_ms, ttl_ms, expires_at, "
                            + "idle_deadline_at, startup_deadline_at, max_tasks, task_timeout_ms, workspace, h1_start, "
                            + "scout_room, emit_tiles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            int i = 1;
            ps.setString(i++, s.id());
            ps.setString(i++, s.tenant());
            ps.setString(i++, s.name());
            ps.setString(i++, s.agentId());
            ps.setString(i++, Rows.json(s.tags()));
            ps.setString(i++, Rows.json(s.metadata()));
            ps.setString(i++, s.profile().orElse(null));
            ps.setString(i++, s.nodeId());
            ps.setString(i++, worker ? "CREATING" : "RUNNING");
            ps.setLong(i++, created);
            if (worker) ps.setNull(i++, java.sql.Types.INTEGER);
            else ps.setLong(i++, created);
            ps.setLong(i++, created);
            ps.setLong(i++, s.idleTimeout().toMillis());
            ps.setLong(i++, s.ttl().toMillis());
            ps.setLong(i++, created + s.ttl().toMillis());
            ps.setLong(i++, created + s.idleTimeout().toMillis());
            if (s.startupDeadline().isPresent())
                ps.setLong(i++, s.startupDeadline().get().toEpochMilli());
            else ps.setNull(i++, java.sql.Types.INTEGER);
            ps.setInt(i++, s.maxTasks());
            ps.setLong(i++, s.taskTimeout().toMillis());
            ps.setString(i++, s.workspace().orElse(null));
            if (s.h1Start().isPresent()) ps.setLong(i++, s.h1Start().get());
            else ps.setNull(i++, java.sql.Types.INTEGER);
            ps.setString(i++, s.scoutRoom().orElse(null));
            if (s.emitTiles().isPresent()) ps.setInt(i, s.emitTiles().get() ? 1 : 0);
            else ps.setNull(i, java.sql.Types.INTEGER);
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (isConstraint(e)) throw StoreRules.duplicateSession(s.id());
                throw e;
            }
            adjustLive(c, +1);
            touched.add(s.id());
            Session session = findSession(c, s.id()).orElseThrow();
            if (!worker) {
                ObjectNode started = SystemPayloads.sessionStarted(session);
                s.h1Start().ifPresent(h -> started.put("h1", h));
                appendSystem(c, session.id(), SystemEvents.SESSION_STARTED, started, created, true);
                session = findSession(c, s.id()).orElseThrow();
            }
            return session;
        });
    }

    @Override
    public Session markRunning(String sessionId, WorkerRef worker, ObjectNode startedPayload, Instant at) {
        return writes.submit((c, touched) -> {
            long t = at.toEpochMilli();
            PreparedStatement ps =
                    c.prepare("UPDATE sessions SET status = 'RUNNING', started_at = ?, startup_deadline_at = NULL, "
                            + "worker_runtime = ?, worker_id = ?, worker_attrs = ?, last_activity_at = MAX(last_activity_at, ?), "
                            + "idle_deadline_at = CASE WHEN tasks_running = 0 THEN MAX(last_activity_at, ?) + idle_timeout_ms END "
                            + "WHERE id = ? AND status = 'CREATING'");
            ps.setLong(1, t);
            ps.setString(2, worker.runtime());
            ps.setString(3, worker.id());
            ps.setString(4, Rows.json(worker.attributes()));
            ps.setLong(5, t);
            ps.setLong(6, t);
            ps.setString(7, sessionId);
            if (ps.executeUpdate() == 0) {
                Session s = findSession(c, sessionId).orElseThrow(() -> BosunException.notFound("session", sessionId));
                throw StoreRules.notCreating(s);
            }
            touched.add(sessionId);
            Session s = findSession(c, sessionId).orElseThrow();
            ObjectNode payload = SystemPayloads.sessionStarted(s);
            h1Of(c, sessionId, "h1_start").ifPresent(h -> payload.put("h1", h));
            payload.setAll(startedPayload);
            appendSystem(c, sessionId, SystemEvents.SESSION_STARTED, payload, t, true);
            return findSession(c, sessionId).orElseThrow();
        });
    }

    @Override
    public EndResult endSession(EndRequest req) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> endOne(c, req, touched));
    }

    /**
     * All the ends in one write job, so one transaction and one commit (a reaper's batch: D113); each end in
     * its own savepoint, so one refused (its session unknown) leaves the others as they were.
     */
    @Override
    public List<EndOutcome> endSessions(List<EndRequest> requests) {
        if (requests.isEmpty()) return List.of();
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            var out = new ArrayList<EndOutcome>(requests.size());
            var mine = new HashSet<String>();
            for (EndRequest req : requests) {
                mine.clear();
                c.prepare("SAVEPOINT end_one").execute();
                try {
                    EndResult r = endOne(c, req, mine);
                    c.prepare("RELEASE end_one").execute();
                    touched.addAll(mine);
                    out.add(EndOutcome.of(r));
                } catch (BosunException e) {
                    c.prepare("ROLLBACK TO end_one").execute();
                    c.prepare("RELEASE end_one").execute();
                    out.add(EndOutcome.refused(e));
                }
            }
            return out;
        });
    }

    private EndResult endOne(Conn c, EndRequest req, Set<String> touched) throws SQLException {
        long t = req.at().toEpochMilli();
        String guard = StoreRules.endGuard(req.precondition());
        // Read once: the single writer means nothing changes the row between here and the UPDATE, and
        // what the session has (tasks, routing) decides which of the steps below it needs at all.
        Session before =
                findSession(c, req.sessionId()).orElseThrow(() -> BosunException.notFound("session", req.sessionId()));
        if (before.isEnded()) return new EndResult(before, false, 0);
        boolean hasTasks = before.taskCounts().total() > 0;
        List<String> patterns = StoreRules.patternsAtEnd(
                hasTasks
                        ? query(
                                c,
                                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? ORDER BY ord",
                                q -> q.setString(1, req.sessionId()),
                                Rows::task)
                        : List.of(),
                before.maxTasks(),
                req);
        PreparedStatement ps = c.prepare("UPDATE sessions SET status = 'ENDED', outcome = ?, reason = ?, error = ?, "
                + "exit_code = ?, ended_at = ?, idle_deadline_at = NULL, startup_deadline_at = NULL, h1_end = ?, "
                // Without a worker there is nothing to stop or remove: the end itself is the cleanup.
                // (SET expressions see the old row, so the end time is bound, not read from ended_at.)
                + "cleaned_at = CASE WHEN profile IS NULL THEN ? ELSE cleaned_at END, patterns = ? "
                + "WHERE id = ? AND status <> 'ENDED'" + guard);
        ps.setString(1, req.outcome().name());
        ps.setString(2, req.reason().name());
        ps.setString(3, req.error().orElse(null));
        if (req.exitCode().isPresent()) ps.setInt(4, req.exitCode().get());
        else ps.setNull(4, java.sql.Types.INTEGER);
        ps.setLong(5, t);
        if (req.h1End().isPresent()) ps.setLong(6, req.h1End().get());
        else ps.setNull(6, java.sql.Types.INTEGER);
        ps.setLong(7, t);
        ps.setString(8, Rows.json(patterns));
        ps.setString(9, req.sessionId());
        if (!guard.isEmpty()) ps.setLong(10, t);
        if (ps.executeUpdate() == 0) return new EndResult(before, false, 0); // the precondition no longer holds
        touched.add(req.sessionId());
        adjustLive(c, -1);
        int cancelled = 0;
        var cancelledIds = new java.util.HashSet<String>();
        if (before.taskCounts().running() > 0) {
            cancelledIds.addAll(query(
                    c,
                    "UPDATE tasks SET status = 'CANCELLED', ended_at = ?, "
                            + "duration_ms = MAX(0, ? - started_at) WHERE session_id = ? AND status = 'RUNNING' RETURNING id",
                    q -> {
                        q.setLong(1, t);
                        q.setLong(2, t);
                        q.setString(3, req.sessionId());
                    },
                    r -> r.getString(1)));
            cancelled = cancelledIds.size();
        }
        if (cancelled > 0) {
            PreparedStatement counters = c.prepare(
                    "UPDATE sessions SET tasks_cancelled = tasks_cancelled + ?, " + "tasks_running = 0 WHERE id = ?");
            counters.setInt(1, cancelled);
            counters.setString(2, req.sessionId());
            counters.executeUpdate();
        }
        // Without cancelled tasks the UPDATE above changed only what the request says: no second read of the row.
        Session ended =
                cancelled > 0 ? findSession(c, req.sessionId()).orElseThrow() : endedAs(before, req, t, patterns);
        Optional<Long> h1Start = req.h1End().isPresent() ? h1Of(c, req.sessionId(), "h1_start") : Optional.empty();
        ObjectNode endPayload = StoreRules.sessionEnded(ended, h1Start, req);
        // Every task that started ends in the log: the end's cancellations are checkpoints too (TASK_END tiles).
        if (cancelled > 0) {
            for (Task task : query(
                    c,
                    "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? AND status = 'CANCELLED' "
                            + "ORDER BY ord",
                    q -> q.setString(1, req.sessionId()),
                    Rows::task)) {
                if (cancelledIds.contains(task.id())) {
                    appendSystem(
                            c,
                            req.sessionId(),
                            SystemEvents.TASK_COMPLETED,
                            SystemPayloads.taskCompleted(task),
                            t,
                            false);
                }
            }
        }
        long seq = appendSystem(c, req.sessionId(), SystemEvents.SESSION_ENDED, endPayload, t, false);
        if (cancelled > 0) endFleetTasksOf(c, ended.tenant(), req.sessionId(), t); // edges of its cancelled tasks
        return new EndResult(ended.withLastSeq(seq), true, cancelled);
    }

    /** {@code before} as the end's UPDATE leaves it when it cancels no task: what a read of the row would give. */
    private static Session endedAs(Session before, EndRequest req, long t, List<String> patterns) {
        return new Session(
                before.id(),
                before.tenant(),
                before.name(),
                before.agentId(),
                before.tags(),
                before.metadata(),
                before.profile(),
                SessionStatus.ENDED,
                Optional.of(req.outcome()),
                Optional.of(req.reason()),
                req.error(),
                req.exitCode(),
                before.createdAt(),
                before.startedAt(),
                Optional.of(Instant.ofEpochMilli(t)),
                before.lastActivityAt(),
                before.idleTimeout(),
                before.ttl(),
                before.expiresAt(),
                before.maxTasks(),
                before.taskTimeout(),
                before.workspace(),
                before.taskCounts(),
                before.lastSeq(),
                before.scoutRoom(),
                before.emitTiles(),
                patterns);
    }

    @Override
    public Session touch(String sessionId, Instant at) {
        // A heartbeat rewrites one row: it goes on while the disk is full, so that sessions do not idle out for it.
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            requireLive(c, sessionId);
            touchActivity(c, sessionId, at.toEpochMilli());
            return findSession(c, sessionId).orElseThrow();
        });
    }

    @Override
    public Event append(NewEvent e) {
        // The JSON text and the returned copy are made on the caller's thread: the single writer only writes.
        var out = new Prepared(e);
        return writes.submit((c, touched) -> {
            Event ev = appendOne(c, out);
            touched.add(e.sessionId());
            return ev;
        });
    }

    @Override
    public List<Event> appendAll(String sessionId, List<NewEvent> events) {
        if (events.isEmpty()) return List.of();
        for (NewEvent e : events) {
            if (!e.sessionId().equals(sessionId))
                throw new IllegalArgumentException("appendAll takes events of one session");
        }
        var prepared = new ArrayList<Prepared>(events.size());
        for (NewEvent e : events) prepared.add(new Prepared(e));
        return writes.submit((c, touched) -> {
            var out = new ArrayList<Event>(events.size());
            for (Prepared p : prepared) out.add(appendOne(c, p));
            touched.add(sessionId);
            return out;
        });
    }

    /** An event to append with what the writer needs of it made beforehand: its payload's text and the copy returned. */
    private record Prepared(NewEvent event, String payloadText, JsonNode payloadCopy) {
        Prepared(NewEvent e) {
            this(e, Json.write(e.payload()), e.payload().deepCopy());
        }
    }

    private Event appendOne(Conn c, Prepared p) throws SQLException {
        NewEvent e = p.event();
        if (e.sourceKey().isPresent()) {
            PreparedStatement ps =
                    c.prepare("SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? AND source_key = ?");
            ps.setString(1, e.sessionId());
            ps.setString(2, e.sourceKey().get());
            try (ResultSet r = ps.executeQuery()) {
                if (r.next()) return Rows.event(r);
            }
        }
        long t = e.at().toEpochMilli();
        long seq = e.activity() ? nextSeqWithActivity(c, e.sessionId(), t) : nextSeq(c, e.sessionId());
        insertEvent(
                c,
                e.sessionId(),
                seq,
                e.direction(),
                e.type(),
                p.payloadText(),
                e.sourceKey().orElse(null),
                t);
        if (SystemEvents.isCheckpoint(e.direction(), e.type())) {
            // A checkpoint from outside the lifecycle (an error, an emergence alert): the relay follows it too.
            PreparedStatement cp = c.prepare("UPDATE sessions SET checkpoint_seq = ? WHERE id = ?");
            cp.setLong(1, seq);
            cp.setString(2, e.sessionId());
            cp.executeUpdate();
        }
        // The caller's payload, copied: parsing back the text just written would cost more than the insert.
        return new Event(e.sessionId(), seq, e.direction(), e.type(), p.payloadCopy(), Instant.ofEpochMilli(t));
    }

    /** The seq and the activity in one statement: the hot path of every send and emit. */
    private static long nextSeqWithActivity(Conn c, String sessionId, long t) throws SQLException {
        // SET expressions see the old row: MAX(last_activity_at, ?) is the new activity time in both places.
        PreparedStatement ps = c.prepare("UPDATE sessions SET last_seq = last_seq + 1, "
                + "last_activity_at = MAX(last_activity_at, ?), "
                + "idle_deadline_at = CASE WHEN tasks_running > 0 THEN NULL ELSE MAX(last_activity_at, ?) + idle_timeout_ms END "
                + "WHERE id = ? AND status <> 'ENDED' RETURNING last_seq");
        ps.setLong(1, t);
        ps.setLong(2, t);
        ps.setString(3, sessionId);
        try (ResultSet r = ps.executeQuery()) {
            if (r.next()) return r.getLong(1);
        }
        requireLive(c, sessionId);
        throw new IllegalStateException("unreachable: session " + sessionId + " is live but had no row to update");
    }

    /** Allocates the next seq under the writer's lock; refuses ended sessions. */
    private static long nextSeq(Conn c, String sessionId) throws SQLException {
        PreparedStatement ps = c.prepare(
                "UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? AND status <> 'ENDED' RETURNING last_seq");
        ps.setString(1, sessionId);
        try (ResultSet r = ps.executeQuery()) {
            if (r.next()) return r.getLong(1);
        }
        requireLive(c, sessionId);
        throw new IllegalStateException("unreachable: session " + sessionId + " is live but had no row to update");
    }

    private static void insertEvent(
            Conn c, String sessionId, long seq, Direction dir, String type, String payload, String sourceKey, long t)
            throws SQLException {
        PreparedStatement ins =
                c.prepare("INSERT INTO events (session_id, seq, direction, type, payload, source_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)");
        ins.setString(1, sessionId);
        ins.setLong(2, seq);
        ins.setString(3, dir.name());
        ins.setString(4, type);
        ins.setString(5, payload);
        ins.setString(6, sourceKey);
        ins.setLong(7, t);
        ins.executeUpdate();
    }

    /** A lifecycle checkpoint: its seq is allocated and recorded as the session's newest checkpoint in one statement. */
    private static long appendSystem(
            Conn c, String sessionId, String type, ObjectNode payload, long t, boolean activity) throws SQLException {
        // SET expressions see the old row: both columns become last_seq + 1.
        PreparedStatement next = c.prepare("UPDATE sessions SET last_seq = last_seq + 1, checkpoint_seq = last_seq + 1 "
                + "WHERE id = ? RETURNING last_seq");
        next.setString(1, sessionId);
        long seq;
        try (ResultSet r = next.executeQuery()) {
            if (!r.next()) throw BosunException.notFound("session", sessionId);
            seq = r.getLong(1);
        }
        if (activity) touchActivity(c, sessionId, t);
        insertEvent(c, sessionId, seq, Direction.SYSTEM, type, Json.write(payload), null, t);
        return seq;
    }

    private static void touchActivity(Conn c, String sessionId, long t) throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE sessions SET last_activity_at = MAX(last_activity_at, ?), "
                + "idle_deadline_at = CASE WHEN status = 'ENDED' OR tasks_running > 0 THEN NULL "
                + "ELSE MAX(last_activity_at, ?) + idle_timeout_ms END WHERE id = ?");
        ps.setLong(1, t);
        ps.setLong(2, t);
        ps.setString(3, sessionId);
        ps.executeUpdate();
    }

    /** Throws NOT_FOUND or CONFLICT unless the session exists and has not ended. */
    private static Session requireLive(Conn c, String sessionId) throws SQLException {
        Session s = findSession(c, sessionId).orElseThrow(() -> BosunException.notFound("session", sessionId));
        if (s.isEnded()) throw endedConflict(s);
        return s;
    }

    static BosunException endedConflict(Session s) {
        return StoreRules.ended(s);
    }

    @Override
    public Task addTask(NewTask t) {
        return writes.submit((c, touched) -> {
            Session s =
                    findSession(c, t.sessionId()).orElseThrow(() -> BosunException.notFound("session", t.sessionId()));
            StoreRules.requireTaskAddable(s);
            long at = t.at().toEpochMilli();
            PreparedStatement ps = c.prepare(
                    "INSERT INTO tasks (session_id, id, ord, name, data, priority, required_caps, "
                            + "assigned_agent, status, created_at, started_at, deadline_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)");
            ps.setString(1, t.sessionId());
            ps.setString(2, t.taskId());
            ps.setInt(3, s.taskCounts().total() + 1);
            ps.setString(4, t.name());
            ps.setString(5, Json.write(t.data()));
            ps.setString(6, t.priority().name());
            ps.setString(7, Rows.json(t.requiredCapabilities()));
            ps.setString(8, t.assignedAgent().orElse(null));
            ps.setLong(9, at);
            ps.setLong(10, at);
            ps.setLong(11, at + s.taskTimeout().toMillis());
            try {
                ps.executeUpdate();
            } catch (SQLException e) {
                if (isConstraint(e)) throw StoreRules.duplicateTask(s.id(), t.taskId());
                throw e;
            }
            PreparedStatement counters = c.prepare("UPDATE sessions SET tasks_total = tasks_total + 1, "
                    + "tasks_running = tasks_running + 1 WHERE id = ?");
            counters.setString(1, s.id());
            counters.executeUpdate();
            Task task = findTask(c, s.id(), t.taskId()).orElseThrow();
            if (t.routing().isPresent())
                insertEdge(c, s.tenant(), t.routing().get().agentId(), t.taskId(), at);
            appendSystem(c, s.id(), SystemEvents.TASK_STARTED, StoreRules.taskStarted(task, t), at, true);
            touched.add(s.id());
            return task;
        });
    }

    @Override
    public Task completeTask(TaskCompletion tc) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            Session s = findSession(c, tc.sessionId())
                    .orElseThrow(() -> BosunException.notFound("session", tc.sessionId()));
            Task before = findTask(c, tc.sessionId(), tc.taskId())
                    .orElseThrow(() -> BosunException.notFound("task", tc.taskId()));
            if (StoreRules.timeoutLoses(tc, s, before)) return before;
            StoreRules.requireCompletable(s, before, tc);
            long t = tc.at().toEpochMilli();
            PreparedStatement ps =
                    c.prepare("UPDATE tasks SET status = ?, ended_at = ?, duration_ms = ?, result = ?, error = ? "
                            + "WHERE session_id = ? AND id = ? AND status = 'RUNNING'");
            ps.setString(1, tc.outcome().status().name());
            ps.setLong(2, t);
            ps.setLong(3, StoreRules.durationMs(tc, before));
            ps.setString(4, tc.result().map(Json::write).orElse(null));
            ps.setString(5, tc.error().orElse(null));
            ps.setString(6, tc.sessionId());
            ps.setString(7, tc.taskId());
            ps.executeUpdate();
            String counter = StoreRules.counterColumn(tc.outcome());
            PreparedStatement counters = c.prepare("UPDATE sessions SET tasks_running = tasks_running - 1, " + counter
                    + " = " + counter + " + 1 WHERE id = ?");
            counters.setString(1, s.id());
            counters.executeUpdate();
            Task after = findTask(c, s.id(), tc.taskId()).orElseThrow();
            if (after.assignedAgent().isPresent())
                endFleetEdge(c, s.tenant(), after.assignedAgent().get(), tc.taskId(), t);
            // A reaper timeout is not the agent's activity; it only re-arms the idle clock from the last real activity.
            boolean activity = !tc.onlyIfTimedOut();
            appendSystem(c, s.id(), SystemEvents.TASK_COMPLETED, SystemPayloads.taskCompleted(after), t, activity);
            if (!activity) rearmIdle(c, s.id());
            touched.add(s.id());
            return after;
        });
    }

    private static void rearmIdle(Conn c, String sessionId) throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE sessions SET idle_deadline_at = CASE WHEN status = 'ENDED' "
                + "OR tasks_running > 0 THEN NULL ELSE last_activity_at + idle_timeout_ms END WHERE id = ?");
        ps.setString(1, sessionId);
        ps.executeUpdate();
    }

    @Override
    public void markInboxWritten(String sessionId, long seq) {
        writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare("UPDATE sessions SET inbox_seq = MAX(inbox_seq, ?) WHERE id = ?");
            ps.setLong(1, seq);
            ps.setString(2, sessionId);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public void markCleaned(String sessionId, Instant at) {
        writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            PreparedStatement ps = c.prepare("UPDATE sessions SET cleaned_at = ? WHERE id = ? AND status = 'ENDED'");
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, sessionId);
            ps.executeUpdate();
            return null;
        });
    }

    @Override
    public int purgeEndedBefore(Instant cutoff, int limit) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            // A session whose tiles or webhooks are not all made and settled waits: purging it would lose them.
            PreparedStatement pick = c.prepare("SELECT id FROM sessions s WHERE status = 'ENDED' AND ended_at < ? "
                    + "AND cleaned_at IS NOT NULL AND tiles_seq >= checkpoint_seq AND hooks_seq >= checkpoint_seq "
                    + "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.session_id = s.id AND d.state = 'PENDING') "
                    + "ORDER BY ended_at LIMIT ?");
            pick.setLong(1, cutoff.toEpochMilli());
            pick.setInt(2, limit);
            var ids = new ArrayList<String>();
            try (ResultSet r = pick.executeQuery()) {
                while (r.next()) ids.add(r.getString(1));
            }
            for (String id : ids) {
                for (String table : List.of("events", "tasks", "deliveries")) {
                    PreparedStatement del = c.prepare("DELETE FROM " + table + " WHERE session_id = ?");
                    del.setString(1, id);
                    del.executeUpdate();
                }
                PreparedStatement del = c.prepare("DELETE FROM sessions WHERE id = ?");
                del.setString(1, id);
                del.executeUpdate();
            }
            return ids.size();
        });
    }

    static boolean isConstraint(SQLException e) {
        return e.getErrorCode() == 19 || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT");
    }

    /** The database file, for diagnostics ({@code bosun doctor}); never shown through the API. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        writes.close();
        writeConn.close();
        allReaders.forEach(Conn::close);
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }

    static {
        // Fail fast with a clear message if the driver is missing from the class path.
        try {
            Class.forName("org.sqlite.JDBC");
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError("sqlite-jdbc is not on the class path");
        }
    }
}
