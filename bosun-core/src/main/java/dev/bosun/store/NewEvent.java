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
        Instant at) {}
