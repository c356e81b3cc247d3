package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The answer to {@code GET /readyz}, 200 or 503; {@code reasons} says why not ready. */
public record Readiness(
        @JsonProperty(value = "status", required = true) ReadinessStatus status,
        @JsonProperty(value = "checks", required = true) ObjectNode checks,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty(value = "reasons")
        List<String> reasons) {}
