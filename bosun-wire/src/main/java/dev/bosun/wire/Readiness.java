package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The answer to {@code GET /readyz}, 200 or 503; {@code reasons} says why not ready, and is sent only
 * then. A reader takes a missing list as empty, so an empty one is left out too: it reads back as sent.
 */
public record Readiness(
        @JsonProperty(value = "status", required = true) ReadinessStatus status,
        @JsonProperty(value = "checks", required = true) ObjectNode checks,

        @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty(value = "reasons")
        List<String> reasons) {}
