package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** A webhook subscription as read back: without its secret. */
public record Webhook(
        @JsonProperty(value = "webhook_id", required = true) String webhookId,
        @JsonProperty(value = "url", required = true) String url,
        @JsonProperty(value = "events", required = true) List<CheckpointEventType> events,
        @JsonProperty(value = "created_at", required = true) Instant createdAt) {}
