package dev.bosun.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One entry of a session's event log. {@code seq} starts at 1 and increases by exactly one per
 * event within a session, allocated in the store transaction that commits the event, so a reader
 * that has seen seq N has seen every event up to N.
 */
public record Event(
        String sessionId, long seq, Direction direction, String type, JsonNode payload, Instant createdAt) {}
