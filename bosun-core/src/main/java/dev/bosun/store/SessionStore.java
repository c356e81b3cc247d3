package dev.bosun.store;

import dev.bosun.error.BosunException;
import dev.bosun.event.Event;
import dev.bosun.session.Session;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionStats;
import dev.bosun.task.Task;
import dev.bosun.util.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sessions, their event logs and their tasks: what the API's calls read and write. Every method is
 * one atomic transaction; every state change is a compare-and-set evaluated inside it, so the reaper,
 * terminate and end never race, and several nodes can share one database.
 *
 * <p>Errors are {@code BosunException}s: NOT_FOUND for an unknown session or task, CONFLICT for a
 * write to an ended session or a duplicate id, LIMIT_REACHED for caps, UNAVAILABLE when the
 * database cannot be reached.
 *
 * <p>Event seqs are allocated per session inside the appending transaction (never from a global
 * counter), so a log has no gaps and readers never skip an event that commits late.
 */
public interface SessionStore {

    // ---- sessions ----

    /**
     * Inserts a session, RUNNING with its {@code session_started} event when it has no profile,
     * else CREATING. Refuses with LIMIT_REACHED when {@code maxLiveSessions} sessions are already live.
     */
    Session createSession(NewSession session, int maxLiveSessions);

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
        var out = new ArrayList<EndOutcome>(requests.size());
        for (EndRequest r : requests) {
            try {
                out.add(EndOutcome.of(endSession(r)));
            } catch (BosunException e) {
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

    /** How many sessions are live (CREATING or RUNNING), across all tenants. */
    long liveSessionCount();
}
