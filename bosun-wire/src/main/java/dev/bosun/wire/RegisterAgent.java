package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of {@code POST /v1/agents} and {@code POST /v1/fleet/register/agent}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterAgent(
        @JsonProperty(value = "agent_id", required = true) String agentId,

        @JsonProperty(value = "capabilities", required = true)
        List<String> capabilities) {}
