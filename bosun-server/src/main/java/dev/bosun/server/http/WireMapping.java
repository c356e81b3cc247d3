package dev.bosun.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.TargetBacklog;
import dev.bosun.delivery.Webhooks;
import dev.bosun.fleet.FleetEdge;
import dev.bosun.util.Page;
import dev.bosun.wire.Agent;
import dev.bosun.wire.CheckpointEventType;
import dev.bosun.wire.DeliveryState;
import dev.bosun.wire.Direction;
import dev.bosun.wire.EndReason;
import dev.bosun.wire.ErrorBody;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.ErrorEnvelope;
import dev.bosun.wire.Event;
import dev.bosun.wire.FleetSnapshot;
import dev.bosun.wire.FleetStatus;
import dev.bosun.wire.FleetStatusCompat;
import dev.bosun.wire.Items;
import dev.bosun.wire.PlatoTile;
import dev.bosun.wire.PollResult;
import dev.bosun.wire.RouterSync;
import dev.bosun.wire.SeqResponse;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStats;
import dev.bosun.wire.SessionStatus;
import dev.bosun.wire.SnapshotAgent;
import dev.bosun.wire.TargetCause;
import dev.bosun.wire.TargetHealth;
import dev.bosun.wire.TargetStatus;
import dev.bosun.wire.Task;
import dev.bosun.wire.TaskPriority;
import dev.bosun.wire.TaskStatus;
import dev.bosun.wire.Tile;
import dev.bosun.wire.TileKind;
import dev.bosun.wire.TilePage;
import dev.bosun.wire.Webhook;
import dev.bosun.wire.WebhookBody;
import dev.bosun.wire.WebhookCreated;
import dev.bosun.wire.WebhookDelivery;
import dev.bosun.wire.WireJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place where the server's domain values become the API's answers: each method returns the
 * {@code bosun-wire} record of one response schema, the same record the SDKs read, written with
 * {@link WireJson#MAPPER} (D110). A shape that an event payload carries too (task counts, a routing
 * decision) is mapped by its core type's {@code toWire()}, which this class calls.
 *
 * <p>Core enums become wire enums by constant name ({@link #same}); {@code WireMappingTest} holds every
 * core constant to a wire one, so a new core value cannot reach an answer unmapped.
 */
public final class WireMapping {
    private WireMapping() {}

    /** A session as of {@code now} ({@code duration_seconds} of a live session grows with it). */
    public static Session session(dev.bosun.session.Session s, Instant now) {
        return new Session(
                s.id(),
                s.name(),
                s.agentId(),
                s.tags(),
                s.metadata(),
                s.profile().orElse(null),
                same(SessionStatus.class, s.status()),
                s.outcome().map(o -> same(SessionOutcome.class, o)).orElse(null),
                s.reason().map(r -> same(EndReason.class, r)).orElse(null),
                s.error().orElse(null),
                s.exitCode().orElse(null),
                s.createdAt(),
                s.startedAt().orElse(null),
                s.endedAt().orElse(null),
                s.lastActivityAt(),
                s.expiresAt(),
                s.idleTimeout().toSeconds(),
                s.ttl().toSeconds(),
                s.maxTasks(),
                s.taskTimeout().toSeconds(),
                s.workspace().orElse(null),
                seconds(s.durationAt(now)),
                s.lastSeq(),
                s.taskCounts().toWire(),
                s.scoutRoom().orElse(null),
                s.emitTiles().orElse(null),
                s.patterns());
    }

    /** A duration in seconds with millisecond precision, as {@code duration_seconds} has always been sent. */
    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** A page of {@code GET /v1/sessions}. */
    public static dev.bosun.wire.Page<Session> sessionPage(Page<dev.bosun.session.Session> page, Instant now) {
        return page(page, s -> session(s, now));
    }

    public static Task task(dev.bosun.task.Task t) {
        return new Task(
                t.id(),
                t.sessionId(),
                t.name(),
                t.data(),
                same(TaskPriority.class, t.priority()),
                t.requiredCapabilities(),
                t.assignedAgent().orElse(null),
                same(TaskStatus.class, t.status()),
                t.createdAt(),
                t.startedAt(),
                t.endedAt().orElse(null),
                t.deadlineAt(),
                t.durationMs().orElse(null),
                t.result().orElse(null),
                t.error().orElse(null));
    }

    /** A registered agent; {@code load} is its running session tasks. */
    public static Agent agent(dev.bosun.fleet.Agent a) {
        return new Agent(a.id(), a.capabilities(), a.load(), a.registeredAt(), a.updatedAt(), a.lastSeenAt());
    }

    /** What the last comparison of the remote router's registry with Bosun's found. */
    public static RouterSync routerSync(dev.bosun.fleet.RouterSync.Status s) {
        return new RouterSync(
                s.checkedAt().orElse(null),
                s.reachable(),
                s.reachable() && s.drift() == 0 && s.error().isEmpty(),
                s.drift(),
                s.missing(),
                s.mismatched(),
                s.routerOnly(),
                Math.toIntExact(s.resynced()),
                s.error().orElse(null));
    }

    /** Bosun's figures of a tenant's graph ({@code GET /v1/fleet/status}), with the router check when one is configured. */
    public static FleetStatus fleetStatus(dev.bosun.fleet.FleetStatus s, Optional<RouterSync> remote) {
        return new FleetStatus(
                s.agents(),
                s.tasks(),
                s.edges(),
                s.vertices(),
                s.h1(),
                s.components(),
                s.threshold(),
                s.margin(),
                s.emergence(),
                s.lamanMargin(),
                s.lamanMargin() >= 0,
                s.description(),
                remote.orElse(null));
    }

    /**
     * The fleet-h1-router contract's status figures with its {@code description}, {@code emergence_detected}
     * and {@code margin} as given: Bosun's own in the snapshot, the reference's words and zeros at the bare
     * {@code /status} (CompatRoutes).
     */
    public static FleetStatusCompat fleetStatusCompat(
            dev.bosun.fleet.FleetStatus s, String description, boolean emergenceDetected, long margin) {
        return new FleetStatusCompat(
                s.agents(),
                s.tasks(),
                s.edges(),
                s.vertices(),
                s.h1(),
                s.components(),
                description,
                emergenceDetected,
                margin);
    }

    /**
     * {@code GET /v1/fleet/h1-snapshot}: the contract's status, the agents with what they can do and
     * their load, and the edges in the window as {@code [agent_id, task_id]} pairs, oldest first.
     */
    public static FleetSnapshot snapshot(
            dev.bosun.fleet.FleetStatus status,
            List<dev.bosun.fleet.Agent> agents,
            List<FleetEdge> edges,
            Duration window,
            Instant takenAt) {
        return new FleetSnapshot(
                fleetStatusCompat(status, status.description(), status.emergence(), status.margin()),
                agents.stream()
                        .map(a -> new SnapshotAgent(a.id(), a.capabilities(), a.load()))
                        .toList(),
                // Oldest first whatever order the store reads them in; the sort is stable for edges of one instant.
                edges.stream()
                        .sorted(Comparator.comparing(FleetEdge::createdAt))
                        .map(e -> List.of(e.agentId(), e.taskKey()))
                        .toList(),
                window.toSeconds(),
                takenAt);
    }

    public static Event event(dev.bosun.event.Event e) {
        return new Event(e.seq(), same(Direction.class, e.direction()), e.type(), e.payload(), e.createdAt());
    }

    /** The answer to send and emit. */
    public static SeqResponse seq(dev.bosun.event.Event e) {
        return new SeqResponse(e.seq());
    }

    public static PollResult poll(dev.bosun.event.PollResult r) {
        return new PollResult(
                r.events().stream().map(WireMapping::event).toList(),
                r.nextCursor(),
                r.hasMore(),
                same(SessionStatus.class, r.status()));
    }

    /** A tenant's session counts and delivery backlogs ({@code GET /v1/stats}). */
    public static SessionStats stats(
            dev.bosun.session.SessionStats st, TargetBacklog tiles, Webhooks.Backlogs webhooks, Instant now) {
        TargetBacklog total = webhooks.total();
        return new SessionStats(
                new SessionStats.ByStatus(st.creating(), st.running(), st.ended()),
                st.events(),
                new SessionStats.Today(
                        st.since(),
                        st.startedSince(),
                        st.endedSince().stream()
                                .map(e -> new SessionStats.Ended(
                                        same(SessionOutcome.class, e.outcome()),
                                        e.reason().code(),
                                        e.count()))
                                .toList()),
                new SessionStats.Backlog(tiles.pending(), tiles.rejected(), tiles.dead()),
                new SessionStats.WebhookBacklog(
                        total.pending(),
                        total.rejected(),
                        total.dead(),
                        webhooks.targets().stream()
                                .map(t -> new SessionStats.WebhookTarget(
                                        t.webhook().id(),
                                        t.webhook().url().toString(),
                                        t.backlog().pending(),
                                        t.backlog().rejected(),
                                        t.backlog().dead(),
                                        targetHealth(t.health(), null)))
                                .toList()),
                now);
    }

    /**
     * How a delivery target fares as this node's relay sees it: {@code status} {@code up}, {@code down}
     * (failing; probed) or {@code paused} (failing in a way retrying cannot fix; {@code cause} {@code auth}
     * or {@code crash}), with what was seen and since when; {@code resumed} only in the answer to a resume.
     */
    public static TargetHealth targetHealth(dev.bosun.delivery.TargetHealth h, Boolean resumed) {
        return new TargetHealth(
                same(TargetStatus.class, h.status()),
                h.cause().map(TargetCause::fromWire).orElse(null),
                h.detail().orElse(null),
                h.since().orElse(null),
                h.failures(),
                resumed);
    }

    /**
     * A tile with where its delivery to PLATO stands. {@code tile} is the tile as made, its answer an
     * object whatever {@code answer_format} sends; {@code plato_id} is PLATO's {@code tile_id} or
     * {@code tile_hash} once delivered.
     */
    public static Tile tile(Delivery d) {
        // A delivered tile's stored last_error is its note (why it counts as delivered without a 2xx).
        boolean note = d.state() == dev.bosun.delivery.DeliveryState.DELIVERED
                && d.lastError().isPresent();
        return new Tile(
                d.id(),
                d.sessionId(),
                d.eventSeq(),
                tileKind(d.eventType()),
                same(DeliveryState.class, d.state()),
                d.attempts(),
                d.lastStatus().orElse(null),
                note ? null : d.lastError().orElse(null),
                note ? d.lastError().get() : null,
                d.remoteId().orElse(null),
                d.nextAttemptAt().orElse(null),
                d.eventAt(),
                d.updatedAt(),
                d.deliveredAt().orElse(null),
                WireJson.read(d.body(), PlatoTile.class));
    }

    /** A page of tiles, with the PLATO target's health ({@code GET /v1/tiles}) or without (a session's). */
    public static TilePage tilePage(Page<Delivery> page, TargetHealth plato) {
        return new TilePage(
                plato,
                page.items().stream().map(WireMapping::tile).toList(),
                page.nextCursor().orElse(null),
                page.hasMore());
    }

    /** The wire tile kind made from {@code eventType}: {@code session_start}, … */
    public static TileKind tileKind(String eventType) {
        return dev.bosun.tile.TileKind.ofEvent(eventType)
                .map(k -> same(TileKind.class, k))
                .orElseThrow(() -> new IllegalStateException("a tile of a non-checkpoint event " + eventType));
    }

    /** One delivery of a webhook subscription; {@code body} is exactly what the receiver is sent. */
    public static WebhookDelivery webhookDelivery(Delivery d) {
        return new WebhookDelivery(
                d.id(),
                d.target(),
                d.sessionId(),
                d.eventSeq(),
                d.eventType(),
                same(DeliveryState.class, d.state()),
                d.attempts(),
                d.lastStatus().orElse(null),
                d.lastError().orElse(null),
                d.nextAttemptAt().orElse(null),
                d.eventAt(),
                d.updatedAt(),
                d.deliveredAt().orElse(null),
                WireJson.read(d.body(), WebhookBody.class));
    }

    /** A webhook subscription as read back: its secret signs its deliveries and is never shown again. */
    public static Webhook webhook(dev.bosun.delivery.Webhook w) {
        return new Webhook(w.id(), w.url().toString(), eventTypes(w.events()), w.createdAt());
    }

    /** The answer to a subscription's creation, the one answer that shows its secret. */
    public static WebhookCreated webhookCreated(dev.bosun.delivery.Webhook w) {
        return new WebhookCreated(w.id(), w.url().toString(), eventTypes(w.events()), w.createdAt(), w.secret());
    }

    private static List<CheckpointEventType> eventTypes(List<String> events) {
        return events.stream().map(CheckpointEventType::fromWire).toList();
    }

    /** A page of any listing: {@code items}, {@code next_cursor} (null on the last page), {@code has_more}. */
    public static <T, W> dev.bosun.wire.Page<W> page(Page<T> page, Function<T, W> item) {
        return new dev.bosun.wire.Page<>(
                page.items().stream().map(item).toList(), page.nextCursor().orElse(null), page.hasMore());
    }

    /** A listing that is never paged. */
    public static <T, W> Items<W> items(List<T> items, Function<T, W> item) {
        return new Items<>(items.stream().map(item).toList());
    }

    /** The error envelope: {@code {"error": {"code", "message", "details"}}}. */
    public static ErrorEnvelope error(dev.bosun.error.ErrorCode code, String message, Map<String, ?> details) {
        ObjectNode facts = WireJson.MAPPER.valueToTree(details);
        return new ErrorEnvelope(new ErrorBody(same(ErrorCode.class, code), message, facts));
    }

    /** The wire constant named as {@code core}'s: the core and wire enums share their constants' names. */
    static <W extends Enum<W>> W same(Class<W> wire, Enum<?> core) {
        return Enum.valueOf(wire, core.name());
    }
}
