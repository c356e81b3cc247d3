package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of the fleet-h1-router's {@code POST /register/agent}: capabilities may be left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterAgentCompat(
        @JsonProperty(value = "agent_id", required = true) String agentId,
        @JsonProperty(value = "capabilities") List<String> capabilities) {}
