package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/** What the last comparison of the remote router's registry with Bosun's found. */
public record RouterSync(
        @Nullable @JsonProperty(value = "checked_at", required = true)
        Instant checkedAt,

        @JsonProperty(value = "reachable", required = true) boolean reachable,
        @JsonProperty(value = "in_step", required = true) boolean inStep,
        @JsonProperty(value = "drift", required = true) int drift,
        @JsonProperty(value = "missing", required = true) List<String> missing,
        @JsonProperty(value = "mismatched", required = true) List<String> mismatched,

        @JsonProperty(value = "router_only", required = true)
        List<String> routerOnly,

        @JsonProperty(value = "resynced", required = true) int resynced,

        @Nullable @JsonProperty(value = "error", required = true)
        String error) {}
