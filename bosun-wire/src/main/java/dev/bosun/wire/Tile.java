package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** A tile with where its delivery to PLATO stands; {@code plato_id} is PLATO's id once delivered. */
public record Tile(
        @JsonProperty(value = "tile_id", required = true) String tileId,
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "seq", required = true) long seq,
        @JsonProperty(value = "kind", required = true) TileKind kind,
        @JsonProperty(value = "state", required = true) DeliveryState state,
        @JsonProperty(value = "attempts", required = true) int attempts,

        @Nullable @JsonProperty(value = "last_status", required = true)
        Integer lastStatus,

        @Nullable @JsonProperty(value = "last_error", required = true)
        String lastError,

        @Nullable @JsonProperty(value = "note", required = true)
        String note,

        @Nullable @JsonProperty(value = "plato_id", required = true)
        String platoId,

        @Nullable @JsonProperty(value = "next_attempt_at", required = true)
        Instant nextAttemptAt,

        @JsonProperty(value = "created_at", required = true) Instant createdAt,
        @JsonProperty(value = "updated_at", required = true) Instant updatedAt,

        @Nullable @JsonProperty(value = "delivered_at", required = true)
        Instant deliveredAt,

        @JsonProperty(value = "tile", required = true) PlatoTile tile) {}
