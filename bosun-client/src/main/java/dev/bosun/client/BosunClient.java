package dev.bosun.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.Agent;
import dev.bosun.wire.CheckpointEventType;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.CreateWebhook;
import dev.bosun.wire.DeliveryState;
import dev.bosun.wire.EndSession;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.FleetStatus;
import dev.bosun.wire.Items;
import dev.bosun.wire.Page;
import dev.bosun.wire.PollResult;
import dev.bosun.wire.RegisterAgent;
import dev.bosun.wire.RouteFallback;
import dev.bosun.wire.RouteRequest;
import dev.bosun.wire.RoutingDecision;
import dev.bosun.wire.SendEvent;
import dev.bosun.wire.SeqResponse;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStats;
import dev.bosun.wire.Task;
import dev.bosun.wire.Terminate;
import dev.bosun.wire.Tile;
import dev.bosun.wire.TilePage;
import dev.bosun.wire.Webhook;
import dev.bosun.wire.WebhookCreated;
import dev.bosun.wire.WebhookDelivery;
import dev.bosun.wire.WireJson;
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
 * A client for a Bosun server's HTTP API (docs/API.md). It sends and reads the records of bosun-wire
 * ({@code dev.bosun.wire}), the same records the server reads and writes, so every field of a request
 * record reaches the server; it depends on bosun-wire, Jackson and the JDK only. Errors are
 * {@link BosunClientException}s carrying the server's {@link ErrorCode}.
 *
 * <pre>{@code
 * try (BosunClient bosun = BosunClient.builder(URI.create("http://127.0.0.1:7070"))
 *         .apiKey(System.getenv("BOSUN_API_KEY"))
 *         .build()) {
 *     Session s = bosun.createSession(CreateSession.of("research", "oracle1").withProfile("echo"));
 *     bosun.send(s.sessionId(), "input", JsonNodeFactory.instance.objectNode().put("text", "hello"));
 *     try (EventSubscription events = bosun.follow(s.sessionId(), 0)) {
 *         while (events.hasNext()) {
 *             Event e = events.next();
 *             if (e.eventType().equals("echo")) bosun.terminate(s.sessionId(), "done");
 *         }
 *     }
 * } catch (BosunClientException e) {
 *     if (e.code() == ErrorCode.NOT_FOUND) { ... }
 * }
 * }</pre>
 *
 * <p><b>Errors.</b> Every failure is a {@link BosunClientException}: the server's code, message and details
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
 *     Session s = bosun.createSession(CreateSession.of("research", "oracle1"));
 *     // however many attempts that took, the server made one session
 * }
 * }</pre>
 *
 * <p><b>Tenants.</b> The server takes the tenant from the API key; nothing the client sends can choose it.
 *
 * <p><b>Webhooks.</b> A subscription's secret is there only in the answer to {@link #createWebhook}
 * ({@link WebhookCreated}); later reads give {@link Webhook}, without it.
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
        this.transport = new Transport(
                b.baseUrl,
                Optional.ofNullable(b.apiKey),
                b.timeout,
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
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || baseUrl.getHost() == null) {
                throw new IllegalArgumentException(
                        "baseUrl must be an http:// or https:// URL with a host; got " + baseUrl);
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
            if (timeout.isNegative() || timeout.isZero())
                throw new IllegalArgumentException("timeout must be positive; got " + timeout);
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
                throw new IllegalArgumentException(
                        "backoff must satisfy 0 <= initial <= max; got " + initial + ", " + max);
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
            if (idle.isNegative() || idle.isZero())
                throw new IllegalArgumentException("streamIdleTimeout must be positive; got " + idle);
            this.streamIdleTimeout = idle;
            return this;
        }

        public BosunClient build() {
            return new BosunClient(this);
        }
    }

    // ------------------------------------------------------------------------------------ sessions

    /**
     * {@code POST /v1/sessions}. Every field of {@code request} is sent as it is (null ones are left
     * out, so the server's defaults apply). Retried with its idempotency key: one session however
     * many attempts.
     */
    public Session createSession(CreateSession request) {
        return session(post(sessions(), request));
    }

    /** {@code GET /v1/sessions/{id}}. */
    public Session getSession(String sessionId) {
        return session(get(session(sessionId), Map.of()));
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
        Map<String, String> q = Transport.query(
                "status", filter.status().map(s -> s.wire()),
                "agent_id", filter.agentId(),
                "tag", filter.tag(),
                "profile", filter.profile(),
                "outcome", filter.outcome().map(o -> o.wire()),
                "name", filter.nameContaining(),
                "order", filter.ascending() ? "oldest" : null,
                "after", after,
                "limit", limit == 0 ? null : limit);
        return WireCodec.read(get(sessions(), q), new TypeReference<Page<Session>>() {}, "page");
    }

    /** {@code POST /v1/sessions/{id}/end}: the agent ends its own session with an outcome. Retried with its idempotency key. */
    public Session endSession(String sessionId, EndSession request) {
        return session(post(session(sessionId) + "/end", request));
    }

    /** As {@link #endSession(String, EndSession)} with {@code outcome} and an optional error. */
    public Session endSession(String sessionId, SessionOutcome outcome, Optional<String> error) {
        return endSession(sessionId, new EndSession(outcome, error.orElse(null)));
    }

    /**
     * {@code POST /v1/sessions/{id}/terminate}: ends the session as cancelled. Idempotent on the server
     * (an ended session is returned as is), so it is retried.
     */
    public Session terminate(String sessionId, Terminate request) {
        return session(post(session(sessionId) + "/terminate", request.reason() == null ? null : request));
    }

    /**
     * As {@link #terminate(String, Terminate)}.
     *
     * @param reason why, recorded on the session; null for none
     */
    public Session terminate(String sessionId, String reason) {
        return terminate(sessionId, new Terminate(reason));
    }

    /** {@code POST /v1/sessions/{id}/heartbeat}: marks the session active. Retried (a second beat changes nothing). */
    public Session heartbeat(String sessionId) {
        return session(post(session(sessionId) + "/heartbeat", null));
    }

    // ------------------------------------------------------------------------------------ events

    /** {@code POST /v1/sessions/{id}/events}: writes an event into the session's inbox. Retried with its idempotency key: one event. */
    public long send(String sessionId, SendEvent event) {
        return seq(post(session(sessionId) + "/events", event));
    }

    /** As {@link #send(String, SendEvent)}; a null payload is sent as JSON {@code null}. */
    public long send(String sessionId, String type, JsonNode payload) {
        return send(sessionId, sendEvent(type, payload));
    }

    /** {@code POST /v1/sessions/{id}/emit}: writes an event as the agent (direction {@code out}). Retried with its idempotency key: one event. */
    public long emit(String sessionId, SendEvent event) {
        return seq(post(session(sessionId) + "/emit", event));
    }

    /** As {@link #emit(String, SendEvent)}; a null payload is sent as JSON {@code null}. */
    public long emit(String sessionId, String type, JsonNode payload) {
        return emit(sessionId, sendEvent(type, payload));
    }

    private static SendEvent sendEvent(String type, JsonNode payload) {
        return new SendEvent(
                type, payload == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : payload);
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
        if (wait.isNegative()) throw BosunClientException.invalid("wait", "wait may not be negative; got " + wait);
        Map<String, String> q = Transport.query(
                "after", after,
                "limit", limit == 0 ? null : limit,
                "wait", wait.isZero() ? null : Transport.decimalSeconds(wait));
        URI uri = transport.uri(session(sessionId) + "/events", q);
        HttpResponse<byte[]> r = transport.call("GET", uri, null, true, wait, SUCCESS);
        return WireCodec.read(json(r), PollResult.class, "poll result");
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
        if (after < 0) throw BosunClientException.invalid("after", "after may not be negative; got " + after);
        EventSubscription s =
                new EventSubscription(this, transport, sessionId, after, streamIdleTimeout, watchdogs(), options);
        subscriptions.add(s);
        return s;
    }

    // ------------------------------------------------------------------------------------ tasks

    /** {@code POST /v1/sessions/{id}/tasks}. Every field of {@code task} is sent. Retried with its idempotency key. */
    public Task addTask(String sessionId, AddTask task) {
        return task(post(session(sessionId) + "/tasks", task));
    }

    /** {@code GET /v1/sessions/{id}/tasks}: all of the session's tasks, or only the running ones. */
    public List<Task> tasks(String sessionId, boolean activeOnly) {
        return WireCodec.read(
                        get(session(sessionId) + "/tasks", activeOnly ? Map.of("active", "true") : Map.of()),
                        new TypeReference<Items<Task>>() {},
                        "task list")
                .items();
    }

    /** {@code GET /v1/sessions/{id}/tasks/{task_id}}. */
    public Task getTask(String sessionId, String taskId) {
        return task(get(task(sessionId, taskId), Map.of()));
    }

    /** {@code POST /v1/sessions/{id}/tasks/{task_id}/complete}. Retried with its idempotency key: a repeat gets the first answer, not a CONFLICT. */
    public Task completeTask(String sessionId, String taskId, CompleteTask completion) {
        return task(post(task(sessionId, taskId) + "/complete", completion));
    }

    // ------------------------------------------------------------------------------------ fleet

    /**
     * {@code POST /v1/agents}: registers an agent of the key's tenant, or replaces the capabilities of
     * one registered already. Retried: registering the same capabilities again changes nothing but
     * the agent's update time.
     */
    public Agent registerAgent(RegisterAgent request) {
        return WireCodec.read(post("/v1/agents", request), Agent.class, "agent");
    }

    /** As {@link #registerAgent(RegisterAgent)}. */
    public Agent registerAgent(String agentId, List<String> capabilities) {
        return registerAgent(new RegisterAgent(agentId, capabilities));
    }

    /** {@code GET /v1/agents}: the tenant's agents in registration order, with their current load. */
    public List<Agent> agents() {
        return WireCodec.read(get("/v1/agents", Map.of()), new TypeReference<Items<Agent>>() {}, "agent list")
                .items();
    }

    /** {@code GET /v1/agents/{agent_id}}; NOT_FOUND when the tenant has no such agent. */
    public Agent agent(String agentId) {
        return WireCodec.read(get(agentPath(agentId), Map.of()), Agent.class, "agent");
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
     * first decision and never links the task to another agent. NO_CAPABLE_AGENT when no agent has
     * every required capability, unless the request's {@code fallback} is {@code any} (a null fallback
     * leaves it to the server's {@code route_fallback}).
     */
    public RoutingDecision route(RouteRequest request) {
        return WireCodec.read(post("/v1/route", request), RoutingDecision.class, "routing decision");
    }

    /**
     * As {@link #route(RouteRequest)}.
     *
     * @param preferAgents among the capable agents, consider only these when any of them is capable
     * @param fallbackAny  when none is capable, consider every agent; false leaves it to the server's
     *                     {@code route_fallback} (by default NO_CAPABLE_AGENT)
     */
    public RoutingDecision route(
            String taskId, List<String> requiredCapabilities, List<String> preferAgents, boolean fallbackAny) {
        return route(new RouteRequest(
                taskId,
                requiredCapabilities,
                preferAgents.isEmpty() ? null : preferAgents,
                fallbackAny ? RouteFallback.ANY : null));
    }

    /** {@code GET /v1/stats}: exact counts of the key's tenant's sessions, by status and of today. */
    public SessionStats stats() {
        return WireCodec.read(get("/v1/stats", Map.of()), SessionStats.class, "stats");
    }

    /** {@code GET /v1/fleet/status}: the figures of the tenant's fleet graph. */
    public FleetStatus fleetStatus() {
        return WireCodec.read(get("/v1/fleet/status", Map.of()), FleetStatus.class, "fleet status");
    }

    /**
     * {@code POST /v1/fleet/reset}: deletes every edge of the tenant's graph (agents stay registered)
     * and returns the status after. Retried: a second reset finds nothing more to delete.
     */
    public FleetStatus resetFleet() {
        return WireCodec.read(post("/v1/fleet/reset", null), FleetStatus.class, "fleet status");
    }

    // ------------------------------------------------------------------------------------ tiles

    /**
     * {@code GET /v1/sessions/{id}/tiles}: one page of the session's tiles in log order, each with
     * where its delivery to PLATO stands.
     *
     * @param limit 1..1000, or 0 for the server's default (50)
     */
    public TilePage sessionTiles(String sessionId, Optional<String> after, int limit) {
        return WireCodec.read(
                get(session(sessionId) + "/tiles", page(Optional.empty(), after, limit)), TilePage.class, "tile page");
    }

    /**
     * {@code GET /v1/tiles}: one page of the tenant's tiles, newest first, optionally only those in
     * {@code state} ({@link DeliveryState#DEAD} is the dead-letter queue).
     *
     * @param limit 1..1000, or 0 for the server's default (50)
     */
    public TilePage tiles(Optional<DeliveryState> state, Optional<String> after, int limit) {
        return WireCodec.read(get("/v1/tiles", page(state, after, limit)), TilePage.class, "tile page");
    }

    /** {@code GET /v1/tiles/{id}}; NOT_FOUND when the tenant has no such tile. */
    public Tile tile(String tileId) {
        return WireCodec.read(get(tilePath(tileId), Map.of()), Tile.class, "tile");
    }

    /**
     * {@code POST /v1/tiles/{id}/retry}: sends a dead or rejected tile again; CONFLICT for any other
     * state. Retried with its idempotency key: a repeat gets the first answer, not a CONFLICT.
     */
    public Tile retryTile(String tileId) {
        return WireCodec.read(post(tilePath(tileId) + "/retry", null), Tile.class, "tile");
    }

    // ------------------------------------------------------------------------------------ webhooks

    /**
     * {@code POST /v1/webhooks}: subscribes a URL to the tenant's checkpoint events of the listed
     * types ({@code *} for all). The returned {@link WebhookCreated#secret()} is the only time the
     * server shows it: keep it to verify deliveries. Retried with its idempotency key: one
     * subscription however many attempts.
     */
    public WebhookCreated createWebhook(CreateWebhook request) {
        return WireCodec.read(post("/v1/webhooks", request), WebhookCreated.class, "webhook");
    }

    /**
     * As {@link #createWebhook(CreateWebhook)}.
     *
     * @param secret the signing secret (16 to 256 visible ASCII characters); empty for a generated one
     */
    public WebhookCreated createWebhook(String url, List<String> events, Optional<String> secret) {
        List<CheckpointEventType> types = new java.util.ArrayList<>();
        for (String e : events) {
            try {
                types.add(CheckpointEventType.fromWire(e));
            } catch (IllegalArgumentException unknown) {
                throw BosunClientException.invalid("events", "events: " + unknown.getMessage());
            }
        }
        return createWebhook(new CreateWebhook(url, types, secret.orElse(null)));
    }

    /** {@code GET /v1/webhooks}: the tenant's subscriptions, oldest first, without their secrets. */
    public List<Webhook> webhooks() {
        return WireCodec.read(get("/v1/webhooks", Map.of()), new TypeReference<Items<Webhook>>() {}, "webhook list")
                .items();
    }

    /** {@code GET /v1/webhooks/{id}}, without its secret; NOT_FOUND when the tenant has no such subscription. */
    public Webhook webhook(String webhookId) {
        return WireCodec.read(get(webhookPath(webhookId), Map.of()), Webhook.class, "webhook");
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
    public Page<WebhookDelivery> webhookDeliveries(
            String webhookId, Optional<DeliveryState> state, Optional<String> after, int limit) {
        return WireCodec.read(
                get(webhookPath(webhookId) + "/deliveries", page(state, after, limit)),
                new TypeReference<Page<WebhookDelivery>>() {},
                "delivery page");
    }

    /**
     * {@code POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry}: sends a dead or rejected delivery
     * again; CONFLICT for any other state. Retried with its idempotency key, like {@link #retryTile}.
     */
    public WebhookDelivery retryWebhookDelivery(String webhookId, String deliveryId) {
        return WireCodec.read(
                post(webhookPath(webhookId) + "/deliveries/" + Transport.segment(deliveryId) + "/retry", null),
                WebhookDelivery.class,
                "webhook delivery");
    }

    // ------------------------------------------------------------------------------------ logs, health

    /**
     * {@code GET /v1/sessions/{id}/logs}: the tail of the worker's stdout or stderr.
     *
     * @param maxBytes 1..1048576, or 0 for the server's default (65536)
     */
    public String logs(String sessionId, LogStream stream, int maxBytes) {
        Map<String, String> q = Transport.query(
                "stream", stream.name().toLowerCase(Locale.ROOT), "max_bytes", maxBytes == 0 ? null : maxBytes);
        URI uri = transport.uri(session(sessionId) + "/logs", q);
        return new String(
                transport.call("GET", uri, null, true, Duration.ZERO, SUCCESS).body(), StandardCharsets.UTF_8);
    }

    /** {@code GET /healthz}: whether the server process is up. */
    public ServerStatus health() {
        JsonNode n =
                json(transport.call("GET", transport.uri("/healthz", Map.of()), null, true, Duration.ZERO, SUCCESS));
        return new ServerStatus(true, n.path("status").asText(""), WireJson.MAPPER.createObjectNode());
    }

    /**
     * {@code GET /readyz}: whether the server can serve (its store and runtimes answer). A 503 with the
     * server's checks is an answer, returned with {@code up = false} and not retried; a 503 without them
     * (from a proxy, say) is thrown as UNAVAILABLE.
     */
    public ServerStatus ready() {
        HttpResponse<byte[]> r = transport.call(
                "GET", transport.uri("/readyz", Map.of()), null, true, Duration.ZERO, s -> s == 200 || s == 503);
        JsonNode n = r.statusCode() == 200 ? json(r) : readinessOrNull(r.body());
        if (n == null) throw ErrorResponses.fromResponse(r.statusCode(), r.body(), Optional.empty());
        JsonNode checks = n.path("checks");
        return new ServerStatus(
                r.statusCode() == 200,
                n.path("status").asText(""),
                checks.isObject() ? (ObjectNode) checks : WireJson.MAPPER.createObjectNode());
    }

    private static JsonNode readinessOrNull(byte[] body) {
        try {
            JsonNode n = WireJson.readTree(new String(body, StandardCharsets.UTF_8));
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

    private static String sessions() {
        return "/v1/sessions";
    }

    private static String session(String id) {
        return "/v1/sessions/" + Transport.segment(id);
    }

    private static String task(String id, String taskId) {
        return session(id) + "/tasks/" + Transport.segment(taskId);
    }

    private static String agentPath(String agentId) {
        return "/v1/agents/" + Transport.segment(agentId);
    }

    private static String tilePath(String tileId) {
        return "/v1/tiles/" + Transport.segment(tileId);
    }

    private static String webhookPath(String webhookId) {
        return "/v1/webhooks/" + Transport.segment(webhookId);
    }

    /** The query of a delivery listing; limit 0 leaves the page size to the server. */
    private static Map<String, String> page(Optional<DeliveryState> state, Optional<String> after, int limit) {
        return Transport.query(
                "state", state.map(DeliveryState::wire), "after", after, "limit", limit == 0 ? null : limit);
    }

    private JsonNode get(String path, Map<String, String> query) {
        return json(transport.call("GET", transport.uri(path, query), null, true, Duration.ZERO, SUCCESS));
    }

    /**
     * Every POST carries an {@code Idempotency-Key} for all its attempts, so every POST is retried (D79).
     * {@code body} is a wire record, sent whole: no field of it can be left behind.
     */
    private JsonNode post(String path, Record body) {
        return json(transport.call(
                "POST",
                transport.uri(path, Map.of()),
                body == null ? null : WireJson.tree(body),
                true,
                Duration.ZERO,
                SUCCESS));
    }

    private static Session session(JsonNode n) {
        return WireCodec.read(n, Session.class, "session");
    }

    private static Task task(JsonNode n) {
        return WireCodec.read(n, Task.class, "task");
    }

    private static long seq(JsonNode n) {
        return WireCodec.read(n, SeqResponse.class, "send result").seq();
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        try {
            JsonNode n = WireJson.readTree(new String(r.body(), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) throw new IllegalStateException("not a JSON object");
            return n;
        } catch (Exception e) {
            throw new BosunClientException(
                    ErrorCode.INTERNAL,
                    "server answered " + r.statusCode() + " to " + r.request().method() + " "
                            + r.uri().getPath() + " with a body that is not a JSON object",
                    Map.of("http_status", r.statusCode()));
        }
    }
}
