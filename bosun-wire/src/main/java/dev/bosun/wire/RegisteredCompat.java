package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The fleet-h1-router's answer to {@code POST /register/agent}. */
public record RegisteredCompat(
        @JsonProperty(value = "status", required = true) String status) {}
