package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** An agent in {@code GET /v1/fleet/h1-snapshot}: what it can do and its load. */
public record SnapshotAgent(
        @JsonProperty(value = "agent_id", required = true) String agentId,

        @JsonProperty(value = "capabilities", required = true)
        List<String> capabilities,

        @JsonProperty(value = "load", required = true) int load) {}
