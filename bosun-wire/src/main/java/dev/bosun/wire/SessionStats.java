package dev.bosun.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * Exact counts of one tenant's sessions ({@code GET /v1/stats}): by status, the events their logs
 * hold, and today's (UTC) starts and ends by outcome and reason; and of its unfinished tile and
 * webhook deliveries, with each webhook receiver's health.
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
        @JsonProperty(value = "tiles", required = true) Backlog tiles,
        @JsonProperty(value = "webhooks", required = true) WebhookBacklog webhooks,
        @JsonProperty(value = "at", required = true) Instant at) {

    /** Unfinished deliveries, counted exactly: waiting or in flight, refused for good, given up. */
    public record Backlog(
            @JsonProperty(value = "pending", required = true)
            long pending,

            @JsonProperty(value = "rejected", required = true)
            long rejected,

            @JsonProperty(value = "dead", required = true) long dead) {}

    /** The webhooks' unfinished deliveries in all, and per subscription with its receiver's health. */
    public record WebhookBacklog(
            @JsonProperty(value = "pending", required = true)
            long pending,

            @JsonProperty(value = "rejected", required = true)
            long rejected,

            @JsonProperty(value = "dead", required = true) long dead,

            @JsonProperty(value = "targets", required = true)
            List<WebhookTarget> targets) {}

    /** One subscription's unfinished deliveries and how its receiver fares. */
    public record WebhookTarget(
            @JsonProperty(value = "webhook_id", required = true)
            String webhookId,

            @JsonProperty(value = "url", required = true) String url,

            @JsonProperty(value = "pending", required = true)
            long pending,

            @JsonProperty(value = "rejected", required = true)
            long rejected,

            @JsonProperty(value = "dead", required = true) long dead,
            @JsonProperty(value = "health", required = true) TargetHealth health) {}

    /** Sessions by status. */
    public record ByStatus(
            @JsonProperty(value = "creating", required = true)
            long creating,

            @JsonProperty(value = "running", required = true)
            long running,

            @JsonProperty(value = "ended", required = true) long ended) {}

    /** Since midnight UTC of the server's clock. */
    public record Today(
            @JsonProperty(value = "since", required = true) Instant since,

            @JsonProperty(value = "started", required = true)
            long started,

            @JsonProperty(value = "ended", required = true) List<Ended> ended) {}

    /** Sessions that ended today with one outcome and reason. */
    public record Ended(
            @JsonProperty(value = "outcome", required = true)
            SessionOutcome outcome,

            @JsonProperty(value = "reason", required = true) String reason,
            @JsonProperty(value = "count", required = true) long count) {}
}
