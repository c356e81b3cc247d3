package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of every error response: {@code {"error": {"code", "message", "details"}}}. */
public record ErrorEnvelope(
        @JsonProperty(value = "error", required = true) ErrorBody error) {}
