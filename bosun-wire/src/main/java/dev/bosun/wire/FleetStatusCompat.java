package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fleet-h1-router's {@code GET /status}, field for field. */
public record FleetStatusCompat(
        @JsonProperty(value = "n_agents", required = true) int nAgents,
        @JsonProperty(value = "n_tasks", required = true) int nTasks,
        @JsonProperty(value = "n_edges", required = true) int nEdges,
        @JsonProperty(value = "n_vertices", required = true) int nVertices,

        @JsonProperty(value = "h1_dimension", required = true)
        long h1Dimension,

        @JsonProperty(value = "n_components", required = true)
        int nComponents,

        @JsonProperty(value = "description", required = true)
        String description,

        @JsonProperty(value = "emergence_detected", required = true)
        boolean emergenceDetected,

        @JsonProperty(value = "margin", required = true) long margin) {}
