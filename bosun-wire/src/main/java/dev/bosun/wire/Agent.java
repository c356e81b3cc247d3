package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** A registered agent; {@code load} is its running session tasks. */
public record Agent(
        @JsonProperty(value = "agent_id", required = true) String agentId,

        @JsonProperty(value = "capabilities", required = true)
        List<String> capabilities,

        @JsonProperty(value = "load", required = true) int load,

        @JsonProperty(value = "registered_at", required = true)
        Instant registeredAt,

        @JsonProperty(value = "updated_at", required = true) Instant updatedAt,

        @JsonProperty(value = "last_seen_at", required = true)
        Instant lastSeenAt) {}
