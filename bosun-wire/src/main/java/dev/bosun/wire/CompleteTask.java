package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /v1/sessions/{id}/tasks/{task_id}/complete}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompleteTask(
        @JsonProperty(value = "outcome", required = true) TaskOutcome outcome,
        @Nullable @JsonProperty(value = "duration_ms") Long durationMs,
        @JsonProperty(value = "result") JsonNode result,
        @Nullable @JsonProperty(value = "error") String error) {

    /** Only the required fields; the rest left to the server. */
    public static CompleteTask of(TaskOutcome outcome) {
        return new CompleteTask(outcome, null, null, null);
    }
}
