package dev.bosun.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.PollResult;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.fleet.RoutingDecision;
import dev.bosun.json.Json;
import dev.bosun.session.LogStream;
import dev.bosun.util.Page;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.IntPredicate;

/**
 * A client for a Bosun server's HTTP API (docs/API.md), with the same vocabulary as the embedded
 * {@link dev.bosun.SessionManager}: the same records come back and the same
 * {@link BosunException} codes are thrown, taken from the server's error envelope.
 *
 * <pre>{@code
 * try (BosunClient bosun = BosunClient.builder(URI.create("http://127.0.0.1:7070"))
 *         .apiKey(System.getenv("BOSUN_API_KEY"))
 *         .build()) {
 *     Session s = bosun.createSession(SessionConfig.builder("research", "oracle1").profile("echo").build());
 *     bosun.send(s.id(), "input", Json.object().put("text", "hello"));
 *     try (EventSubscription events = bosun.follow(s.id(), 0)) {
 *         while (events.hasNext()) {
 *             Event e = events.next();
 *             if (e.type().equals("echo")) bosun.terminate(s.id(), "done");
 *         }
 *     }
 * } catch (BosunException e) {
 *     if (e.code() == ErrorCode.NOT_FOUND) { ... }
 * }
 * }</pre>
 *
 * <p><b>Errors.</b> Every failure is a {@link BosunException}: the server's code, message and details
 * when it answered with the error envelope; {@link ErrorCode#UNAVAILABLE} naming the URL when it could
 * not be reached or timed out; UNAVAILABLE (502/503/504), LIMIT_REACHED (429) or INTERNAL (anything
 * else) when something answered without the envelope. A 429 carries {@code retry_after_seconds} in
 * its details when the server sent {@code Retry-After}.
 *
 * <p><b>Retries.</b> Every POST carries an {@code Idempotency-Key}: a random UUID per logical call,
 * sent again on each of its retries, so the server applies the call once and answers a repeat with
 * the first answer (docs/API.md, "Idempotency"). POSTs and GETs, {@link #terminate} and the other
 * calls that are safe to repeat are therefore retried on no answer (connection refused or reset,
 * timeout), 502/503/504, a 429 with {@code Retry-After}, and a 409 {@code IDEMPOTENCY_KEY_IN_PROGRESS}
 * (the first attempt is still being answered), waiting what {@code Retry-After} says (up to 30 s) or
 * else an exponential backoff with full jitter, for at most {@link Builder#maxAttempts(int)} attempts.
 * The two DELETEs ({@link #unregisterAgent}, {@link #deleteWebhook}) are not retried: the server keeps
 * no key for them and a repeat after a lost answer would be NOT_FOUND.
 *
 * <pre>{@code
 * try (var bosun = BosunClient.builder(URI.create("http://127.0.0.1:7700")).maxAttempts(5).build()) {
 *     Session s = bosun.createSession(SessionConfig.builder("research", "oracle1").build());
 *     // however many attempts that took, the server made one session
 * }
 * }</pre>
 *
 * <p><b>Tenants.</b> The server takes the tenant from the API key and does not send it, so sessions read
 * through this client have {@link Session#tenant()} = {@link WireCodec#TENANT_NOT_ON_WIRE} (empty).
 *
 * <p><b>Tiles and webhooks</b> come back as the core's {@link Delivery} and {@link Webhook} records,
 * with what the wire does not carry filled in as {@link WireCodec} says (the tenant is empty; a
 * subscription's secret is there only in the answer to {@link #createWebhook}).
 *
 * <p>Thread-safe; share one client. {@link #close()} aborts calls in flight and closes open
 * {@link EventSubscription}s.
 */
public final class BosunClient implements AutoCloseable {
    private static final IntPredicate SUCCESS = s -> s / 100 == 2;

    private final Transport transport;
    private final Duration streamIdleTimeout;
    private final Set<EventSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private ScheduledThreadPoolExecutor watchdogs;

