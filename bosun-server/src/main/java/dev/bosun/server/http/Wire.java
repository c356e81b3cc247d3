package dev.bosun.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.event.SystemPayloads;
import dev.bosun.fleet.Agent;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.task.Task;
import dev.bosun.tile.TileKind;
import dev.bosun.util.Page;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The JSON shapes of docs/API.md: snake_case, ISO-8601 times, durations in whole seconds. Public so
 * that the CLI's {@code --json} prints exactly what the server sends, from the SDK's records.
 */
public final class Wire {
    private Wire() {}

    public static ObjectNode session(Session s, Instant now) {
        ObjectNode o = Json.object();
        o.put("session_id", s.id());
        o.put("name", s.name());
        o.put("agent_id", s.agentId());
        o.set("tags", Json.MAPPER.valueToTree(s.tags()));
        o.set("metadata", s.metadata());
        opt(o, "profile", s.profile());
        o.put("status", s.status().wire());
        opt(o, "outcome", s.outcome().map(x -> x.value()));
        opt(o, "reason", s.reason().map(x -> x.code()));
        opt(o, "error", s.error());
        if (s.exitCode().isPresent()) o.put("exit_code", s.exitCode().get());
        else o.putNull("exit_code");
        o.put("created_at", s.createdAt().toString());
        opt(o, "started_at", s.startedAt().map(Instant::toString));
        opt(o, "ended_at", s.endedAt().map(Instant::toString));
        o.put("last_activity_at", s.lastActivityAt().toString());
        o.put("expires_at", s.expiresAt().toString());
        o.put("idle_timeout_seconds", s.idleTimeout().toSeconds());
        o.put("ttl_seconds", s.ttl().toSeconds());
        o.put("max_tasks", s.maxTasks());
        o.put("task_timeout_seconds", s.taskTimeout().toSeconds());
        opt(o, "workspace", s.workspace());
        o.put("duration_seconds", s.durationAt(now).toMillis() / 1000.0);
        o.put("last_seq", s.lastSeq());
        ObjectNode counts = SystemPayloads.counts(s.taskCounts());
        o.set("tasks", counts);
        opt(o, "scout_room", s.scoutRoom());
        if (s.emitTiles().isPresent()) o.put("emit_tiles", s.emitTiles().get());
        else o.putNull("emit_tiles");
        o.set("patterns", Json.MAPPER.valueToTree(s.patterns()));
        return o;
    }

    public static ObjectNode task(Task t) {
        ObjectNode o = Json.object();
        o.put("task_id", t.id());
        o.put("session_id", t.sessionId());
        o.put("name", t.name());
        o.set("data", t.data());
        o.put("priority", t.priority().value());
        o.set("required_capabilities", Json.MAPPER.valueToTree(t.requiredCapabilities()));
        opt(o, "assigned_agent", t.assignedAgent());
        o.put("status", t.status().value());
        o.put("created_at", t.createdAt().toString());
        o.put("started_at", t.startedAt().toString());
        opt(o, "ended_at", t.endedAt().map(Instant::toString));
        o.put("deadline_at", t.deadlineAt().toString());
        if (t.durationMs().isPresent()) o.put("duration_ms", t.durationMs().get());
        else o.putNull("duration_ms");
        o.set("result", t.result().orElse(null));
        opt(o, "error", t.error());
        return o;
    }

    /** A registered agent; {@code load} is its running session tasks. */
    public static ObjectNode agent(Agent a) {
        ObjectNode o = Json.object();
        o.put("agent_id", a.id());
        o.set("capabilities", Json.MAPPER.valueToTree(a.capabilities()));
        o.put("load", a.load());
        o.put("registered_at", a.registeredAt().toString());
        o.put("updated_at", a.updatedAt().toString());
        o.put("last_seen_at", a.lastSeenAt().toString());
        return o;
    }

    /** What the last comparison of the remote router's registry with Bosun's found. */
    public static ObjectNode routerSync(dev.bosun.fleet.RouterSync.Status s) {
        ObjectNode o = Json.object();
        opt(o, "checked_at", s.checkedAt().map(Object::toString));
        o.put("reachable", s.reachable());
        o.put("in_step", s.reachable() && s.drift() == 0 && s.error().isEmpty());
        o.put("drift", s.drift());
        o.set("missing", Json.MAPPER.valueToTree(s.missing()));
        o.set("mismatched", Json.MAPPER.valueToTree(s.mismatched()));
        o.set("router_only", Json.MAPPER.valueToTree(s.routerOnly()));
        o.put("resynced", s.resynced());
        opt(o, "error", s.error());
        return o;
    }

    public static ObjectNode event(Event e) {
        ObjectNode o = Json.object();
        o.put("seq", e.seq());
        o.put("direction", e.direction().value());
        o.put("event_type", e.type());
        o.set("payload", e.payload());
        o.put("created_at", e.createdAt().toString());
        return o;
    }

    public static ObjectNode poll(PollResult r) {
        ObjectNode o = Json.object();
        o.set("events", Json.array(r.events().stream().map(Wire::event).toList()));
        o.put("next_cursor", r.nextCursor());
        o.put("has_more", r.hasMore());
        o.put("status", r.status().wire());
        return o;
    }

    /** A page of {@code GET /v1/sessions}. */
    public static ObjectNode sessionPage(Page<Session> page, Instant now) {
        return page(page, s -> session(s, now));
    }

