package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.auth.RateLimiter;
import dev.bosun.server.metrics.Metrics;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.CreateWebhook;
import dev.bosun.wire.EndSession;
import dev.bosun.wire.RegisterAgent;
import dev.bosun.wire.RegisterAgentCompat;
import dev.bosun.wire.RouteRequest;
import dev.bosun.wire.RouteRequestCompat;
import dev.bosun.wire.SendEvent;
import dev.bosun.wire.Terminate;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Registers the {@code /v1} routes (and, with {@code fleet_compat_paths}, the fleet-h1-router's bare
 * paths) behind the auth, rate-limit and body-size filter.
 */
public final class Api {
    private final SessionManager manager;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final RateLimiter authFailures;
    private final long maxRequestBytes;
    private final SessionRoutes sessions;
    private final EventRoutes events;
    private final TaskRoutes tasks;
    private final FleetRoutes fleet;
    private final DeliveryRoutes deliveries;
    private final IdempotentPosts idempotent;

    public Api(
            SessionManager manager,
            ApiKeys keys,
            RateLimiter limiter,
            RateLimiter authFailures,
            StreamGate gate,
            Metrics metrics,
            Clock clock,
            Duration sseHeartbeat,
            long maxRequestBytes) {
        this.manager = manager;
        this.keys = keys;
        this.limiter = limiter;
        this.authFailures = authFailures;
        this.maxRequestBytes = maxRequestBytes;
        this.sessions = new SessionRoutes(manager, clock);
        this.events = new EventRoutes(manager, gate, metrics, sseHeartbeat);
        this.tasks = new TaskRoutes(manager);
        this.fleet = new FleetRoutes(manager, metrics, clock);
        this.deliveries = new DeliveryRoutes(manager);
        this.idempotent = new IdempotentPosts(manager, clock);
    }

    public void register(RouteTable table) {
        table.before("/v1/*", this::authenticate);
        // Every POST of the API honours an Idempotency-Key (D78).
        RouteTable r = table.decoratingPosts(idempotent::wrap);
        // The fleet-h1-router's bare paths act on a tenant's fleet like /v1 does, so they pass the same door.
        if (manager.config().routing().compatPaths()) {
            for (String path : FleetRoutes.COMPAT_PATHS) r.before(path, this::authenticate);
        }
        sessions.register(r);
        events.register(r);
        tasks.register(r);
        fleet.register(r);
        deliveries.register(r);
    }

    /** Whether requests to {@code path} (as registered) pass the auth, rate-limit and body-size filter. */
    public static boolean authenticated(String path) {
        return path.startsWith("/v1/") || FleetRoutes.COMPAT_PATHS.contains(path);
    }

    private void authenticate(Context ctx) {
        String auth = ctx.header("Authorization");
        String tenant = authenticatedTenant(ctx, auth);
        ctx.attribute(Scope.TENANT, tenant);
        org.slf4j.MDC.put("tenant", tenant);
        // Rate by key (its hash) when keys are on; by client address otherwise.
        limiter.acquire(
                keys.enabled() ? "key:" + ApiKeys.sha256(auth.substring(7).strip()) : "ip:" + ctx.ip());
        if (ctx.contentLength() > maxRequestBytes) {
            throw BosunException.tooLarge("body", ctx.contentLength(), maxRequestBytes);
        }
    }

    /**
     * The caller's tenant. Failures are counted per client address and, past {@code auth_failure_rate},
     * the address gets 429 before its key is even looked at, so keys cannot be guessed at speed (D58).
     */
    private String authenticatedTenant(Context ctx, String auth) {
        if (!keys.enabled()) return keys.tenant(Optional.empty());
        String caller = "ip:" + ctx.ip();
        authFailures.requireToken(caller);
        try {
            return keys.tenant(Optional.ofNullable(auth));
        } catch (BosunException e) {
            authFailures.acquire(caller);
            throw e;
        }
    }

    SessionManager manager() {
        return manager;
    }

    /**
     * The fields each JSON request body may carry, by the route that reads it: the properties of the
     * route's wire record ({@link #requestTypes()}), the same sets the routes parse with, so a test
     * can hold the OpenAPI request schemas to them.
     */
    public static Map<RouteTable.Route, Set<String>> requestFields() {
        Map<RouteTable.Route, Set<String>> out = new java.util.HashMap<>();
        requestTypes().forEach((route, type) -> out.put(route, WireFields.names(type)));
        return Map.copyOf(out);
    }

    /** The wire record (bosun-wire) each JSON request body is, by the route that reads it. */
    public static Map<RouteTable.Route, Class<? extends Record>> requestTypes() {
        return Map.ofEntries(
                Map.entry(new RouteTable.Route("POST", "/v1/sessions"), CreateSession.class),
                Map.entry(new RouteTable.Route("POST", "/v1/sessions/{id}/end"), EndSession.class),
                Map.entry(new RouteTable.Route("POST", "/v1/sessions/{id}/terminate"), Terminate.class),
                Map.entry(new RouteTable.Route("DELETE", "/v1/sessions/{id}"), Terminate.class),
                Map.entry(new RouteTable.Route("POST", "/v1/sessions/{id}/events"), SendEvent.class),
                Map.entry(new RouteTable.Route("POST", "/v1/sessions/{id}/emit"), SendEvent.class),
                Map.entry(new RouteTable.Route("POST", "/v1/sessions/{id}/tasks"), AddTask.class),
                Map.entry(
                        new RouteTable.Route("POST", "/v1/sessions/{id}/tasks/{task_id}/complete"), CompleteTask.class),
                Map.entry(new RouteTable.Route("POST", "/v1/agents"), RegisterAgent.class),
                Map.entry(new RouteTable.Route("POST", "/v1/route"), RouteRequest.class),
                Map.entry(new RouteTable.Route("POST", "/v1/fleet/route"), RouteRequest.class),
                Map.entry(new RouteTable.Route("POST", "/v1/fleet/register/agent"), RegisterAgent.class),
                Map.entry(new RouteTable.Route("POST", "/v1/webhooks"), CreateWebhook.class),
                // Served only with fleet_compat_paths=true.
                Map.entry(new RouteTable.Route("POST", "/route"), RouteRequestCompat.class),
                Map.entry(new RouteTable.Route("POST", "/register/agent"), RegisterAgentCompat.class));
    }
}
