package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** How a delivery target fares as this node's relay sees it. */
public record TargetHealth(
        @JsonProperty(value = "status", required = true) TargetStatus status,

        @Nullable @JsonProperty(value = "cause", required = true)
        TargetCause cause,

        @Nullable @JsonProperty(value = "detail", required = true)
        String detail,

        @Nullable @JsonProperty(value = "since", required = true)
        Instant since,

        @JsonProperty(value = "consecutive_failures", required = true)
        int consecutiveFailures,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty(value = "resumed")
        Boolean resumed) {}
