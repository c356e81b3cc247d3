package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A session's tasks by status. */
public record TaskCounts(
        @JsonProperty(value = "total", required = true) int total,
        @JsonProperty(value = "running", required = true) int running,
        @JsonProperty(value = "succeeded", required = true) int succeeded,
        @JsonProperty(value = "failed", required = true) int failed,
        @JsonProperty(value = "cancelled", required = true) int cancelled,
        @JsonProperty(value = "timeout", required = true) int timeout) {}
