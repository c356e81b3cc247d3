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
public record CheckpointBatch(String sessionId, String tenant, String agentId, String name,
                              Optional<String> scoutRoom, Optional<Boolean> emitTiles, long cursor, long lastSeq,
                              List<Event> events) {
    public CheckpointBatch {
        events = List.copyOf(events);
    }
}
