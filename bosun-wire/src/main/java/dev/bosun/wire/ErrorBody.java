package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The inside of the error envelope: the stable code, a message for a person, facts for programs. */
public record ErrorBody(
        @JsonProperty(value = "code", required = true) ErrorCode code,
        @JsonProperty(value = "message", required = true) String message,
        @JsonProperty(value = "details", required = true) ObjectNode details) {}
