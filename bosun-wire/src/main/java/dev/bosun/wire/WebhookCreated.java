package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** The answer to {@code POST /v1/webhooks}: the subscription with its secret, the only time the server shows it. */
public record WebhookCreated(
        @JsonProperty(value = "webhook_id", required = true) String webhookId,
        @JsonProperty(value = "url", required = true) String url,
        @JsonProperty(value = "events", required = true) List<CheckpointEventType> events,
        @JsonProperty(value = "created_at", required = true) Instant createdAt,
        @JsonProperty(value = "secret", required = true) String secret) {}
