package dev.bosun.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.fleet.RoutingDecision;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.util.Page;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskCounts;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import dev.bosun.task.TaskStatus;
import dev.bosun.tile.TileKind;
import dev.bosun.tile.TileMaker;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps the JSON of docs/API.md onto Bosun's core records and back. Decoding is lenient about
 * fields it does not know (a newer server may add some) and strict about the ones the records
 * need: a missing or mistyped one is an {@link ErrorCode#INTERNAL} error naming the field, since
 * the server broke the contract, not the caller.
 *
 * <p>Two things are not on the wire and are filled in by the client:
 * <ul>
 *   <li>{@link Session#tenant()} is {@link #TENANT_NOT_ON_WIRE} (the empty string): the server decides
 *       the tenant from the API key and does not echo it.</li>
 *   <li>{@link Event#sessionId()} is the id of the session the events were read from.</li>
 *   <li>{@link Agent#tenant()} is {@link #TENANT_NOT_ON_WIRE} too, and {@link Agent#registrationOrder()}
 *       is {@link #ORDER_NOT_ON_WIRE}: the server lists agents in registration order instead.</li>
 *   <li>{@link Delivery#tenant()} and {@link Webhook#tenant()} are {@link #TENANT_NOT_ON_WIRE}; a tile's
 *       {@link Delivery#target()} is {@link TileMaker#TARGET} and its {@link Delivery#eventType()} is
 *       the event type of its {@code kind}; {@link Webhook#secret()} is {@link #SECRET_NOT_ON_WIRE}
 *       except in the answer to {@code POST /v1/webhooks}, the only one that carries it.</li>
 * </ul>
 * {@code duration_seconds} on a session is not kept: {@link Session#durationAt(Instant)} derives it.
 */
public final class WireCodec {
    /** The {@link Session#tenant()} of sessions read over HTTP, where the tenant is not sent. */
    public static final String TENANT_NOT_ON_WIRE = "";
    /** The {@link Agent#registrationOrder()} of agents read over HTTP, where it is not sent. */
    public static final long ORDER_NOT_ON_WIRE = 0;
    /** The {@link Webhook#secret()} of subscriptions read back: the server shows a secret only once, at creation. */
    public static final String SECRET_NOT_ON_WIRE = "";

    private WireCodec() {}

    // ---------------------------------------------------------------- responses -> records

    public static Session session(JsonNode n) {
        String what = "session";
        return new Session(
                text(n, "session_id", what),
                TENANT_NOT_ON_WIRE,
                text(n, "name", what),
                text(n, "agent_id", what),
                strings(n, "tags", what),
                object(n, "metadata", what),
                optText(n, "profile", what),
                wireEnum(n, "status", what, SessionStatus.class),
                optional(n, "outcome", what, v -> wireEnumValue(v, "outcome", what, SessionOutcome.class)),
                optional(n, "reason", what, v -> wireEnumValue(v, "reason", what, EndReason.class)),
                optText(n, "error", what),
                optional(n, "exit_code", what, v -> {
                    if (!v.canConvertToInt() || !v.isIntegralNumber()) throw broken(what, "exit_code", "an integer");
                    return v.intValue();
                }),
                instant(n, "created_at", what),
                optional(n, "started_at", what, v -> instantValue(v, "started_at", what)),
                optional(n, "ended_at", what, v -> instantValue(v, "ended_at", what)),
                instant(n, "last_activity_at", what),
                seconds(n, "idle_timeout_seconds", what),
                seconds(n, "ttl_seconds", what),
                instant(n, "expires_at", what),
                (int) integer(n, "max_tasks", what),
                seconds(n, "task_timeout_seconds", what),
                optText(n, "workspace", what),
                taskCounts(required(n, "tasks", what)),
                integer(n, "last_seq", what),
                optText(n, "scout_room", what),
                optional(n, "emit_tiles", what, v -> {
                    if (!v.isBoolean()) throw broken(what, "emit_tiles", "a boolean");
                    return v.booleanValue();
                }),
                n.has("patterns") ? strings(n, "patterns", what) : java.util.List.of());
    }

    public static Task task(JsonNode n) {
        String what = "task";
        return new Task(
                text(n, "session_id", what),
                text(n, "task_id", what),
                text(n, "name", what),
                n.path("data").isMissingNode() ? NullNode.getInstance() : n.get("data"),
                wireEnum(n, "priority", what, TaskPriority.class),
                strings(n, "required_capabilities", what),
                optText(n, "assigned_agent", what),
                wireEnum(n, "status", what, TaskStatus.class),
                instant(n, "created_at", what),
                instant(n, "started_at", what),
                optional(n, "ended_at", what, v -> instantValue(v, "ended_at", what)),
                instant(n, "deadline_at", what),
                optional(n, "duration_ms", what, v -> {
                    if (!v.isIntegralNumber()) throw broken(what, "duration_ms", "an integer");
                    return v.longValue();
                }),
                optional(n, "result", what, v -> v),
                optText(n, "error", what));
    }

    /** An event as in a poll or an SSE {@code data:} line; those carry no session id, so the caller gives it. */
    public static Event event(String sessionId, JsonNode n) {
        String what = "event";
        return new Event(
                sessionId,
                integer(n, "seq", what),
                wireEnum(n, "direction", what, Direction.class),
                text(n, "event_type", what),
                n.path("payload").isMissingNode() ? NullNode.getInstance() : n.get("payload"),
                instant(n, "created_at", what));
    }

    /** The answer to {@code GET /v1/sessions/{id}/events}. */
    public static PollResult pollResult(String sessionId, JsonNode n) {
        String what = "poll result";
        List<Event> events = new ArrayList<>();
        for (JsonNode e : array(n, "events", what)) events.add(event(sessionId, e));
        return new PollResult(events, integer(n, "next_cursor", what), bool(n, "has_more", what),
                wireEnum(n, "status", what, SessionStatus.class));
    }

    /** The answer to {@code GET /v1/sessions}. */
    public static Page<Session> sessionPage(JsonNode n) {
        return page(n, "page", WireCodec::session);
    }

    /** The answer to {@code GET /v1/sessions/{id}/tasks}: {@code {"items": [Task]}}. */
    public static List<Task> taskList(JsonNode n) {
        List<Task> items = new ArrayList<>();
        for (JsonNode t : array(n, "items", "task list")) items.add(task(t));
        return List.copyOf(items);
    }

    /** The {@code {"seq": N}} answer to send and emit. */
    public static long seq(JsonNode n) {
        return integer(n, "seq", "send result");
    }

    /** An agent of {@code GET /v1/agents/{agent_id}} and the registration routes. */
    public static Agent agent(JsonNode n) {
        String what = "agent";
        return new Agent(TENANT_NOT_ON_WIRE, text(n, "agent_id", what), requiredStrings(n, "capabilities", what),
                ORDER_NOT_ON_WIRE, instant(n, "registered_at", what), instant(n, "updated_at", what),
                instant(n, "last_seen_at", what), (int) integer(n, "load", what));
    }

    /** The answer to {@code GET /v1/agents}: {@code {"items": [Agent]}}, in registration order. */
    public static List<Agent> agentList(JsonNode n) {
        List<Agent> items = new ArrayList<>();
        for (JsonNode a : array(n, "items", "agent list")) items.add(agent(a));
        return List.copyOf(items);
    }

    /** The answer to {@code POST /v1/route} (and the fleet-h1-router's {@code POST /route}). */
    public static RoutingDecision routingDecision(JsonNode n) {
        String what = "routing decision";
        return new RoutingDecision(text(n, "agent_id", what), text(n, "task_id", what), integer(n, "h1_before", what),
                integer(n, "h1_after", what), number(n, "confidence", what), number(n, "emergence_risk", what),
                number(n, "capability_match_score", what), text(n, "reasoning", what),
                n.hasNonNull("router") ? java.util.Optional.of(remoteDecision(n.get("router")))
                        : java.util.Optional.<dev.bosun.fleet.RemoteDecision>empty());
    }

    /** A remote router's own figures, as {@code routing.router} carries them beside Bosun's. */
    private static dev.bosun.fleet.RemoteDecision remoteDecision(JsonNode n) {
        String what = "remote router's decision";
        return new dev.bosun.fleet.RemoteDecision(n.path("agent_id").asText(""), integer(n, "h1_before", what),
                integer(n, "h1_after", what), number(n, "confidence", what), number(n, "emergence_risk", what),
                number(n, "capability_match_score", what), n.path("reasoning").asText(""));
    }

    /** The answer to {@code GET /v1/fleet/status} and {@code POST /v1/fleet/reset}; {@code laman_satisfied} is derived. */
    public static FleetStatus fleetStatus(JsonNode n) {
        String what = "fleet status";
        return new FleetStatus((int) integer(n, "agents", what), (int) integer(n, "tasks", what),
                (int) integer(n, "edges", what), (int) integer(n, "vertices", what), integer(n, "h1", what),
                (int) integer(n, "components", what), integer(n, "threshold", what), integer(n, "margin", what),
                bool(n, "emergence", what), integer(n, "laman_margin", what), text(n, "description", what));
    }

    /** A tile of {@code GET /v1/tiles/{id}} and the tile listings, as a {@link DeliveryKind#TILE} delivery. */
    public static Delivery tile(JsonNode n) {
        String what = "tile";
        String kind = text(n, "kind", what);
        TileKind k;
        try {
            k = TileKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw broken(what, "kind", "a known tile kind (got '" + kind + "')");
        }
        return delivery(n, what, text(n, "tile_id", what), DeliveryKind.TILE, TileMaker.TARGET, k.eventType(),
                objectValue(required(n, "tile", what), "tile", what), optText(n, "plato_id", what));
    }

    /** A page of tiles: {@code GET /v1/sessions/{id}/tiles} and {@code GET /v1/tiles}. */
    public static Page<Delivery> tilePage(JsonNode n) {
        return page(n, "tile page", WireCodec::tile);
    }

    /** One delivery of a webhook subscription, as a {@link DeliveryKind#WEBHOOK} delivery. */
    public static Delivery webhookDelivery(JsonNode n) {
        String what = "webhook delivery";
        return delivery(n, what, text(n, "delivery_id", what), DeliveryKind.WEBHOOK, text(n, "webhook_id", what),
                text(n, "event_type", what), objectValue(required(n, "body", what), "body", what), Optional.empty());
    }

    /** The answer to {@code GET /v1/webhooks/{id}/deliveries}. */
    public static Page<Delivery> webhookDeliveryPage(JsonNode n) {
        return page(n, "delivery page", WireCodec::webhookDelivery);
    }

    /** A webhook subscription; its secret only when the server sent it (the answer to its creation). */
    public static Webhook webhook(JsonNode n) {
        String what = "webhook";
        String url = text(n, "url", what);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw broken(what, "url", "a URL");
        }
        return new Webhook(text(n, "webhook_id", what), TENANT_NOT_ON_WIRE, uri, requiredStrings(n, "events", what),
                optText(n, "secret", what).orElse(SECRET_NOT_ON_WIRE), instant(n, "created_at", what));
    }

    /** The answer to {@code GET /v1/webhooks}: {@code {"items": [Webhook]}}. */
    public static List<Webhook> webhookList(JsonNode n) {
        List<Webhook> items = new ArrayList<>();
        for (JsonNode w : array(n, "items", "webhook list")) items.add(webhook(w));
        return List.copyOf(items);
    }

    private static Delivery delivery(JsonNode n, String what, String id, DeliveryKind kind, String target, String eventType,
                                     ObjectNode body, Optional<String> remoteId) {
        return new Delivery(id, kind, target, TENANT_NOT_ON_WIRE, text(n, "session_id", what), integer(n, "seq", what),
                eventType, body, wireEnum(n, "state", what, DeliveryState.class), (int) integer(n, "attempts", what),
                optional(n, "last_status", what, v -> {
                    if (!v.isIntegralNumber() || !v.canConvertToInt()) throw broken(what, "last_status", "an integer");
                    return v.intValue();
                }),
                // A delivered tile's note (why it counts as delivered) is kept where the store keeps it.
                optText(n, "last_error", what).or(() -> n.has("note") ? optText(n, "note", what) : Optional.empty()), remoteId,
                optional(n, "next_attempt_at", what, v -> instantValue(v, "next_attempt_at", what)),
                instant(n, "created_at", what), instant(n, "updated_at", what),
                optional(n, "delivered_at", what, v -> instantValue(v, "delivered_at", what)), Optional.empty());
    }

    private static <T> Page<T> page(JsonNode n, String what, Function<JsonNode, T> item) {
        List<T> items = new ArrayList<>();
        for (JsonNode i : array(n, "items", what)) items.add(item.apply(i));
        return new Page<>(items, optText(n, "next_cursor", what), bool(n, "has_more", what));
    }

    static TaskCounts taskCounts(JsonNode n) {
        String what = "task counts";
        return new TaskCounts((int) integer(n, "total", what), (int) integer(n, "running", what),
                (int) integer(n, "succeeded", what), (int) integer(n, "failed", what),
                (int) integer(n, "cancelled", what), (int) integer(n, "timeout", what));
    }

    // ---------------------------------------------------------------- requests

    /**
     * The body of {@code POST /v1/sessions}. Unset options are left out so the server's defaults
     * apply. The tenant cannot be chosen over HTTP (the API key decides it), so a config naming one
     * other than {@link SessionConfig#DEFAULT_TENANT} is refused rather than silently ignored; so is a
     * duration that is not whole seconds, which the wire cannot carry.
     */
    public static ObjectNode sessionConfig(SessionConfig c) {
        if (!SessionConfig.DEFAULT_TENANT.equals(c.tenant())) {
            throw BosunException.invalid("tenant", "tenant '" + c.tenant()
                    + "' cannot be chosen over HTTP; the server takes the tenant from the API key");
        }
        ObjectNode b = Json.object();
        b.put("name", c.name());
        b.put("agent_id", c.agentId());
        if (!c.tags().isEmpty()) {
            ArrayNode tags = b.putArray("tags");
            c.tags().forEach(tags::add);
        }
        if (!c.metadata().isEmpty()) b.set("metadata", c.metadata());
        c.profile().ifPresent(p -> b.put("profile", p));
        c.idleTimeout().ifPresent(d -> b.put("idle_timeout_seconds", wholeSeconds("idle_timeout_seconds", d)));
        c.ttl().ifPresent(d -> b.put("ttl_seconds", wholeSeconds("ttl_seconds", d)));
        c.maxTasks().ifPresent(m -> b.put("max_tasks", m));
        c.taskTimeout().ifPresent(d -> b.put("task_timeout_seconds", wholeSeconds("task_timeout_seconds", d)));
        c.scoutRoom().ifPresent(r -> b.put("scout_room", r));
        c.emitTiles().ifPresent(e -> b.put("emit_tiles", e));
        return b;
    }

    /**
     * The body of {@code POST /v1/sessions/{id}/tasks}. The API has no field for assigning an agent
     * directly, so a spec with {@link TaskSpec#assignedAgent()} is refused rather than sent without it.
     */
    public static ObjectNode taskSpec(TaskSpec t) {
        if (t.assignedAgent().isPresent()) {
            throw BosunException.invalid("assigned_agent",
                    "assigned_agent cannot be set over HTTP; the API routes tasks by required_capabilities");
        }
        ObjectNode b = Json.object();
        t.id().ifPresent(id -> b.put("task_id", id));
        b.put("name", t.name());
        if (t.data() != null && !t.data().isNull() && !t.data().isMissingNode()) b.set("data", t.data());
        b.put("priority", t.priority().value());
        if (!t.requiredCapabilities().isEmpty()) {
            ArrayNode caps = b.putArray("required_capabilities");
            t.requiredCapabilities().forEach(caps::add);
        }
        return b;
    }

    /** The body of {@code POST .../tasks/{task_id}/complete}. */
    public static ObjectNode completion(Completion c) {
        ObjectNode b = Json.object();
        b.put("outcome", c.outcome().value());
        c.durationMs().ifPresent(ms -> b.put("duration_ms", ms));
        c.result().ifPresent(r -> b.set("result", r));
        c.error().ifPresent(e -> b.put("error", e));
        return b;
    }

    /** The body of {@code POST .../events} and {@code POST .../emit}. */
    public static ObjectNode eventBody(String type, JsonNode payload) {
        ObjectNode b = Json.object();
        b.put("event_type", type);
        b.set("payload", payload == null ? NullNode.getInstance() : payload);
        return b;
    }

    /** The body of {@code POST /v1/sessions/{id}/end}. */
    public static ObjectNode end(SessionOutcome outcome, Optional<String> error) {
        ObjectNode b = Json.object();
        b.put("outcome", outcome.value());
        error.ifPresent(e -> b.put("error", e));
        return b;
    }

    /** The body of {@code POST /v1/agents}. */
    public static ObjectNode registerAgent(String agentId, List<String> capabilities) {
        ObjectNode b = Json.object();
        b.put("agent_id", agentId);
        capabilities.forEach(b.putArray("capabilities")::add);
        return b;
    }

    /**
     * The body of {@code POST /v1/route}. Without {@code fallbackAny} the field is left out, so the
     * server's {@code route_fallback} decides (its default answers NO_CAPABLE_AGENT).
     */
    public static ObjectNode route(String taskId, List<String> required, List<String> prefer, boolean fallbackAny) {
        ObjectNode b = Json.object();
        b.put("task_id", taskId);
        required.forEach(b.putArray("required_capabilities")::add);
        if (!prefer.isEmpty()) prefer.forEach(b.putArray("prefer_agents")::add);
        if (fallbackAny) b.put("fallback", "any");
        return b;
    }

    /** The body of {@code POST /v1/webhooks}; without a secret the server generates one. */
    public static ObjectNode createWebhook(String url, List<String> events, Optional<String> secret) {
        ObjectNode b = Json.object();
        b.put("url", url);
        events.forEach(b.putArray("events")::add);
        secret.ifPresent(s -> b.put("secret", s));
        return b;
    }

    private static long wholeSeconds(String field, Duration d) {
        if (d.getNano() != 0) {
            throw new BosunException(ErrorCode.INVALID_ARGUMENT, field + " = " + d
                    + " is not a whole number of seconds, which is all the HTTP API carries", Map.of("field", field));
        }
        return d.getSeconds();
    }

    // ---------------------------------------------------------------- field readers

    private static BosunException broken(String what, String field, String expected) {
        return new BosunException(ErrorCode.INTERNAL, "the server sent a " + what + " whose '" + field
                + "' is not " + expected, Map.of("field", field));
    }

    private static JsonNode required(JsonNode n, String field, String what) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull()) {
            throw new BosunException(ErrorCode.INTERNAL, "the server sent a " + what + " without '" + field + "'",
                    Map.of("field", field));
        }
        return v;
    }

    private static <T> Optional<T> optional(JsonNode n, String field, String what, Function<JsonNode, T> read) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(read.apply(v));
    }

    private static String text(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isTextual()) throw broken(what, field, "a string");
        return v.asText();
    }

    private static Optional<String> optText(JsonNode n, String field, String what) {
        return optional(n, field, what, v -> {
            if (!v.isTextual()) throw broken(what, field, "a string");
            return v.asText();
        });
    }

    private static long integer(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw broken(what, field, "an integer");
        return v.longValue();
    }

    private static double number(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isNumber()) throw broken(what, field, "a number");
        return v.doubleValue();
    }

    private static boolean bool(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isBoolean()) throw broken(what, field, "a boolean");
        return v.booleanValue();
    }

    private static Duration seconds(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isNumber()) throw broken(what, field, "a number of seconds");
        // Documented as whole seconds; a fractional value is kept to the millisecond rather than rejected.
        return Duration.ofMillis(Math.round(v.doubleValue() * 1000));
    }

    private static Instant instant(JsonNode n, String field, String what) {
        return instantValue(required(n, field, what), field, what);
    }

    private static Instant instantValue(JsonNode v, String field, String what) {
        if (!v.isTextual()) throw broken(what, field, "an ISO-8601 time");
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw broken(what, field, "an ISO-8601 time");
        }
    }

    private static ObjectNode object(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return Json.object();
        if (!v.isObject()) throw broken(what, field, "an object");
        return (ObjectNode) v;
    }

    private static ObjectNode objectValue(JsonNode v, String field, String what) {
        if (!v.isObject()) throw broken(what, field, "an object");
        return (ObjectNode) v;
    }

    private static ArrayNode array(JsonNode n, String field, String what) {
        JsonNode v = required(n, field, what);
        if (!v.isArray()) throw broken(what, field, "an array");
        return (ArrayNode) v;
    }

    private static List<String> strings(JsonNode n, String field, String what) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw broken(what, field, "an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) throw broken(what, field, "an array of strings");
            out.add(s.asText());
        }
        return out;
    }

    private static List<String> requiredStrings(JsonNode n, String field, String what) {
        required(n, field, what);
        return strings(n, field, what);
    }

    private static <E extends Enum<E>> E wireEnum(JsonNode n, String field, String what, Class<E> type) {
        return wireEnumValue(required(n, field, what), field, what, type);
    }

    private static <E extends Enum<E>> E wireEnumValue(JsonNode v, String field, String what, Class<E> type) {
        if (!v.isTextual()) throw broken(what, field, "a string");
        try {
            return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw broken(what, field, "a known " + field + " (got '" + v.asText() + "')");
        }
    }
}
