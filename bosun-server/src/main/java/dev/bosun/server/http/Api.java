package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.auth.RateLimiter;
import dev.bosun.server.metrics.Metrics;
import dev.bosun.session.SessionManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Registers the {@code /v1} routes behind the auth, rate-limit and body-size filter. */
public final class Api {
    private final SessionManager manager;
    private final ApiKeys keys;
    private final RateLimiter limiter;
    private final long maxRequestBytes;
    private final SessionRoutes sessions;
    private final EventRoutes events;
    private final TaskRoutes tasks;

    public Api(SessionManager manager, ApiKeys keys, RateLimiter limiter, StreamGate gate, Metrics metrics, Clock clock,
               Duration sseHeartbeat, long maxRequestBytes) {
        this.manager = manager;
        this.keys = keys;
        this.limiter = limiter;
        this.maxRequestBytes = maxRequestBytes;
        this.sessions = new SessionRoutes(manager, clock);
        this.events = new EventRoutes(manager, gate, metrics, sseHeartbeat);
        this.tasks = new TaskRoutes(manager);
    }

    public void register(RouteTable r) {
        r.before("/v1/*", ctx -> {
            String auth = ctx.header("Authorization");
            String tenant = keys.tenant(Optional.ofNullable(auth));
            ctx.attribute(Scope.TENANT, tenant);
            // Rate by key (its hash) when keys are on; by client address otherwise.
            limiter.acquire(keys.enabled() ? "key:" + ApiKeys.sha256(auth.substring(7).strip()) : "ip:" + ctx.ip());
            if (ctx.contentLength() > maxRequestBytes) {
                throw BosunException.tooLarge("body", ctx.contentLength(), maxRequestBytes);
            }
        });
        sessions.register(r);
        events.register(r);
        tasks.register(r);
    }

    SessionManager manager() { return manager; }

    /**
     * The fields each JSON request body may carry, by the route that reads it: the same sets the
     * routes parse with, so a test can hold the OpenAPI request schemas to them.
     */
    public static Map<RouteTable.Route, Set<String>> requestFields() {
        return Map.of(
                new RouteTable.Route("POST", "/v1/sessions"), SessionRoutes.CREATE_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/end"), SessionRoutes.END_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/terminate"), SessionRoutes.TERMINATE_FIELDS,
                new RouteTable.Route("DELETE", "/v1/sessions/{id}"), SessionRoutes.TERMINATE_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/events"), EventRoutes.EVENT_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/emit"), EventRoutes.EVENT_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/tasks"), TaskRoutes.ADD_FIELDS,
                new RouteTable.Route("POST", "/v1/sessions/{id}/tasks/{task_id}/complete"), TaskRoutes.COMPLETE_FIELDS);
    }
}
