package dev.bosun.store;

import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import java.time.Instant;

/**
 * An event exactly as a transaction wrote it into the log: the row's columns, with the payload as the
 * stored JSON text. A store that knows what each commit appended hands these to its {@link
 * CommitListener}s, so a follower of the log (the event tap) need not read back what was just written
 * (D120). {@link #toEvent()} parses the text as a read of the row would, so the event handed on is
 * the one the log holds, not the caller's object.
 */
public record CommittedEvent(
        String sessionId, long seq, Direction direction, String type, String payloadText, long createdAtMillis) {

    /** The event as {@code readEvents} would return it. */
    public Event toEvent() {
        return new Event(
                sessionId, seq, direction, type, Json.parseTrusted(payloadText), Instant.ofEpochMilli(createdAtMillis));
    }
}
