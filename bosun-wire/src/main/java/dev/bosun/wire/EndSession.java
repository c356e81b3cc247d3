package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code POST /v1/sessions/{id}/end}: the agent ends its own session. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndSession(
        @JsonProperty(value = "outcome", required = true) SessionOutcome outcome,
        @Nullable @JsonProperty(value = "error") String error) {

    /** Only the required fields; the rest left to the server. */
    public static EndSession of(SessionOutcome outcome) {
        return new EndSession(outcome, null);
    }
}