    private BosunClient(Builder b) {
        this.transport = new Transport(b.baseUrl, Optional.ofNullable(b.apiKey), b.timeout,
                new RetryPolicy(b.retries, b.initialBackoff, b.maxBackoff, RetryPolicy.DEFAULT.maxRetryAfter()));
        this.streamIdleTimeout = b.streamIdleTimeout;
    }

    /** A builder for a client of the server at {@code baseUrl}, such as {@code http://127.0.0.1:7070}. */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** Settings for a {@link BosunClient}; all optional. */
    public static final class Builder {
        private final URI baseUrl;
        private String apiKey;
        private Duration timeout = Duration.ofSeconds(30);
        private int retries = RetryPolicy.DEFAULT.retries();
        private Duration initialBackoff = RetryPolicy.DEFAULT.initialBackoff();
        private Duration maxBackoff = RetryPolicy.DEFAULT.maxBackoff();
        private Duration streamIdleTimeout = Duration.ofSeconds(45);

        private Builder(URI baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || baseUrl.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http:// or https:// URL with a host; got " + baseUrl);
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl may not have a query or fragment; got " + baseUrl);
            }
            this.baseUrl = baseUrl;
        }

        /** The API key, sent as {@code Authorization: Bearer}; none for a server without keys. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
            return this;
        }

        /** How long to wait to connect and for each answer (a long-poll adds its {@code wait}). Default 30 s. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive; got " + timeout);
            this.timeout = timeout;
            return this;
        }

        /** How many times a call that is safe to repeat is retried after its first attempt; 0 turns retries off. Default 3. */
        public Builder retries(int retries) {
            if (retries < 0) throw new IllegalArgumentException("retries must be >= 0; got " + retries);
            this.retries = retries;
            return this;
        }

        /** As {@link #retries(int)}, counting the first attempt: {@code maxAttempts(1)} never retries. Default 4. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1; got " + maxAttempts);
            return retries(maxAttempts - 1);
        }

        /** The first retry delay, doubled per retry up to {@code max}, each with full jitter. Default 200 ms .. 5 s. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max; got " + initial + ", " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How long an event stream may stay silent before the client presumes the connection dead and
         * reconnects. The server sends a keep-alive every 15 s, so the default is 45 s.
         */
        public Builder streamIdleTimeout(Duration idle) {
            if (idle.isNegative() || idle.isZero()) throw new IllegalArgumentException("streamIdleTimeout must be positive; got " + idle);
            this.streamIdleTimeout = idle;
            return this;
        }

