package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Exact counts of one tenant's sessions ({@code GET /v1/stats}): by status, the events their logs
 * hold, and today's (UTC) starts and ends by outcome and reason.
 *
 * <pre>{@code
 * SessionStats s = client.stats();
 * System.out.println(s.sessions().running() + " running, " + s.today().started() + " started today");
 * }</pre>
 */
public record SessionStats(
        @JsonProperty(value = "sessions", required = true) ByStatus sessions,
        @JsonProperty(value = "events", required = true) long events,
        @JsonProperty(value = "today", required = true) Today today,
        @JsonProperty(value = "at", required = true) Instant at) {

    /** Sessions by status. */
    public record ByStatus(
            @JsonProperty(value = "creating", required = true) long creating,
            @JsonProperty(value = "running", required = true) long running,
            @JsonProperty(value = "ended", required = true) long ended) {
    }

    /** Since midnight UTC of the server's clock. */
    public record Today(
            @JsonProperty(value = "since", required = true) Instant since,
            @JsonProperty(value = "started", required = true) long started,
            @JsonProperty(value = "ended", required = true) List<Ended> ended) {
    }

    /** Sessions that ended today with one outcome and reason. */
    public record Ended(
            @JsonProperty(value = "outcome", required = true) SessionOutcome outcome,
            @JsonProperty(value = "reason", required = true) String reason,
            @JsonProperty(value = "count", required = true) long count) {
    }
}