    /** A tenant's session counts and delivery backlogs ({@code GET /v1/stats}). */
    public static ObjectNode stats(
            dev.bosun.session.SessionStats st,
            dev.bosun.delivery.TargetBacklog tiles,
            dev.bosun.delivery.Webhooks.Backlogs webhooks,
            Instant now) {
        ObjectNode o = Json.object();
        ObjectNode sessions = o.putObject("sessions");
        sessions.put("creating", st.creating());
        sessions.put("running", st.running());
        sessions.put("ended", st.ended());
        o.put("events", st.events());
        ObjectNode today = o.putObject("today");
        today.put("since", st.since().toString());
        today.put("started", st.startedSince());
        var ended = today.putArray("ended");
        for (var e : st.endedSince()) {
            ended.addObject()
                    .put("outcome", e.outcome().value())
                    .put("reason", e.reason().code())
                    .put("count", e.count());
        }
        backlog(o.putObject("tiles"), tiles);
        ObjectNode hooks = backlog(o.putObject("webhooks"), webhooks.total());
        var targets = hooks.putArray("targets");
        for (var t : webhooks.targets()) {
            ObjectNode one = targets.addObject()
                    .put("webhook_id", t.webhook().id())
                    .put("url", t.webhook().url().toString());
            backlog(one, t.backlog()).set("health", targetHealth(t.health()));
        }
        o.put("at", now.toString());
        return o;
    }

    private static ObjectNode backlog(ObjectNode o, dev.bosun.delivery.TargetBacklog b) {
        return o.put("pending", b.pending()).put("rejected", b.rejected()).put("dead", b.dead());
    }

    /**
     * A tile with where its delivery to PLATO stands. {@code tile} is the tile as made, its answer an
     * object whatever {@code answer_format} sends; {@code plato_id} is PLATO's {@code tile_id} or
     * {@code tile_hash} once delivered.
     */
    public static ObjectNode tile(Delivery d) {
        ObjectNode o = Json.object();
        o.put("tile_id", d.id());
        o.put("session_id", d.sessionId());
        o.put("seq", d.eventSeq());
        o.put("kind", tileKind(d.eventType()));
        deliveryState(o, d);
        // A delivered tile's stored last_error is its note (why it counts as delivered without a 2xx).
        boolean note = d.state() == DeliveryState.DELIVERED && d.lastError().isPresent();
        if (note) o.putNull("last_error");
        opt(o, "note", note ? d.lastError() : java.util.Optional.empty());
        opt(o, "plato_id", d.remoteId());
        deliveryTimes(o, d);
        o.set("tile", d.body());
        return o;
    }

    /**
     * How a delivery target fares as this node's relay sees it: {@code status} {@code up}, {@code down}
     * (failing; probed) or {@code paused} (failing in a way retrying cannot fix; {@code cause} {@code auth}
     * or {@code crash}), with what was seen and since when.
     */
    public static ObjectNode targetHealth(dev.bosun.delivery.TargetHealth h) {
        ObjectNode o = Json.object();
        o.put("status", h.status().wire());
        opt(o, "cause", h.cause());
        opt(o, "detail", h.detail());
        opt(o, "since", h.since().map(Instant::toString));
        o.put("consecutive_failures", h.failures());
        return o;
    }

    /** The wire name of the tile kind made from {@code eventType}: {@code session_start}, … */
    public static String tileKind(String eventType) {
        return TileKind.ofEvent(eventType)
                .map(k -> k.name().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new IllegalStateException("a tile of a non-checkpoint event " + eventType));
    }

    /** One delivery of a webhook subscription; {@code body} is exactly what the receiver is sent. */
    public static ObjectNode webhookDelivery(Delivery d) {
        ObjectNode o = Json.object();
        o.put("delivery_id", d.id());
        o.put("webhook_id", d.target());
        o.put("session_id", d.sessionId());
        o.put("seq", d.eventSeq());
        o.put("event_type", d.eventType());
        deliveryState(o, d);
        deliveryTimes(o, d);
        o.set("body", d.body());
        return o;
    }

    /**
     * A webhook subscription. The secret signs its deliveries, so it is shown only in the answer to
     * its creation ({@code withSecret}); every later read leaves it out.
     */
    public static ObjectNode webhook(Webhook w, boolean withSecret) {
        ObjectNode o = Json.object();
        o.put("webhook_id", w.id());
        o.put("url", w.url().toString());
        o.set("events", Json.MAPPER.valueToTree(w.events()));
        o.put("created_at", w.createdAt().toString());
        if (withSecret) o.put("secret", w.secret());
        return o;
    }

    /** A page of any listing: {@code items}, {@code next_cursor} (null on the last page), {@code has_more}. */
    public static <T> ObjectNode page(Page<T> page, Function<T, ObjectNode> item) {
        ObjectNode o = Json.object();
        o.set("items", Json.array(page.items().stream().map(item).toList()));
        opt(o, "next_cursor", page.nextCursor());
        o.put("has_more", page.hasMore());
        return o;
    }

    private static void deliveryState(ObjectNode o, Delivery d) {
        o.put("state", d.state().wire());
        o.put("attempts", d.attempts());
        if (d.lastStatus().isPresent()) o.put("last_status", d.lastStatus().get());
        else o.putNull("last_status");
        opt(o, "last_error", d.lastError());
    }

    private static void deliveryTimes(ObjectNode o, Delivery d) {
        opt(o, "next_attempt_at", d.nextAttemptAt().map(Instant::toString));
        o.put("created_at", d.eventAt().toString());
        o.put("updated_at", d.updatedAt().toString());
        opt(o, "delivered_at", d.deliveredAt().map(Instant::toString));
    }

    public static ObjectNode items(List<? extends JsonNode> items) {
        ObjectNode o = Json.object();
        o.set("items", Json.array(items));
        return o;
    }

    private static void opt(ObjectNode o, String field, Optional<String> v) {
        if (v.isPresent()) o.put(field, v.get());
        else o.putNull(field);
    }
}
