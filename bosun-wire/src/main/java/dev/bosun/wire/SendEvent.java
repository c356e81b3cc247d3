package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /v1/sessions/{id}/events} and {@code .../emit}; the payload is any JSON value, {@code null} included. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SendEvent(
        @JsonProperty(value = "event_type", required = true) String eventType,
        @JsonProperty(value = "payload", required = true) JsonNode payload) {}
