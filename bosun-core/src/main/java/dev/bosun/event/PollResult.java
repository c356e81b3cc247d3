package dev.bosun.event;

import dev.bosun.session.SessionStatus;
import java.util.List;

/**
 * What a poll returns: events after the cursor in seq order, the cursor to pass next time (the last
 * returned seq, or the caller's own cursor when nothing came back), whether more are waiting, and
 * the session's status at the time of the read.
 */
public record PollResult(List<Event> events, long nextCursor, boolean hasMore, SessionStatus status) {
    public PollResult {
        events = List.copyOf(events);
    }
}
