package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** An agent as the fleet-h1-router's {@code GET /agents} lists it. */
public record AgentCompat(
        @JsonProperty(value = "agent_id", required = true) String agentId,

        @JsonProperty(value = "capabilities", required = true)
        List<String> capabilities,

        @JsonProperty(value = "n_tasks", required = true) int nTasks) {}
