package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of {@code POST /v1/route} and {@code POST /v1/fleet/route}; a null fallback leaves it to the server's {@code route_fallback}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouteRequest(
        @JsonProperty(value = "task_id", required = true) String taskId,

        @JsonProperty(value = "required_capabilities", required = true)
        List<String> requiredCapabilities,

        @Nullable @JsonProperty(value = "prefer_agents") List<String> preferAgents,
        @Nullable @JsonProperty(value = "fallback") RouteFallback fallback) {}
