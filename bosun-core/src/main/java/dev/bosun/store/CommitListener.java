package dev.bosun.store;

import java.util.List;

/**
 * Told after a commit that a session's log grew (or its status changed), so that waiting pollers
 * re-read the store. {@link #committed(String)} is a hint only: a listener that takes it re-reads,
 * never trusts a value passed here.
 */
@FunctionalInterface
public interface CommitListener {
    void committed(String sessionId);

    /**
     * Told by a store that knows exactly what the commit appended to this session's log: {@code appended}
     * holds every event the transaction wrote for it, in seq order (empty: the log did not grow, only
     * the session changed). Called on the committing thread, in commit order, after the commit returned;
     * a listener must only hand the events on (D120). Stores that cannot say (other nodes' commits, a
     * store that does not collect them) call {@link #committed(String)}, which this defaults to.
     */
    default void committed(String sessionId, List<CommittedEvent> appended) {
        committed(sessionId);
    }
}
