package dev.bosun.store.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.event.SystemPayloads;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.CommitListener;
import dev.bosun.store.CommittedEvent;
import dev.bosun.store.EndOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.EndResult;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.Store;
import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.JdbcDeliveries;
import dev.bosun.store.jdbc.JdbcStore;
import dev.bosun.store.jdbc.Rows;
import dev.bosun.store.jdbc.Sql;
import dev.bosun.store.jdbc.StoreRules;
import dev.bosun.store.jdbc.Transactions;
import dev.bosun.task.Task;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
public final class SqliteStore extends JdbcStore {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SqliteStore.class);
    public static final String FILE_NAME = "bosun.db";
    private static final int READERS = 4;

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    final WriteQueue writes;
    private final Transactions tx = transactions();
    private final Conn writeConn;
    final Checkpointer checkpointer;
    private final BlockingQueue<Conn> readers;
    private final List<Conn> allReaders = new ArrayList<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

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
        super(Dialect.SQLITE, JdbcDeliveries::new);
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
        Conn cp = null;
        try {
            w = connect(options);
            Migrator.migrate(w.jdbc);
            // The checkpointer's thread copies the WAL back; the writer's own is only a backstop (D121).
            try (var st = w.jdbc.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = " + Checkpointer.WRITER_BACKSTOP_PAGES);
            }
            for (int i = 0; i < READERS; i++) opened.add(connect(options));
            cp = connect(options);
        } catch (SQLException | RuntimeException e) {
            if (w != null) w.close();
            if (cp != null) cp.close();
            opened.forEach(Conn::close);
            lock.release();
            lockChannel.close();
            throw e;
        }
        this.writeConn = w;
        this.checkpointer = new Checkpointer(cp);
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
        writes.addCommitTimer(nanos -> checkpointer.committed());
    }

    @Override
    protected Transactions tx() {
        return tx;
    }

    /** The store's readers and its single writer, as the shared statements run them (D106). */
    private Transactions transactions() {
        return new Transactions() {
            @Override
            public <T> T read(Read<T> work) {
                return SqliteStore.this.read(work::run);
            }

            @Override
            public <T> T write(Write<T> work) {
                return writes.submit(WriteQueue.Kind.GROWS, work::run);
            }

            @Override
            public <T> T settle(Write<T> work) {
                return writes.submit(WriteQueue.Kind.SETTLES, work::run);
            }
        };
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

    /**
     * Tells the listeners, session by session, what the commit did: the events it appended to each session's
     * log in seq order (every insert records its event in the transaction, so the list is complete: D120), and
     * an empty list for a session it changed without appending.
     */
    private void notifyCommitted(Set<String> touched, List<CommittedEvent> appended) {
        var bySession = new LinkedHashMap<String, List<CommittedEvent>>();
        for (CommittedEvent e : appended) {
            bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        }
        for (String id : touched) bySession.putIfAbsent(id, List.of());
        for (var entry : bySession.entrySet()) {
            for (CommitListener l : listeners) l.committed(entry.getKey(), entry.getValue());
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
        requireOpen();
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

    // ---- fleet ----

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

    private static void adjustLive(Conn c, int delta) throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE counters SET value = value + ? WHERE name = 'live_sessions'");
        ps.setInt(1, delta);
        ps.executeUpdate();
    }

    @Override
    public void addCommitTimer(java.util.function.LongConsumer nanos) {
        writes.addCommitTimer(nanos);
    }

    /** The writer's health as of its last commit or probe: a full disk or failing commits show here at once. */
    @Override
    public dev.bosun.store.StoreHealth health() {
        return closed() ? dev.bosun.store.StoreHealth.CLOSED : writes.health();
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
            insertSession(c, s);
            adjustLive(c, +1);
            return created(c, s, touched);
        });
    }

    @Override
    public EndResult endSession(EndRequest req) {
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> endOne(c, req, touched));
    }

    /**
     * All the ends in one write job, so one transaction and one commit (a reaper's batch: D113). The
     * batch's rows are read in one statement, and an end that cancels no task (the reaper's common case)
     * is one {@code UPDATE} that also allocates its {@code session_ended} seq, one {@code INSERT}, and one
     * shared change of the live counter, without a savepoint: it cannot fail alone once its row is read
     * (D122). An end with running tasks, a session unknown or one asked for twice runs {@link #endOne}
     * in its own savepoint as before, so one refused leaves the others as they were.
     */
    @Override
    public List<EndOutcome> endSessions(List<EndRequest> requests) {
        if (requests.isEmpty()) return List.of();
        return writes.submit(WriteQueue.Kind.SETTLES, (c, touched) -> {
            Map<String, EndRow> rows = endRows(c, requests);
            var out = new ArrayList<EndOutcome>(requests.size());
            var seen = new HashSet<String>();
            int ended = 0;
            for (EndRequest req : requests) {
                EndRow row = seen.add(req.sessionId()) ? rows.get(req.sessionId()) : null;
                if (row != null && row.before().taskCounts().running() == 0) {
                    EndResult r = endWithoutTasks(c, req, row);
                    if (r.transitioned()) {
                        touched.add(req.sessionId());
                        ended++;
                    }
                    out.add(EndOutcome.of(r));
                } else {
                    out.add(endInSavepoint(c, req, touched));
                }
            }
            if (ended > 0) adjustLive(c, -ended);
            return out;
        });
    }

    /** A session row as the batch read it, with its β₁ at start for {@code h1_delta}. */
    private record EndRow(Session before, Optional<Long> h1Start) {}

    /** The rows of the batch's sessions, in one statement: the single writer keeps them current until used. */
    private static Map<String, EndRow> endRows(Conn c, List<EndRequest> requests) throws SQLException {
        var ids = new ArrayList<String>(requests.size());
        for (EndRequest r : requests) ids.add(r.sessionId());
        var rows = new HashMap<String, EndRow>(requests.size() * 2);
        for (EndRow row : query(
                c,
                "SELECT " + Rows.SESSION_COLUMNS + ", h1_start FROM sessions "
                        + "WHERE id IN (SELECT value FROM json_each(?))",
                ps -> ps.setString(1, Rows.json(ids)),
                r -> new EndRow(Rows.session(r), Rows.optLong(r, "h1_start")))) {
            rows.put(row.before().id(), row);
        }
        return rows;
    }

    private EndOutcome endInSavepoint(Conn c, EndRequest req, Set<String> touched) throws SQLException {
        var mine = new HashSet<String>();
        int mark = c.appendedMark();
        c.prepare("SAVEPOINT end_one").execute();
        try {
            EndResult r = endOne(c, req, mine);
            c.prepare("RELEASE end_one").execute();
            touched.addAll(mine);
            return EndOutcome.of(r);
        } catch (BosunException e) {
            c.dropAppendedFrom(mark); // its events, if any, are rolled back with it (D120)
            c.prepare("ROLLBACK TO end_one").execute();
            c.prepare("RELEASE end_one").execute();
            return EndOutcome.refused(e);
        }
    }

    /**
     * {@link #endOne} for a session read by the batch with no running task: the end's compare-and-set and the
     * seq of its {@code session_ended} in one statement (what {@code appendSystem} would allocate next), and the
     * ended session made from the row read rather than read again. The live counter is the caller's.
     */
    private static EndResult endWithoutTasks(Conn c, EndRequest req, EndRow row) throws SQLException {
        Session before = row.before();
        if (before.isEnded()) return new EndResult(before, false, 0);
        long t = req.at().toEpochMilli();
        String guard = StoreRules.endGuard(req.precondition());
        List<String> patterns = StoreRules.patternsAtEnd(
                before.taskCounts().total() > 0 ? tasksOf(c, req.sessionId()) : List.of(), before.maxTasks(), req);
        PreparedStatement ps = c.prepare(END_SET + ", last_seq = last_seq + 1, checkpoint_seq = last_seq + 1 "
                + "WHERE id = ? AND status <> 'ENDED'" + guard + " RETURNING last_seq");
        bindEnd(ps, req, t, patterns, guard);
        long seq;
        try (ResultSet r = ps.executeQuery()) {
            if (!r.next()) return new EndResult(before, false, 0); // the precondition no longer holds
            seq = r.getLong(1);
        }
        Session ended = endedAs(before, req, t, patterns);
        ObjectNode payload =
                StoreRules.sessionEnded(ended, req.h1End().isPresent() ? row.h1Start() : Optional.empty(), req);
        insertEvent(
                c, req.sessionId(), seq, Direction.SYSTEM, SystemEvents.SESSION_ENDED, Json.write(payload), null, t);
        return new EndResult(ended.withLastSeq(seq), true, 0);
    }

    /** What every end sets; its {@code WHERE} (the compare-and-set) follows. */
    private static final String END_SET = "UPDATE sessions SET status = 'ENDED', outcome = ?, reason = ?, error = ?, "
            + "exit_code = ?, ended_at = ?, idle_deadline_at = NULL, startup_deadline_at = NULL, h1_end = ?, "
            // Without a worker there is nothing to stop or remove: the end itself is the cleanup.
            // (SET expressions see the old row, so the end time is bound, not read from ended_at.)
            + "cleaned_at = CASE WHEN profile IS NULL THEN ? ELSE cleaned_at END, patterns = ?";

    private static void bindEnd(PreparedStatement ps, EndRequest req, long t, List<String> patterns, String guard)
            throws SQLException {
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
    }

    private static List<Task> tasksOf(Conn c, String sessionId) throws SQLException {
        return query(
                c,
                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? ORDER BY ord",
                q -> q.setString(1, sessionId),
                Rows::task);
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
        List<String> patterns =
                StoreRules.patternsAtEnd(hasTasks ? tasksOf(c, req.sessionId()) : List.of(), before.maxTasks(), req);
        PreparedStatement ps = c.prepare(END_SET + " WHERE id = ? AND status <> 'ENDED'" + guard);
        bindEnd(ps, req, t, patterns, guard);
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

    static void insertEvent(
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
        c.appended(new CommittedEvent(sessionId, seq, dir, type, payload, t));
    }

    @Override
    protected void checkpoint(Sql c, String sessionId, String type, ObjectNode payload, long t, boolean activity)
            throws SQLException {
        appendSystem((Conn) c, sessionId, type, payload, t, activity);
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

    /** The database file, for diagnostics ({@code bosun doctor}); never shown through the API. */
    public Path file() {
        return file;
    }

    @Override
    protected void release() {
        writes.close();
        checkpointer.close();
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