        public BosunClient build() { return new BosunClient(this); }
    }

    // ------------------------------------------------------------------------------------ sessions

    /** {@code POST /v1/sessions}. Retried with its idempotency key: one session however many attempts. See {@link WireCodec#sessionConfig} for what cannot be sent. */
    public Session createSession(SessionConfig config) {
        return WireCodec.session(post(sessions(), WireCodec.sessionConfig(config)));
    }

    /** {@code GET /v1/sessions/{id}}. */
    public Session getSession(String sessionId) {
        return WireCodec.session(get(session(sessionId), Map.of()));
    }

    /** The first page of sessions matching {@code filter}, at the server's default page size. */
    public Page<Session> listSessions(SessionFilter filter) {
        return listSessions(filter, Optional.empty(), 0);
    }

    /**
     * {@code GET /v1/sessions}: one page of sessions matching {@code filter}, after the cursor
     * {@code after} (a previous page's {@link Page#nextCursor()}).
     *
     * @param limit 1..1000, or 0 for the server's default
     */
    public Page<Session> listSessions(SessionFilter filter, Optional<String> after, int limit) {
        if (filter.tenant().isPresent()) {
            throw BosunException.invalid("tenant", "the tenant cannot be filtered over HTTP; the API key decides it");
        }
        Map<String, String> q = Transport.query(
                "status", filter.status().map(SessionStatus::wire),
                "agent_id", filter.agentId(),
                "tag", filter.tag(),
                "after", after,
                "limit", limit == 0 ? null : limit);
        return WireCodec.sessionPage(get(sessions(), q));
    }

    /** {@code POST /v1/sessions/{id}/end}: the agent ends its own session with an outcome. Retried with its idempotency key. */
    public Session endSession(String sessionId, SessionOutcome outcome, Optional<String> error) {
        return WireCodec.session(post(session(sessionId) + "/end", WireCodec.end(outcome, error)));
    }

    /**
     * {@code POST /v1/sessions/{id}/terminate}: ends the session as cancelled. Idempotent on the server
     * (an ended session is returned as is), so it is retried.
     *
     * @param reason why, recorded on the session; null for none
     */
    public Session terminate(String sessionId, String reason) {
        JsonNode body = reason == null ? null : Json.object().put("reason", reason);
        return WireCodec.session(post(session(sessionId) + "/terminate", body));
    }

    /** {@code POST /v1/sessions/{id}/heartbeat}: marks the session active. Retried (a second beat changes nothing). */
    public Session heartbeat(String sessionId) {
        return WireCodec.session(post(session(sessionId) + "/heartbeat", null));
    }

    // ------------------------------------------------------------------------------------ events

    /** {@code POST /v1/sessions/{id}/events}: writes an event into the session's inbox. Retried with its idempotency key: one event. */
    public long send(String sessionId, String type, JsonNode payload) {
        return WireCodec.seq(post(session(sessionId) + "/events", WireCodec.eventBody(type, payload)));
    }

    /** {@code POST /v1/sessions/{id}/emit}: writes an event as the agent (direction {@code out}). Retried with its idempotency key: one event. */
    public long emit(String sessionId, String type, JsonNode payload) {
        return WireCodec.seq(post(session(sessionId) + "/emit", WireCodec.eventBody(type, payload)));
    }

    /**
     * {@code GET /v1/sessions/{id}/events}: events after seq {@code after}. With a positive {@code wait}
     * the server holds the call until an event arrives, the session ends, or {@code wait} passes
     * (the call's timeout is lengthened by {@code wait}).
     *
     * @param limit 1..the server's max_events_per_poll, or 0 for its default
     * @param wait  how long the server may wait for a first event; zero to return at once
     */
    public PollResult poll(String sessionId, long after, int limit, Duration wait) {
        if (wait.isNegative()) throw BosunException.invalid("wait", "wait may not be negative; got " + wait);
        Map<String, String> q = Transport.query(
                "after", after,
                "limit", limit == 0 ? null : limit,
                "wait", wait.isZero() ? null : Transport.decimalSeconds(wait));
        URI uri = transport.uri(session(sessionId) + "/events", q);
        HttpResponse<byte[]> r = transport.call("GET", uri, null, true, wait, SUCCESS);
        return WireCodec.pollResult(sessionId, json(r));
    }

    /**
     * {@code GET /v1/sessions/{id}/events/stream}: follows the session's events from after seq
     * {@code after}, reconnecting on drops without a limit. See {@link EventSubscription}. Nothing is
     * sent until the first {@code hasNext()}.
     */
    public EventSubscription follow(String sessionId, long after) {
        return follow(sessionId, after, FollowOptions.defaults());
    }

    /**
     * As {@link #follow(String, long)}, with a limit on reconnects or a listener told of each one
     * (see {@link FollowOptions}).
     */
    public EventSubscription follow(String sessionId, long after, FollowOptions options) {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(options, "options");
        if (after < 0) throw BosunException.invalid("after", "after may not be negative; got " + after);
        EventSubscription s = new EventSubscription(this, transport, sessionId, after, streamIdleTimeout, watchdogs(),
                options);
        subscriptions.add(s);
        return s;
    }

    // ------------------------------------------------------------------------------------ tasks

    /** {@code POST /v1/sessions/{id}/tasks}. Retried with its idempotency key. See {@link WireCodec#taskSpec} for what cannot be sent. */
    public Task addTask(String sessionId, TaskSpec spec) {
        return WireCodec.task(post(session(sessionId) + "/tasks", WireCodec.taskSpec(spec)));
    }

    /** {@code GET /v1/sessions/{id}/tasks}: all of the session's tasks, or only the running ones. */
    public List<Task> tasks(String sessionId, boolean activeOnly) {
        return WireCodec.taskList(get(session(sessionId) + "/tasks", activeOnly ? Map.of("active", "true") : Map.of()));
    }

    /** {@code GET /v1/sessions/{id}/tasks/{task_id}}. */
    public Task getTask(String sessionId, String taskId) {
        return WireCodec.task(get(task(sessionId, taskId), Map.of()));
    }

    /** {@code POST /v1/sessions/{id}/tasks/{task_id}/complete}. Retried with its idempotency key: a repeat gets the first answer, not a CONFLICT. */
    public Task completeTask(String sessionId, String taskId, Completion completion) {
        return WireCodec.task(post(task(sessionId, taskId) + "/complete", WireCodec.completion(completion)));
    }

    // ------------------------------------------------------------------------------------ fleet

    /**
     * {@code POST /v1/agents}: registers an agent of the key's tenant, or replaces the capabilities of
     * one registered already. Retried: registering the same capabilities again changes nothing but
     * the agent's update time.
     */
    public Agent registerAgent(String agentId, List<String> capabilities) {
        return WireCodec.agent(post("/v1/agents", WireCodec.registerAgent(agentId, capabilities)));
    }

    /** {@code GET /v1/agents}: the tenant's agents in registration order, with their current load. */
    public List<Agent> agents() {
        return WireCodec.agentList(get("/v1/agents", Map.of()));
    }

    /** {@code GET /v1/agents/{agent_id}}; NOT_FOUND when the tenant has no such agent. */
    public Agent agent(String agentId) {
        return WireCodec.agent(get(agentPath(agentId), Map.of()));
    }

    /**
     * {@code DELETE /v1/agents/{agent_id}}: the agent is no longer chosen. Not retried: a repeat after
     * an answer that was lost would be NOT_FOUND.
     */
    public void unregisterAgent(String agentId) {
        transport.call("DELETE", transport.uri(agentPath(agentId), Map.of()), null, false, Duration.ZERO, SUCCESS);
    }

    /**
     * {@code POST /v1/route}: routes a bare task id (not a session's task) to one of the tenant's
     * agents and links them in its fleet graph. Retried with its idempotency key: a repeat gets the
     * first decision and never links the task to another agent. NO_CAPABLE_AGENT when no agent has every required capability, unless {@code fallbackAny}.
     *
     * @param preferAgents among the capable agents, consider only these when any of them is capable
     * @param fallbackAny  when none is capable, consider every agent; false leaves it to the server's
     *                     {@code route_fallback} (by default NO_CAPABLE_AGENT)
     */
    public RoutingDecision route(String taskId, List<String> requiredCapabilities, List<String> preferAgents,
                                 boolean fallbackAny) {
        return WireCodec.routingDecision(post("/v1/route",
                WireCodec.route(taskId, requiredCapabilities, preferAgents, fallbackAny)));
    }

    /** {@code GET /v1/fleet/status}: the figures of the tenant's fleet graph. */
    public FleetStatus fleetStatus() {
        return WireCodec.fleetStatus(get("/v1/fleet/status", Map.of()));
    }

    /**
     * {@code POST /v1/fleet/reset}: deletes every edge of the tenant's graph (agents stay registered)
     * and returns the status after. Retried: a second reset finds nothing more to delete.
     */
    public FleetStatus resetFleet() {
        return WireCodec.fleetStatus(post("/v1/fleet/reset", null));
    }

    // ------------------------------------------------------------------------------------ tiles

    /**
     * {@code GET /v1/sessions/{id}/tiles}: one page of the session's tiles in log order, each with
     * where its delivery to PLATO stands.
     *
     * @param limit 1..1000, or 0 for the server's default (50)
     */
    public Page<Delivery> sessionTiles(String sessionId, Optional<String> after, int limit) {
        return WireCodec.tilePage(get(session(sessionId) + "/tiles", page(Optional.empty(), after, limit)));
    }

    /**
     * {@code GET /v1/tiles}: one page of the tenant's tiles, newest first, optionally only those in
     * {@code state} ({@link DeliveryState#DEAD} is the dead-letter queue).
     *
     * @param limit 1..1000, or 0 for the server's default (50)
     */
    public Page<Delivery> tiles(Optional<DeliveryState> state, Optional<String> after, int limit) {
        return WireCodec.tilePage(get("/v1/tiles", page(state, after, limit)));
    }

    /** {@code GET /v1/tiles/{id}}; NOT_FOUND when the tenant has no such tile. */
    public Delivery tile(String tileId) {
        return WireCodec.tile(get(tilePath(tileId), Map.of()));
    }

    /**
     * {@code POST /v1/tiles/{id}/retry}: sends a dead or rejected tile again; CONFLICT for any other
     * state. Retried with its idempotency key: a repeat gets the first answer, not a CONFLICT.
     */
    public Delivery retryTile(String tileId) {
        return WireCodec.tile(post(tilePath(tileId) + "/retry", null));
    }

    // ------------------------------------------------------------------------------------ webhooks

    /**
     * {@code POST /v1/webhooks}: subscribes {@code url} to the tenant's checkpoint events of the listed
     * types ({@code *} for all). The returned {@link Webhook#secret()} is the only time the server shows
     * it: keep it to verify deliveries with {@link dev.bosun.delivery.WebhookSignature#verify}. Retried
     * with its idempotency key: one subscription however many attempts.
     *
     * @param secret the signing secret (16 to 256 visible ASCII characters); empty for a generated one
     */
    public Webhook createWebhook(String url, List<String> events, Optional<String> secret) {
        return WireCodec.webhook(post("/v1/webhooks", WireCodec.createWebhook(url, events, secret)));
    }

    /** {@code GET /v1/webhooks}: the tenant's subscriptions, oldest first, without their secrets. */
    public List<Webhook> webhooks() {
        return WireCodec.webhookList(get("/v1/webhooks", Map.of()));
    }

    /** {@code GET /v1/webhooks/{id}}, without its secret; NOT_FOUND when the tenant has no such subscription. */
    public Webhook webhook(String webhookId) {
        return WireCodec.webhook(get(webhookPath(webhookId), Map.of()));
    }

    /**
     * {@code DELETE /v1/webhooks/{id}}: ends the subscription and drops its pending deliveries. Not
     * retried: a repeat after a lost answer would be NOT_FOUND.
     */
    public void deleteWebhook(String webhookId) {
        transport.call("DELETE", transport.uri(webhookPath(webhookId), Map.of()), null, false, Duration.ZERO, SUCCESS);
    }

    /**
     * {@code GET /v1/webhooks/{id}/deliveries}: one page of the subscription's deliveries, newest
     * first, optionally only those in {@code state}.
     *
     * @param limit 1..1000, or 0 for the server's default (50)
     */
    public Page<Delivery> webhookDeliveries(String webhookId, Optional<DeliveryState> state, Optional<String> after, int limit) {
        return WireCodec.webhookDeliveryPage(get(webhookPath(webhookId) + "/deliveries", page(state, after, limit)));
    }

    /**
     * {@code POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry}: sends a dead or rejected delivery
     * again; CONFLICT for any other state. Retried with its idempotency key, like {@link #retryTile}.
     */
    public Delivery retryWebhookDelivery(String webhookId, String deliveryId) {
        return WireCodec.webhookDelivery(post(webhookPath(webhookId) + "/deliveries/" + Transport.segment(deliveryId)
                + "/retry", null));
    }

    // ------------------------------------------------------------------------------------ logs, health

    /**
     * {@code GET /v1/sessions/{id}/logs}: the tail of the worker's stdout or stderr.
     *
     * @param maxBytes 1..1048576, or 0 for the server's default (65536)
     */
    public String logs(String sessionId, LogStream stream, int maxBytes) {
        Map<String, String> q = Transport.query("stream", stream.name().toLowerCase(Locale.ROOT),
                "max_bytes", maxBytes == 0 ? null : maxBytes);
        URI uri = transport.uri(session(sessionId) + "/logs", q);
        return new String(transport.call("GET", uri, null, true, Duration.ZERO, SUCCESS).body(), StandardCharsets.UTF_8);
    }

    /** {@code GET /healthz}: whether the server process is up. */
    public ServerStatus health() {
        JsonNode n = json(transport.call("GET", transport.uri("/healthz", Map.of()), null, true, Duration.ZERO, SUCCESS));
        return new ServerStatus(true, n.path("status").asText(""), Json.object());
    }

    /**
     * {@code GET /readyz}: whether the server can serve (its store and runtimes answer). A 503 with the
     * server's checks is an answer, returned with {@code up = false} and not retried; a 503 without them
     * (from a proxy, say) is thrown as UNAVAILABLE.
     */
    public ServerStatus ready() {
        HttpResponse<byte[]> r = transport.call("GET", transport.uri("/readyz", Map.of()), null, true, Duration.ZERO,
                s -> s == 200 || s == 503);
        JsonNode n = r.statusCode() == 200 ? json(r) : readinessOrNull(r.body());
        if (n == null) throw ErrorResponses.fromResponse(r.statusCode(), r.body(), Optional.empty());
        JsonNode checks = n.path("checks");
        return new ServerStatus(r.statusCode() == 200, n.path("status").asText(""),
                checks.isObject() ? (ObjectNode) checks : Json.object());
    }

    private static JsonNode readinessOrNull(byte[] body) {
        try {
            JsonNode n = Json.parse(new String(body, StandardCharsets.UTF_8));
            return n != null && n.path("status").isTextual() ? n : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    /** Closes open subscriptions and aborts calls in flight; later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        // Subscriptions first, so that a follower woken by the aborted connection sees it was closed and stops
        // quietly instead of trying to reconnect through a closed transport.
        for (EventSubscription s : List.copyOf(subscriptions)) s.close();
        transport.close();
        synchronized (this) {
            if (watchdogs != null) watchdogs.shutdownNow();
        }
    }

    void forget(EventSubscription s) {
        subscriptions.remove(s);
    }

    private synchronized ScheduledThreadPoolExecutor watchdogs() {
        if (transport.isClosed()) throw new IllegalStateException("this BosunClient is closed");
        if (watchdogs == null) {
            watchdogs = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "bosun-client-stream-watchdog");
                t.setDaemon(true);
                return t;
            });
            watchdogs.setRemoveOnCancelPolicy(true);
        }
        return watchdogs;
    }

    // ------------------------------------------------------------------------------------ plumbing

    private static String sessions() { return "/v1/sessions"; }

    private static String session(String id) { return "/v1/sessions/" + Transport.segment(id); }

    private static String task(String id, String taskId) { return session(id) + "/tasks/" + Transport.segment(taskId); }

    private static String agentPath(String agentId) { return "/v1/agents/" + Transport.segment(agentId); }

    private static String tilePath(String tileId) { return "/v1/tiles/" + Transport.segment(tileId); }

    private static String webhookPath(String webhookId) { return "/v1/webhooks/" + Transport.segment(webhookId); }

    /** The query of a delivery listing; limit 0 leaves the page size to the server. */
    private static Map<String, String> page(Optional<DeliveryState> state, Optional<String> after, int limit) {
        return Transport.query("state", state.map(DeliveryState::wire), "after", after, "limit", limit == 0 ? null : limit);
    }

    private JsonNode get(String path, Map<String, String> query) {
        return json(transport.call("GET", transport.uri(path, query), null, true, Duration.ZERO, SUCCESS));
    }

    /** Every POST carries an {@code Idempotency-Key} for all its attempts, so every POST is retried (D79). */
    private JsonNode post(String path, JsonNode body) {
        return json(transport.call("POST", transport.uri(path, Map.of()), body, true, Duration.ZERO, SUCCESS));
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        try {
            JsonNode n = Json.parse(new String(r.body(), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) throw new IllegalStateException("not a JSON object");
            return n;
        } catch (Exception e) {
            throw new BosunException(ErrorCode.INTERNAL, "server answered " + r.statusCode() + " to "
                    + r.request().method() + " " + r.uri().getPath() + " with a body that is not a JSON object",
                    Map.of("http_status", r.statusCode()));
        }
    }
}
