package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** One delivery of a webhook subscription; {@code body} is exactly what the receiver is sent. */
public record WebhookDelivery(
        @JsonProperty(value = "delivery_id", required = true)
        String deliveryId,

        @JsonProperty(value = "webhook_id", required = true) String webhookId,
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "seq", required = true) long seq,
        @JsonProperty(value = "event_type", required = true) String eventType,
        @JsonProperty(value = "state", required = true) DeliveryState state,
        @JsonProperty(value = "attempts", required = true) int attempts,

        @Nullable @JsonProperty(value = "last_status", required = true)
        Integer lastStatus,

        @Nullable @JsonProperty(value = "last_error", required = true)
        String lastError,

        @Nullable @JsonProperty(value = "next_attempt_at", required = true)
        Instant nextAttemptAt,

        @JsonProperty(value = "created_at", required = true) Instant createdAt,
        @JsonProperty(value = "updated_at", required = true) Instant updatedAt,

        @Nullable @JsonProperty(value = "delivered_at", required = true)
        Instant deliveredAt,

        @JsonProperty(value = "body", required = true) WebhookBody body) {}
