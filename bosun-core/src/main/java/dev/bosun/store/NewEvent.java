package dev.bosun.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.event.Direction;
import java.time.Instant;
import java.util.Optional;

/**
 * An event to append.
 *
 * @param sourceKey makes the append idempotent: a second append with the same key in the same
 *                  session returns the first event instead of writing another (outbox ingestion)
 * @param activity  whether the append counts as session activity (resets the idle clock)
 */
public record NewEvent(
        String sessionId,
        Direction direction,
        String type,
        JsonNode payload,
        Optional<String> sourceKey,
        boolean activity,
        Instant at) {

    /** An event that counts as the session's activity (resets the idle clock): what agents and workers send. */
    public static NewEvent activity(String sessionId, Direction direction, String type, JsonNode payload, Instant at) {
        return new NewEvent(sessionId, direction, type, payload, Optional.empty(), true, at);
    }

    /** An event that leaves the idle clock alone: a note of Bosun's own, such as an emergence alert. */
    public static NewEvent note(String sessionId, Direction direction, String type, JsonNode payload, Instant at) {
        return new NewEvent(sessionId, direction, type, payload, Optional.empty(), false, at);
    }

    /** This event, written once per session for {@code key} (see {@code sourceKey}). */
    public NewEvent keyed(String key) {
        return new NewEvent(sessionId, direction, type, payload, Optional.of(key), activity, at);
    }
}
