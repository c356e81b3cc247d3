package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST /v1/sessions/{id}/terminate} and {@code DELETE /v1/sessions/{id}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Terminate(
        @Nullable @JsonProperty(value = "reason") String reason) {}
