package dev.bosun.delivery;

import dev.bosun.event.Event;
import java.util.List;
import java.util.Optional;

/**
 * Checkpoint events of one session that a {@link Consumer} has not consumed yet, with the session
 * facts tiles need.
 *
 * @param cursor    the consumer's cursor when read; recording the batch is a compare-and-set on it
 * @param lastSeq   the seq up to which the batch covers the log (the new cursor once recorded)
 * @param scoutRoom the session's own scout room, overriding the configured one
 * @param emitTiles the session's own choice to send tiles, overriding the configured one
 */
public record CheckpointBatch(
        String sessionId,
        String tenant,
        String agentId,
        String name,
        Optional<String> scoutRoom,
        Optional<Boolean> emitTiles,
        long cursor,
        long lastSeq,
        List<Event> events) {
    public CheckpointBatch {
        events = List.copyOf(events);
    }

    /**
     * This batch with the events read past its cursor (at most {@code limit}); a batch cut short by
     * the limit ends at its last event, and the rest comes in the next one.
     */
    public CheckpointBatch withEvents(List<Event> read, int limit) {
        long last = read.size() == limit && !read.isEmpty()
                ? read.get(read.size() - 1).seq()
                : lastSeq;
        return new CheckpointBatch(sessionId, tenant, agentId, name, scoutRoom, emitTiles, cursor, last, read);
    }
}
