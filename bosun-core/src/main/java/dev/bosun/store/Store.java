package dev.bosun.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.DeliveryStore;
import dev.bosun.event.Event;
import dev.bosun.fleet.FleetStore;
import dev.bosun.idempotency.IdempotencyStore;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.Session;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionStats;
import dev.bosun.task.Task;
import dev.bosun.util.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Durable state of sessions, tasks and event logs: the single source of truth. Every method is one
 * atomic transaction; every state change is a compare-and-set evaluated inside it, so the reaper,
 * terminate and end never race, and several nodes can share one database.
 *
 * <p>Errors are {@code BosunException}s: NOT_FOUND for an unknown session or task, CONFLICT for a
 * write to an ended session or a duplicate id, LIMIT_REACHED for caps, UNAVAILABLE when the
 * database cannot be reached.
 *
 * <p>Event seqs are allocated per session inside the appending transaction (never from a global
 * counter), so a log has no gaps and readers never skip an event that commits late.
 */
public interface Store extends FleetStore, AutoCloseable {

    // ---- sessions ----

    /**
     * Inserts a session, RUNNING with its {@code session_started} event when it has no profile,
     * else CREATING. Refuses with LIMIT_REACHED when {@code maxLiveSessions} sessions are already live.
     */
    Session createSession(NewSession session, int maxLiveSessions);

    /** CREATING → RUNNING with the worker's reference, writing {@code session_started}. CONFLICT if not CREATING. */
    Session markRunning(String sessionId, WorkerRef worker, ObjectNode startedPayload, Instant at);

    /** Ends a live session (see {@link EndRequest}); a no-op returning {@code transitioned=false} if already ended. */
    EndResult endSession(EndRequest request);

    /**
     * Ends several sessions, each exactly as {@link #endSession} would (its own compare-and-set, its own
     * result); a request refused (its session unknown, the store failing for it) does not stop the others.
     * The default ends them one after another; a store that can commit them together overrides it (SQLite:
     * one transaction, D113), and may then refuse them all alike when the store itself fails.
     *
     * @return one outcome per request, in the requests' order
     */
    default List<EndOutcome> endSessions(List<EndRequest> requests) {
        var out = new java.util.ArrayList<EndOutcome>(requests.size());
        for (EndRequest r : requests) {
            try {
                out.add(EndOutcome.of(endSession(r)));
            } catch (dev.bosun.error.BosunException e) {
                out.add(EndOutcome.refused(e));
            }
        }
        return out;
    }

    /** Records activity without an event (heartbeat). CONFLICT if ended. */
    Session touch(String sessionId, Instant at);

    Optional<Session> getSession(String sessionId);

    /** The tenant a session belongs to: a cheap ownership check for every API call. */
    Optional<String> sessionTenant(String sessionId);

    /** Sessions newest first, filtered; {@code after} is the previous page's cursor. */
    Page<Session> listSessions(SessionFilter filter, Optional<String> after, int limit);

    /** Exact counts of a tenant's sessions, and how many started and ended at or after {@code since}. */
    SessionStats sessionStats(String tenant, Instant since);

    /** The worker reference recorded for a session, if it has one. */
    Optional<WorkerRef> workerOf(String sessionId);

    // ---- events ----

    /** Appends one event (see {@link NewEvent}); CONFLICT if the session has ended. */
    Event append(NewEvent event);

    /**
     * Appends several events of one session in one transaction, in order; idempotent per source key.
     * Returns one event per input (the existing one for a repeated key).
     */
    List<Event> appendAll(String sessionId, List<NewEvent> events);

    /** Events with seq &gt; {@code afterSeq}, in seq order, at most {@code limit}. */
    List<Event> readEvents(String sessionId, long afterSeq, int limit);

    // ---- tasks ----

    /** Adds a RUNNING task and writes {@code task_started}. CONFLICT on a duplicate id or an ended session; LIMIT_REACHED at the session's cap. */
    Task addTask(NewTask task);

