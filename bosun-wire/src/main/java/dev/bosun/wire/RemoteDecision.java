package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A remote router's own figures, carried beside Bosun's in a routing decision. */
public record RemoteDecision(
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @JsonProperty(value = "h1_before", required = true) long h1Before,
        @JsonProperty(value = "h1_after", required = true) long h1After,
        @JsonProperty(value = "confidence", required = true) double confidence,

        @JsonProperty(value = "emergence_risk", required = true)
        double emergenceRisk,

        @JsonProperty(value = "capability_match_score", required = true)
        double capabilityMatchScore,

        @JsonProperty(value = "reasoning", required = true) String reasoning) {}
