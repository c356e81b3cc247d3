package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fleet-h1-router's {@code GET /h1-snapshot}, field for field. */
public record H1SnapshotCompat(
        @JsonProperty(value = "n_vertices", required = true) int nVertices,
        @JsonProperty(value = "n_edges", required = true) int nEdges,

        @JsonProperty(value = "n_components", required = true)
        int nComponents,

        @JsonProperty(value = "h1_dimension", required = true)
        long h1Dimension,

        @JsonProperty(value = "threshold", required = true) long threshold,
        @JsonProperty(value = "emergence", required = true) boolean emergence,

        @JsonProperty(value = "laman_rigid", required = true)
        boolean lamanRigid,

        @JsonProperty(value = "laman_margin", required = true)
        long lamanMargin,

        @JsonProperty(value = "n_agents", required = true) int nAgents,
        @JsonProperty(value = "n_tasks", required = true) int nTasks,

        @JsonProperty(value = "description", required = true)
        String description) {}
