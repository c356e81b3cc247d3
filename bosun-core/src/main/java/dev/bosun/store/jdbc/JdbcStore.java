package dev.bosun.store.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.DeliveryStore;
import dev.bosun.error.BosunException;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.event.SystemPayloads;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.FleetEdge;
import dev.bosun.fleet.RoutingDecision;
import dev.bosun.idempotency.IdempotencyStore;
import dev.bosun.json.Json;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.Session;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionStats;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.Due;
import dev.bosun.store.DueTask;
import dev.bosun.store.NewSession;
import dev.bosun.store.NewTask;
import dev.bosun.store.Store;
import dev.bosun.store.TaskCompletion;
import dev.bosun.task.Task;
import dev.bosun.util.Page;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements of a SQL {@link Store} that SQLite and PostgreSQL say alike, written once over the
 * store's {@link Transactions} and its {@link Dialect} (D106): the reads of sessions, events, tasks
 * and workers, the deadlines the reaper asks for and the purge (D122), and the fleet. A store extends it with its own transactions and the writes whose
 * shape is its own (SQLite's single-writer batches, PostgreSQL's fenced, row-locked writes and its
 * one-statement append), overriding a shared statement where its engine earns a better one.
 */
public abstract class JdbcStore implements Store {

    private static final String SELECT_SESSION = "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE id = ?";
    private static final String SELECT_NODE_SESSIONS =
            "SELECT " + Rows.SESSION_COLUMNS + " FROM sessions WHERE node_id = ?";

    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    protected final Dialect dialect;
    private final JdbcDeliveries deliveries;
    private final JdbcIdempotency idempotency;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param deliveries makes the store's deliveries over its transactions ({@code JdbcDeliveries::new}, or a
     *                   subclass that overrides the claims)
     */
    protected JdbcStore(Dialect dialect, BiFunction<Transactions, Dialect, JdbcDeliveries> deliveries) {
        this.dialect = dialect;
        // The parts ask for the store's transactions on every call: a subclass makes them in its constructor.
        Transactions tx = new Transactions() {
            @Override
            public <T> T read(Read<T> work) {
                return tx().read(work);
            }

            @Override
            public <T> T write(Write<T> work) {
                return tx().write(work);
            }

            @Override
            public <T> T settle(Write<T> work) {
                return tx().settle(work);
            }
        };
        this.deliveries = deliveries.apply(tx, dialect);
        this.idempotency = new JdbcIdempotency(tx, dialect);
    }

    /** How this store runs a transaction: asked on every call, so a subclass may make it in its constructor. */
    protected abstract Transactions tx();

    // ---- closing: once, whoever calls first; the store's own parts are released by release() ----

    /** Whether {@link #close} has begun: a closed store takes no new work and reports itself closed. */
    protected final boolean closed() {
        return closed.get();
    }

    /** Refuses new work once the store is closing (UNAVAILABLE, as a store that cannot be reached). */
    protected final void requireOpen() {
        if (closed.get()) throw BosunException.unavailable("the store is closed", null);
    }

    /** Closes the store once; a later or concurrent call returns at once. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) release();
    }

    /** Releases what the store holds, the last-opened first; called once, by {@link #close}. */
    protected abstract void release();

    // ---- rows read inside a transaction, by the shared statements and the stores' own writes ----

    /** The session row, if there is one. */
    public static Optional<Session> findSession(Sql c, String sessionId) throws SQLException {
        return c.first(SELECT_SESSION, Rows::session, sessionId);
    }

    /** The session row, locked for the rest of the transaction where the dialect locks rows. */
    protected Optional<Session> lockSession(Sql c, String sessionId) throws SQLException {
        return c.first(SELECT_SESSION + dialect.forUpdate(), Rows::session, sessionId);
    }

    public static Optional<Task> findTask(Sql c, String sessionId, String taskId) throws SQLException {
        return c.first(
                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ? AND id = ?",
                Rows::task,
                sessionId,
                taskId);
    }

    /** A β₁ column of the session ({@code h1_start}, {@code h1_end}), if it is set. */
    public static Optional<Long> h1Of(Sql c, String sessionId, String column) throws SQLException {
        return c.first("SELECT " + column + " FROM sessions WHERE id = ?", r -> Rows.optLong(r, column), sessionId)
                .flatMap(v -> v);
    }

    /**
     * Appends a lifecycle checkpoint ({@code session_started}, ...) the store's own way: its seq is
     * allocated as the store's append path allocates seqs.
     */
    protected abstract void checkpoint(
            Sql c, String sessionId, String type, ObjectNode payload, long t, boolean activity) throws SQLException;

    // ---- deadlines: what the reaper asks, by index ----

    @Override
    public List<Due> dueSessions(Instant now, int limit) {
        long t = now.toEpochMilli();
        return tx().read(c -> {
            var out = new ArrayList<Due>();
            out.addAll(c.query(
                    "SELECT id, startup_deadline_at FROM sessions WHERE status = 'CREATING' "
                            + "AND startup_deadline_at <= ? ORDER BY startup_deadline_at LIMIT ?",
                    due(Due.Kind.STARTUP),
                    t,
                    limit));
            out.addAll(c.query(
                    "SELECT id, expires_at FROM sessions WHERE status <> 'ENDED' "
                            + "AND expires_at <= ? ORDER BY expires_at LIMIT ?",
                    due(Due.Kind.TTL),
                    t,
                    limit));
            out.addAll(c.query(
                    "SELECT id, idle_deadline_at FROM sessions WHERE status <> 'ENDED' "
                            + "AND idle_deadline_at IS NOT NULL AND idle_deadline_at <= ? ORDER BY idle_deadline_at LIMIT ?",
                    due(Due.Kind.IDLE),
                    t,
                    limit));
            out.sort(Comparator.comparing(Due::deadline));
            return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
        });
    }

    private static Sql.RowMapper<Due> due(Due.Kind kind) {
        return r -> new Due(r.getString(1), kind, Instant.ofEpochMilli(r.getLong(2)));
    }

    @Override
    public List<DueTask> dueTasks(Instant now, int limit) {
        return tx().read(c -> c.query(
                "SELECT session_id, id, deadline_at FROM tasks WHERE status = 'RUNNING' "
                        + "AND deadline_at <= ? ORDER BY deadline_at LIMIT ?",
                r -> new DueTask(r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3))),
                now.toEpochMilli(),
                limit));
    }

    @Override
    public Optional<Instant> nextDeadline() {
        return tx().read(c -> c.first(
                        "SELECT MIN(d) FROM ("
                                + "SELECT MIN(startup_deadline_at) AS d FROM sessions WHERE status = 'CREATING' "
                                + "UNION ALL SELECT MIN(expires_at) FROM sessions WHERE status <> 'ENDED' "
                                + "UNION ALL SELECT MIN(idle_deadline_at) FROM sessions WHERE status <> 'ENDED' AND idle_deadline_at IS NOT NULL "
                                + "UNION ALL SELECT MIN(deadline_at) FROM tasks WHERE status = 'RUNNING') AS deadlines",
                        r -> {
                            long v = r.getLong(1);
                            return r.wasNull() ? Optional.<Instant>empty() : Optional.of(Instant.ofEpochMilli(v));
                        })
                .flatMap(d -> d));
    }

    @Override
    public int purgeEndedBefore(Instant cutoff, int limit) {
        return tx().settle((c, touched) -> {
            // A session whose tiles or webhooks are not all made and settled waits: purging it would lose them.
            // Where several nodes purge at once (the dialect's skipLocked) they take disjoint batches.
            List<String> ids = c.query(
                    "SELECT id FROM sessions s WHERE status = 'ENDED' AND ended_at < ? "
                            + "AND cleaned_at IS NOT NULL AND tiles_seq >= checkpoint_seq AND hooks_seq >= checkpoint_seq "
                            + "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.session_id = s.id AND d.state = 'PENDING') "
                            + "ORDER BY ended_at LIMIT ?" + dialect.skipLocked(),
                    r -> r.getString(1),
                    cutoff.toEpochMilli(),
                    limit);
            if (ids.isEmpty()) return 0;
            Object[] args = ids.toArray();
            String in = " WHERE session_id IN (" + Sql.marks(ids.size()) + ")";
            for (String table : List.of("events", "tasks", "deliveries")) c.update("DELETE FROM " + table + in, args);
            c.update("DELETE FROM sessions WHERE id IN (" + Sql.marks(ids.size()) + ")", args);
            return ids.size();
        });
    }

    // ---- sessions, events, tasks ----

    @Override
    public DeliveryStore deliveries() {
        return deliveries;
    }

    @Override
    public IdempotencyStore idempotency() {
        return idempotency;
    }

    /**
     * The fence of writes only a worker session's owner may make (worker start, inbox progress): this
     * node incarnation's generation on a store several nodes share, none where one node owns all.
     */
    protected Optional<Long> ownerGeneration() {
        return Optional.empty();
    }

    /** A write only the session's owner may make, from an incarnation that no longer owns it. */
    protected BosunException notOwner(String sessionId) {
        return BosunException.conflict(
                "session '" + sessionId + "' is owned by another node now (this node's generation "
                        + ownerGeneration().orElse(0L) + " is stale); the write is refused",
                Map.of("session_id", sessionId, "reason", "stale_generation"));
    }

    /** Whether the database is ready for writes, as {@link #health()} says. */
    @Override
    public boolean healthy() {
        return health().ready();
    }

    /**
     * Inserts the session row: RUNNING when it has no profile, else CREATING (a worker is to start).
     * CONFLICT on a duplicate id. On a store that fences, the row carries this node's generation.
     */
    protected void insertSession(Sql c, NewSession s) throws SQLException {
        Optional<Long> generation = ownerGeneration();
        boolean worker = s.profile().isPresent();
        long created = s.createdAt().toEpochMilli();
        var args = new ArrayList<Object>(Arrays.asList(
                s.id(),
                s.tenant(),
                s.name(),
                s.agentId(),
                Rows.json(s.tags()),
                Rows.json(s.metadata()),
                s.profile().orElse(null),
                s.nodeId(),
                worker ? "CREATING" : "RUNNING",
                created,
                worker ? null : created,
                created,
                s.idleTimeout().toMillis(),
                s.ttl().toMillis(),
                created + s.ttl().toMillis(),
                created + s.idleTimeout().toMillis(),
                s.startupDeadline().map(Instant::toEpochMilli).orElse(null),
                s.maxTasks(),
                s.taskTimeout().toMillis(),
                s.workspace().orElse(null),
                s.h1Start().orElse(null),
                s.scoutRoom().orElse(null),
                s.emitTiles().map(b -> b ? 1 : 0).orElse(null)));
        generation.ifPresent(args::add);
        String columns =
                "id, tenant, name, agent_id, tags, metadata, profile, node_id, status, created_at, started_at, "
                        + "last_activity_at, idle_timeout_ms, ttl_ms, expires_at, idle_deadline_at, startup_deadline_at, max_tasks, "
                        + "task_timeout_ms, workspace, h1_start, scout_room, emit_tiles"
                        + (generation.isPresent() ? ", owner_generation" : "");
        try {
            c.update("INSERT INTO sessions (" + columns + ") VALUES (" + Sql.marks(args.size()) + ")", args.toArray());
        } catch (SQLException e) {
            if (dialect.isUniqueViolation(e)) throw StoreRules.duplicateSession(s.id());
            throw e;
        }
    }

    /** The session just inserted; one without a profile has started, with its {@code session_started}. */
    protected Session created(Sql c, NewSession s, Set<String> touched) throws SQLException {
        touched.add(s.id());
        Session session = findSession(c, s.id()).orElseThrow();
        if (s.profile().isPresent()) return session;
        ObjectNode started = SystemPayloads.sessionStarted(session);
        s.h1Start().ifPresent(h -> started.put("h1", h));
        checkpoint(
                c,
                session.id(),
                SystemEvents.SESSION_STARTED,
                started,
                s.createdAt().toEpochMilli(),
                true);
        return findSession(c, s.id()).orElseThrow();
    }

    @Override
    public Optional<Session> getSession(String sessionId) {
        return tx().read(c -> findSession(c, sessionId));
    }

    @Override
    public Optional<String> sessionTenant(String sessionId) {
        return tx().read(c -> c.first("SELECT tenant FROM sessions WHERE id = ?", r -> r.getString(1), sessionId));
    }

    @Override
    public Page<Session> listSessions(SessionFilter filter, Optional<String> after, int limit) {
        SessionListing.Query q = dialect.listing().query(filter, after, limit);
        return tx().read(c ->
                Page.fromRows(c.query(q.sql(), Rows::session, q.args().toArray()), limit, Session::id));
    }

    @Override
    public SessionStats sessionStats(String tenant, Instant since) {
        long t = since.toEpochMilli();
        return tx().read(c -> SessionTally.stats(c.query(SessionTally.SQL, SessionTally::group, t, t, tenant), since));
    }

    @Override
    public List<Event> readEvents(String sessionId, long afterSeq, int limit) {
        return tx().read(c -> c.query(
                "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                Rows::event,
                sessionId,
                afterSeq,
                limit));
    }

    @Override
    public Optional<Task> getTask(String sessionId, String taskId) {
        return tx().read(c -> findTask(c, sessionId, taskId));
    }

    @Override
    public List<Task> listTasks(String sessionId, boolean activeOnly) {
        return tx().read(c -> c.query(
                "SELECT " + Rows.TASK_COLUMNS + " FROM tasks WHERE session_id = ?"
                        + (activeOnly ? " AND status = 'RUNNING'" : "") + " ORDER BY ord",
                Rows::task,
                sessionId));
    }

    @Override
    public Task addTask(NewTask t) {
        // The decision's JSON (its reasoning sentence included) is made on the caller's thread: on SQLite the
        // transaction runs on the single writer, whose time every other write waits for (D124).
        Optional<ObjectNode> routing = t.routing().map(RoutingDecision::toJson);
        return tx().write((c, touched) -> {
            Session s =
                    lockSession(c, t.sessionId()).orElseThrow(() -> BosunException.notFound("session", t.sessionId()));
            StoreRules.requireTaskAddable(s);
            long at = t.at().toEpochMilli();
            try {
                c.update(
                        "INSERT INTO tasks (session_id, id, ord, name, data, priority, required_caps, assigned_agent, "
                                + "status, created_at, started_at, deadline_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)",
                        t.sessionId(),
                        t.taskId(),
                        s.taskCounts().total() + 1,
                        t.name(),
                        Json.write(t.data()),
                        t.priority().name(),
                        Rows.json(t.requiredCapabilities()),
                        t.assignedAgent().orElse(null),
                        at,
                        at,
                        at + s.taskTimeout().toMillis());
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) throw StoreRules.duplicateTask(s.id(), t.taskId());
                throw e;
            }
            c.update(
                    "UPDATE sessions SET tasks_total = tasks_total + 1, tasks_running = tasks_running + 1 WHERE id = ?",
                    s.id());
            Task task = findTask(c, s.id(), t.taskId()).orElseThrow();
            if (t.routing().isPresent())
                linkEdge(c, s.tenant(), t.routing().get().agentId(), t.taskId(), at);
            checkpoint(c, s.id(), SystemEvents.TASK_STARTED, StoreRules.taskStarted(task, routing), at, true);
            touched.add(s.id());
            return task;
        });
    }

    @Override
    public Task completeTask(TaskCompletion tc) {
        return tx().settle((c, touched) -> {
            Optional<Session> locked = c.first(
                    SELECT_SESSION + (tc.onlyIfTimedOut() ? dialect.skipLocked() : dialect.forUpdate()),
                    Rows::session,
                    tc.sessionId());
            if (locked.isEmpty() && tc.onlyIfTimedOut()) {
                // Held by another reaper or by a completion: the reaper steps aside, as when it loses the race.
                findSession(c, tc.sessionId()).orElseThrow(() -> BosunException.notFound("session", tc.sessionId()));
                return findTask(c, tc.sessionId(), tc.taskId())
                        .orElseThrow(() -> BosunException.notFound("task", tc.taskId()));
            }
            Session s = locked.orElseThrow(() -> BosunException.notFound("session", tc.sessionId()));
            Task before = findTask(c, tc.sessionId(), tc.taskId())
                    .orElseThrow(() -> BosunException.notFound("task", tc.taskId()));
            if (StoreRules.timeoutLoses(tc, s, before)) return before;
            StoreRules.requireCompletable(s, before, tc);
            long t = tc.at().toEpochMilli();
            c.update(
                    "UPDATE tasks SET status = ?, ended_at = ?, duration_ms = ?, result = ?, error = ? "
                            + "WHERE session_id = ? AND id = ? AND status = 'RUNNING'",
                    tc.outcome().status().name(),
                    t,
                    StoreRules.durationMs(tc, before),
                    tc.result().map(Json::write).orElse(null),
                    tc.error().orElse(null),
                    tc.sessionId(),
                    tc.taskId());
            String counter = StoreRules.counterColumn(tc.outcome());
            c.update(
                    "UPDATE sessions SET tasks_running = tasks_running - 1, " + counter + " = " + counter
                            + " + 1 WHERE id = ?",
                    s.id());
            Task after = findTask(c, s.id(), tc.taskId()).orElseThrow();
            if (after.assignedAgent().isPresent())
                endFleetEdge(c, s.tenant(), after.assignedAgent().get(), tc.taskId(), t);
            // A reaper timeout is not the agent's activity; it only re-arms the idle clock from the last real activity.
            boolean activity = !tc.onlyIfTimedOut();
            checkpoint(c, s.id(), SystemEvents.TASK_COMPLETED, SystemPayloads.taskCompleted(after), t, activity);
            if (!activity) {
                c.update(
                        "UPDATE sessions SET idle_deadline_at = CASE WHEN status = 'ENDED' OR tasks_running > 0 THEN NULL "
                                + "ELSE last_activity_at + idle_timeout_ms END WHERE id = ?",
                        s.id());
            }
            touched.add(s.id());
            return after;
        });
    }

    @Override
    public long liveSessionCount() {
        return tx().read(c -> c.first("SELECT value FROM counters WHERE name = 'live_sessions'", r -> r.getLong(1))
                .orElse(0L));
    }

    // ---- workers ----

    @Override
    public Optional<WorkerRef> workerOf(String sessionId) {
        return tx().read(c -> c.first(
                        "SELECT worker_runtime, worker_id, worker_attrs FROM sessions WHERE id = ?",
                        r -> r.getString(1) == null
                                ? Optional.<WorkerRef>empty()
                                : Optional.of(
                                        new WorkerRef(r.getString(1), r.getString(2), Rows.stringMap(r.getString(3)))),
                        sessionId)
                .flatMap(w -> w));
    }

    @Override
    public List<Event> pendingInbox(String sessionId, int limit) {
        return tx().read(c -> c.query(
                "SELECT " + Rows.EVENT_COLUMNS + " FROM events e WHERE session_id = ? "
                        + "AND direction = 'IN' AND seq > (SELECT inbox_seq FROM sessions WHERE id = e.session_id) "
                        + "ORDER BY seq LIMIT ?",
                Rows::event,
                sessionId,
                limit));
    }

    @Override
    public List<Session> liveWorkerSessions(String nodeId) {
        return tx().read(c -> c.query(
                SELECT_NODE_SESSIONS + " AND status <> 'ENDED' AND profile IS NOT NULL ORDER BY id",
                Rows::session,
                nodeId));
    }

    @Override
    public List<Session> uncleanedEnded(String nodeId, int limit) {
        return tx().read(c -> c.query(
                SELECT_NODE_SESSIONS + " AND status = 'ENDED' AND cleaned_at IS NULL ORDER BY ended_at LIMIT ?",
                Rows::session,
                nodeId,
                limit));
    }

    @Override
    public Session markRunning(String sessionId, WorkerRef worker, ObjectNode startedPayload, Instant at) {
        long t = at.toEpochMilli();
        var args = new ArrayList<Object>(
                List.of(t, worker.runtime(), worker.id(), Rows.json(worker.attributes()), t, t, sessionId));
        ownerGeneration().ifPresent(args::add);
        String greatest = dialect.greatest();
        String sql = "UPDATE sessions SET status = 'RUNNING', started_at = ?, startup_deadline_at = NULL, "
                + "worker_runtime = ?, worker_id = ?, worker_attrs = ?, last_activity_at = " + greatest
                + "(last_activity_at, ?), idle_deadline_at = CASE WHEN tasks_running = 0 THEN " + greatest
                + "(last_activity_at, ?) + idle_timeout_ms END WHERE id = ? AND status = 'CREATING'"
                + (ownerGeneration().isPresent() ? " AND owner_generation = ?" : "");
        return tx().write((c, touched) -> {
            if (c.update(sql, args.toArray()) == 0) {
                Session s = findSession(c, sessionId).orElseThrow(() -> BosunException.notFound("session", sessionId));
                if (s.status() == SessionStatus.CREATING) throw notOwner(sessionId);
                throw StoreRules.notCreating(s);
            }
            touched.add(sessionId);
            Session s = findSession(c, sessionId).orElseThrow();
            ObjectNode payload = SystemPayloads.sessionStarted(s);
            h1Of(c, sessionId, "h1_start").ifPresent(h -> payload.put("h1", h));
            payload.setAll(startedPayload);
            checkpoint(c, sessionId, SystemEvents.SESSION_STARTED, payload, t, true);
            return findSession(c, sessionId).orElseThrow();
        });
    }

    @Override
    public void markInboxWritten(String sessionId, long seq) {
        var args = new ArrayList<Object>(List.of(seq, sessionId));
        ownerGeneration().ifPresent(args::add);
        String sql = "UPDATE sessions SET inbox_seq = " + dialect.greatest() + "(inbox_seq, ?) WHERE id = ?"
                + (ownerGeneration().isPresent() ? " AND (profile IS NULL OR owner_generation = ?)" : "");
        int n = tx().settle((c, touched) -> c.update(sql, args.toArray()));
        // Refused quietly: the caller has already delivered, and the new owner tracks the inbox itself.
        if (n == 0) log.debug("inbox progress of {} not recorded: unknown session or not its owner", sessionId);
    }

    @Override
    public void markCleaned(String sessionId, Instant at) {
        tx().settle((c, touched) -> c.update(
                "UPDATE sessions SET cleaned_at = ? WHERE id = ? AND status = 'ENDED'", at.toEpochMilli(), sessionId));
    }

    // ---- fleet ----

    @Override
    public Agent upsertAgent(String tenant, String agentId, List<String> capabilities, Instant at) {
        long t = at.toEpochMilli();
        return tx().write((c, touched) -> {
            // Registration order is MAX + 1 within the tenant: nodes registering at once take turns.
            dialect.lock(c, "bosun.agents", tenant);
            return c.first(
                            "INSERT INTO agents (" + Rows.AGENT_COLUMNS + ") VALUES (?, ?, ?, "
                                    + "(SELECT COALESCE(MAX(registered_ord), 0) + 1 FROM agents WHERE tenant = ?), ?, ?, ?) "
                                    + "ON CONFLICT (tenant, id) DO UPDATE SET capabilities = excluded.capabilities, "
                                    + "updated_at = excluded.updated_at, last_seen_at = excluded.last_seen_at RETURNING "
                                    + Rows.AGENT_COLUMNS,
                            Rows::agent,
                            tenant,
                            agentId,
                            Rows.json(capabilities),
                            tenant,
                            t,
                            t,
                            t)
                    .orElseThrow();
        });
    }

    @Override
    public boolean deleteAgent(String tenant, String agentId) {
        return tx().settle((c, touched) ->
                c.update("DELETE FROM agents WHERE tenant = ? AND id = ?", tenant, agentId) > 0);
    }

    @Override
    public List<Agent> listAgents(String tenant) {
        return tx().read(c -> c.query(
                "SELECT " + Rows.AGENT_COLUMNS + " FROM agents WHERE tenant = ? ORDER BY registered_ord",
                Rows::agent,
                tenant));
    }

    @Override
    public boolean addFleetEdge(String tenant, String agentId, String taskKey, Instant at) {
        return tx().write((c, touched) -> insertEdge(c, tenant, agentId, taskKey, at.toEpochMilli()));
    }

    /** Inserts an edge or makes it live again; true if it is new. */
    protected boolean insertEdge(Sql c, String tenant, String agentId, String taskKey, long at) throws SQLException {
        boolean existed = c.first(
                        "SELECT 1 FROM fleet_edges WHERE tenant = ? AND agent_id = ? AND task_key = ?",
                        r -> 1,
                        tenant,
                        agentId,
                        taskKey)
                .isPresent();
        linkEdge(c, tenant, agentId, taskKey, at);
        return !existed;
    }

    /**
     * Inserts an edge or makes it live again, without asking whether it is new: a routed task's add does not
     * need to know, and the question was a second statement on the writer per routed task (D124).
     */
    protected void linkEdge(Sql c, String tenant, String agentId, String taskKey, long at) throws SQLException {
        // A task linked again (the same task id in a later session, or a hand-off) brings its edge back into the
        // live set.
        c.update(
                "INSERT INTO fleet_edges (tenant, agent_id, task_key, created_at) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (tenant, agent_id, task_key) DO UPDATE SET task_ended_at = NULL",
                tenant,
                agentId,
                taskKey,
                at);
    }

    @Override
    public List<FleetEdge> fleetEdges(String tenant, Instant endedSince) {
        return tx().read(c -> c.query(
                "SELECT " + Rows.FLEET_EDGE_COLUMNS + " FROM fleet_edges "
                        + "WHERE tenant = ? AND (task_ended_at IS NULL OR task_ended_at >= ?) ORDER BY created_at, agent_id, task_key",
                Rows::fleetEdge,
                tenant,
                endedSince.toEpochMilli()));
    }

    /** A routed task completed: its edge leaves the live set and its agent was seen. */
    protected void endFleetEdge(Sql c, String tenant, String agentId, String taskKey, long t) throws SQLException {
        c.update(
                "UPDATE fleet_edges SET task_ended_at = ? WHERE tenant = ? AND agent_id = ? AND task_key = ? "
                        + "AND task_ended_at IS NULL",
                t,
                tenant,
                agentId,
                taskKey);
        c.update(
                "UPDATE agents SET last_seen_at = " + dialect.greatest()
                        + "(last_seen_at, ?) WHERE tenant = ? AND id = ?",
                t,
                tenant,
                agentId);
    }

    @Override
    public List<FleetEdge> pruneFleetEdges(String tenant, Instant cutoff) {
        return tx().settle((c, touched) -> c.query(
                "DELETE FROM fleet_edges WHERE tenant = ? AND task_ended_at < ? RETURNING " + Rows.FLEET_EDGE_COLUMNS,
                Rows::fleetEdge,
                tenant,
                cutoff.toEpochMilli()));
    }

    @Override
    public void resetFleet(String tenant) {
        tx().settle((c, touched) -> c.update("DELETE FROM fleet_edges WHERE tenant = ?", tenant));
    }

    @Override
    public Map<String, Integer> agentLoads(String tenant) {
        return tx().read(c -> {
            var out = new HashMap<String, Integer>();
            for (var row : c.query(
                    "SELECT t.assigned_agent, COUNT(*) FROM tasks t JOIN sessions s ON s.id = t.session_id "
                            + "WHERE s.tenant = ? AND s.status <> 'ENDED' AND t.status = 'RUNNING' AND t.assigned_agent IS NOT NULL "
                            + "GROUP BY t.assigned_agent",
                    r -> Map.entry(r.getString(1), r.getInt(2)),
                    tenant)) {
                out.put(row.getKey(), row.getValue());
            }
            return out;
        });
    }

    @Override
    public List<String> fleetTenants() {
        return tx().read(c ->
                c.query("SELECT tenant FROM agents UNION SELECT tenant FROM fleet_edges", r -> r.getString(1)));
    }
}
