package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The answer to {@code GET /v1/sessions/{id}/events}. */
public record PollResult(
        @JsonProperty(value = "events", required = true) List<Event> events,

        @JsonProperty(value = "next_cursor", required = true)
        long nextCursor,

        @JsonProperty(value = "has_more", required = true) boolean hasMore,
        @JsonProperty(value = "status", required = true) SessionStatus status) {}
