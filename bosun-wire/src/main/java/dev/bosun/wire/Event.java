package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** An event of a session's log, as a poll or an SSE {@code data:} line carries it. */
public record Event(
        @JsonProperty(value = "seq", required = true) long seq,
        @JsonProperty(value = "direction", required = true) Direction direction,
        @JsonProperty(value = "event_type", required = true) String eventType,
        @JsonProperty(value = "payload", required = true) JsonNode payload,
        @JsonProperty(value = "created_at", required = true) Instant createdAt) {}
