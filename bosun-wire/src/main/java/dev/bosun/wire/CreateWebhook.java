package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of {@code POST /v1/webhooks}; without a secret the server generates one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateWebhook(
        @JsonProperty(value = "url", required = true) String url,
        @JsonProperty(value = "events", required = true) List<CheckpointEventType> events,
        @JsonProperty(value = "secret") String secret) {}
