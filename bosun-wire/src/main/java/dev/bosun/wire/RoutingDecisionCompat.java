package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fleet-h1-router's answer to {@code POST /route}, field for field. */
public record RoutingDecisionCompat(
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @JsonProperty(value = "task_id", required = true) String taskId,
        @JsonProperty(value = "h1_before", required = true) long h1Before,
        @JsonProperty(value = "h1_after", required = true) long h1After,
        @JsonProperty(value = "confidence", required = true) double confidence,

        @JsonProperty(value = "emergence_risk", required = true)
        double emergenceRisk,

        @JsonProperty(value = "capability_match_score", required = true)
        double capabilityMatchScore,

        @JsonProperty(value = "reasoning", required = true) String reasoning) {}
