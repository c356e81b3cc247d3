package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to {@code GET /healthz}. */
public record Health(
        @JsonProperty(value = "status", required = true) String status,
        @JsonProperty(value = "version", required = true) String version) {}
