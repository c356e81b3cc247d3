package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to {@code POST /v1/route}; {@code router} only when a remote router was asked. */
public record RoutingDecision(
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @JsonProperty(value = "task_id", required = true) String taskId,
        @JsonProperty(value = "h1_before", required = true) long h1Before,
        @JsonProperty(value = "h1_after", required = true) long h1After,
        @JsonProperty(value = "confidence", required = true) double confidence,

        @JsonProperty(value = "emergence_risk", required = true)
        double emergenceRisk,

        @JsonProperty(value = "capability_match_score", required = true)
        double capabilityMatchScore,

        @JsonProperty(value = "reasoning", required = true) String reasoning,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty(value = "router")
        RemoteDecision router) {}
