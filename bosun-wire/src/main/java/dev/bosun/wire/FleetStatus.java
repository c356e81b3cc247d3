package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The figures of a tenant's fleet graph; {@code remote_router} only when a remote router is configured. */
public record FleetStatus(
        @JsonProperty(value = "agents", required = true) int agents,
        @JsonProperty(value = "tasks", required = true) int tasks,
        @JsonProperty(value = "edges", required = true) int edges,
        @JsonProperty(value = "vertices", required = true) int vertices,
        @JsonProperty(value = "h1", required = true) long h1,
        @JsonProperty(value = "components", required = true) int components,
        @JsonProperty(value = "threshold", required = true) long threshold,
        @JsonProperty(value = "margin", required = true) long margin,
        @JsonProperty(value = "emergence", required = true) boolean emergence,

        @JsonProperty(value = "laman_margin", required = true)
        long lamanMargin,

        @JsonProperty(value = "laman_satisfied", required = true)
        boolean lamanSatisfied,

        @JsonProperty(value = "description", required = true)
        String description,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty(value = "remote_router")
        RouterSync remoteRouter) {}