    /** Completes a running task and writes {@code task_completed}. CONFLICT if it already completed. */
    Task completeTask(TaskCompletion completion);

    Optional<Task> getTask(String sessionId, String taskId);

    /** A session's tasks in the order they were added; only running ones when {@code activeOnly}. */
    List<Task> listTasks(String sessionId, boolean activeOnly);

    // ---- worker mailbox ----

    /** IN events not yet written to the worker's inbox, in seq order. */
    List<Event> pendingInbox(String sessionId, int limit);

    /** Records that IN events up to {@code seq} are in the inbox. Never moves backwards. */
    void markInboxWritten(String sessionId, long seq);

    // ---- reaper and recovery ----

    /** Live sessions with a startup, TTL or idle deadline at or before {@code now}, earliest first. */
    List<Due> dueSessions(Instant now, int limit);

    /** Running tasks of live sessions whose deadline is at or before {@code now}, earliest first. */
    List<DueTask> dueTasks(Instant now, int limit);

    /** The earliest pending deadline of any kind, for the reaper to sleep until. */
    Optional<Instant> nextDeadline();

    /** Live sessions with a worker owned by {@code nodeId}: what recovery and the ingester look after. */
    List<Session> liveWorkerSessions(String nodeId);

    /** Ended sessions of {@code nodeId} whose worker and workspace have not been cleaned up yet. */
    List<Session> uncleanedEnded(String nodeId, int limit);

    /** Records that an ended session's worker is stopped and its workspace dealt with. */
    void markCleaned(String sessionId, Instant at);

    /** Deletes ended sessions (with their tasks and events) that ended before {@code cutoff}. Returns how many. */
    int purgeEndedBefore(Instant cutoff, int limit);

    /** How many sessions are live (CREATING or RUNNING), across all tenants. */
    long liveSessionCount();

    /** Cursors, tiles, webhook deliveries and subscriptions: what the relay works from. */
    DeliveryStore deliveries();

    /** What {@link #poolSize()} answers for a store without a connection limit (the default {@code store_pool_size}). */
    int DEFAULT_POOL_SIZE = 16;

    /**
     * How many connections this store's callers can hold at once (PostgreSQL: {@code store_pool_size}).
     * Work that fans out, such as a reaper sweep, keeps to half of it so that API calls still get a
     * connection. A store that queues its writes instead answers {@link #DEFAULT_POOL_SIZE}.
     */
    default int poolSize() {
        return DEFAULT_POOL_SIZE;
    }

    /** Idempotency keys of the HTTP API's writes: read, completed and purged here, written with the effect (D78). */
    IdempotencyStore idempotency();

    /** Is the database reachable? For readiness checks. */
    boolean healthy();

    /**
     * The store's own view of its write health, kept up to date by its writes and a background
     * probe: answering costs no database round trip (readiness asks it on every request).
     */
    default StoreHealth health() {
        return healthy()
                ? StoreHealth.HEALTHY
                : new StoreHealth(StoreHealth.State.UNREACHABLE, "the store is unreachable");
    }

    /** Registers a listener told after every commit that changes a session's log or status. */
    void addCommitListener(CommitListener listener);

    /**
     * Registers a listener told when another node sharing the database committed a change to a
     * session (a hint, like {@link #addCommitListener}). A single-node store has no peers and never
     * calls it. Peer commits also reach the ordinary commit listeners; this one is for work only
     * the session's owner does, such as writing the worker's inbox.
     */
    default void addPeerCommitListener(CommitListener listener) {}

    /**
     * Gives a store that takes sessions over from lapsed nodes the way this node ends sessions (its
     * clock, pattern settings and β₁), so a failover end is made like every other. A single-node
     * store takes nothing over and ignores it.
     */
    default void takeoverEnds(TakeoverEnds ends) {}

    /** Registers an observer of how long each commit took, in nanoseconds (for metrics). */
    default void addCommitTimer(LongConsumer nanos) {}

    @Override
    void close();
}
