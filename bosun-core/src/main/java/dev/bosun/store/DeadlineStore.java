package dev.bosun.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the reaper asks of the store: the deadlines that are due, read by index, and the purge of
 * sessions past their retention.
 */
public interface DeadlineStore {

    /** Live sessions with a startup, TTL or idle deadline at or before {@code now}, earliest first. */
    List<Due> dueSessions(Instant now, int limit);

    /** Running tasks of live sessions whose deadline is at or before {@code now}, earliest first. */
    List<DueTask> dueTasks(Instant now, int limit);

    /** The earliest pending deadline of any kind, for the reaper to sleep until. */
    Optional<Instant> nextDeadline();

    /** Deletes ended sessions (with their tasks and events) that ended before {@code cutoff}. Returns how many. */
    int purgeEndedBefore(Instant cutoff, int limit);
}
