package dev.bosun.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the reaper asks of the store, and all it asks (issue 13): the deadlines that are due, read by
 * index, a task's timeout, the purges of what is past its retention, and how wide a sweep may fan out.
 * Sessions it ends through {@code SessionEnds}, the one place an end is made.
 */
public interface DeadlineStore {

    /**
     * How many connections this store's callers can hold at once: a sweep keeps to half of it (D73).
     * {@link Store} answers it for every store.
     */
    int poolSize();

    /**
     * Times out the task if it is still running and its deadline is due at {@code at} (a compare-and-set:
     * a completion that came first wins). Returns whether this call ended it. {@link Store} answers it
     * with {@link TaskCompletion#ifTimedOut}.
     */
    boolean timeOutTask(DueTask task, String error, Instant at);

    /** Deletes idempotency keys past their window; returns how many. {@link Store} answers it from its keys. */
    int purgeIdempotencyKeys(Instant now, int limit);

    /** Live sessions with a startup, TTL or idle deadline at or before {@code now}, earliest first. */
    List<Due> dueSessions(Instant now, int limit);

    /** Running tasks of live sessions whose deadline is at or before {@code now}, earliest first. */
    List<DueTask> dueTasks(Instant now, int limit);

    /** The earliest pending deadline of any kind, for the reaper to sleep until. */
    Optional<Instant> nextDeadline();

    /** Deletes ended sessions (with their tasks and events) that ended before {@code cutoff}. Returns how many. */
    int purgeEndedBefore(Instant cutoff, int limit);
}
