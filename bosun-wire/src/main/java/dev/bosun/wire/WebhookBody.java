package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** What a webhook receiver is sent for one checkpoint event. */
public record WebhookBody(
        @JsonProperty(value = "id", required = true) String id,
        @JsonProperty(value = "type", required = true) String type,
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "seq", required = true) long seq,
        @JsonProperty(value = "created_at", required = true) Instant createdAt,
        @JsonProperty(value = "payload", required = true) JsonNode payload) {}
