package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of the fleet-h1-router's {@code POST /route}: required capabilities may be left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouteRequestCompat(
        @JsonProperty(value = "task_id", required = true) String taskId,
        @JsonProperty(value = "required_capabilities") List<String> requiredCapabilities,
        @Nullable @JsonProperty(value = "prefer_agents") List<String> preferAgents,
        @Nullable @JsonProperty(value = "fallback") RouteFallback fallback) {}
