package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** The answer to {@code GET /v1/fleet/h1-snapshot}: the contract's status, the agents, and the edges in the window as {@code [agent_id, task_id]} pairs. */
public record FleetSnapshot(
        @JsonProperty(value = "status", required = true) FleetStatusCompat status,
        @JsonProperty(value = "agents", required = true) List<SnapshotAgent> agents,
        @JsonProperty(value = "edges", required = true) List<List<String>> edges,

        @JsonProperty(value = "window_seconds", required = true)
        long windowSeconds,

        @JsonProperty(value = "taken_at", required = true) Instant takenAt) {}
