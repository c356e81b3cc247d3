package dev.bosun.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.EventListener;
import dev.bosun.event.SystemEvents;
import dev.bosun.fleet.RoutingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Bosun's Prometheus metrics. The holodeck series are derived from the committed event log (this
 * class is one of its consumers), so they count exactly what the log says happened, whoever did it:
 * the API, the reaper or a worker's exit.
 *
 * <ul>
 *   <li>{@code holodeck_session_active_total} (gauge, see {@link #scrape}), {@code holodeck_session_completed_total{outcome}},
 *       {@code holodeck_session_duration_seconds}</li>
 *   <li>{@code holodeck_task_started_total}, {@code holodeck_task_completed_total{outcome}},
 *       {@code holodeck_task_duration_seconds{outcome}}</li>
 *   <li>{@code holodeck_h1_routing_decisions_total{agent_id}}, {@code holodeck_emergence_alerts_total},
 *       {@code holodeck_h1_before_routing{agent_id}}, {@code holodeck_h1_after_routing{agent_id}}</li>
 *   <li>{@code bosun_events_total{direction}}, {@code bosun_reaper_expirations_total{reason}},
 *       {@code bosun_wake_seconds{kind}}, {@code bosun_streams_open}, {@code bosun_http_requests_seconds{method,route,status}},
 *       {@code bosun_store_commit_seconds}</li>
 *   <li>the process and the node: JVM, CPU, files, uptime, {@code bosun_ready}, {@code bosun_disk_free_bytes},
 *       {@code bosun_reaper_sweeps_total}, HikariCP's pool, Jetty's threads: see {@link RuntimeMetrics}</li>
 *   <li>with a remote router: {@code bosun_router_drift_agents}, {@code bosun_router_resyncs_total}</li>
 *   <li>tiles, webhooks and listeners: see {@link DeliveryMetrics}</li>
 * </ul>
 */
public final class Metrics implements EventListener, AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionManager manager;
    private final Counter alerts;
    private final Map<String, AtomicLong> h1Before = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> h1After = new ConcurrentHashMap<>();
    private final RuntimeMetrics runtime;
    /** HTTP latency buckets: 5 ms to 30 s (long-polls and streams fall in the last ones). */
    private static final Duration[] HTTP_BUCKETS = java.util.stream.Stream.of(
                    5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    public Metrics(SessionManager manager, IntSupplier openStreams) {
        this.manager = manager;
        // Strongly held: a gauge keeps only a weak reference to its object, and a method reference
        // (gate::open) is referenced by nothing else, so it was collected and the gauge read NaN.
        Gauge.builder("bosun.streams.open", openStreams, IntSupplier::getAsInt)
                .strongReference(true)
                .description("Open long-polls and SSE streams")
                .register(registry);
        Timer commits = Timer.builder("bosun.store.commit")
                .description("Store commit latency")
                .publishPercentileHistogram()
                .register(registry);
        manager.store().addCommitTimer(n -> commits.record(Duration.ofNanos(n)));
        manager.addListener(this);
        // Registered up front so that a dashboard sees 0 rather than no series before the first alert.
        alerts = Counter.builder("holodeck.emergence.alerts")
                .description("Crossings of the fleet graph into emergence")
                .register(registry);
        manager.fleet().onEmergenceAlert(a -> alerts.increment());
        new DeliveryMetrics(registry, manager);
        runtime = new RuntimeMetrics(registry, manager);
        manager.fleet().remoteSync().ifPresent(sync -> {
            Gauge.builder("bosun.router.drift.agents", sync, x -> x.status().drift())
                    .description(
                            "Bosun's agents the remote router lacked or held with other capabilities at the last check")
                    .register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder(
                            "bosun.router.resyncs", sync, x -> x.status().resynced())
                    .description("Agents re-registered with the remote router because it had lost or changed them")
                    .register(registry);
        });
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * The Prometheus text exposition. {@code holodeck_session_active_total} is written here rather than
     * through Micrometer: the holodeck design names a gauge with a {@code _total} suffix, which the
     * Prometheus client reserves for counters and strips, and dashboards built on that design expect
     * the exact name.
     */
    public String scrape() {
        return registry.scrape()
                + "# HELP holodeck_session_active_total Sessions not yet ended\n"
                + "# TYPE holodeck_session_active_total gauge\n"
                + "holodeck_session_active_total " + (double) manager.store().liveSessionCount() + "\n";
    }

    @Override
    public void onEvent(Event e) {
        Counter.builder("bosun.events")
                .description("Events committed to session logs, by direction")
                .tag("direction", e.direction().value())
                .register(registry)
                .increment();
        if (e.direction() != Direction.SYSTEM) return;
        var p = e.payload();
        switch (e.type()) {
            case SystemEvents.SESSION_ENDED -> {
                String outcome = p.path("outcome").asText("unknown");
                Counter.builder("holodeck.session.completed")
                        .description("Sessions ended, by outcome")
                        .tag("outcome", outcome)
                        .register(registry)
                        .increment();
                if (p.has("duration_seconds")) {
                    Timer.builder("holodeck.session.duration")
                            .description("Session lifetimes, start to end")
                            .register(registry)
                            .record(Duration.ofMillis(
                                    Math.round(p.get("duration_seconds").asDouble() * 1000)));
                }
                String reason = p.path("reason").asText("");
                Counter.builder("bosun.sessions.ended")
                        .description("Sessions ended, by end reason (worker_lost, expired_idle, ...)")
                        .tag("reason", reason.isEmpty() ? "unknown" : reason)
                        .register(registry)
                        .increment();
                if (reason.startsWith("expired_")) {
                    Counter.builder("bosun.reaper.expirations")
                            .description("Sessions the reaper ended, by reason")
                            .tag("reason", reason)
                            .register(registry)
                            .increment();
                }
            }
            case SystemEvents.TASK_STARTED -> {
                Counter.builder("holodeck.task.started")
                        .description("Tasks started")
                        .register(registry)
                        .increment();
                // A session's task routed on add: its decision is in the event, and only there.
                JsonNode r = p.path("routing");
                if (r.isObject())
                    routed(
                            r.path("agent_id").asText(),
                            r.path("h1_before").asLong(),
                            r.path("h1_after").asLong());
            }
            case SystemEvents.TASK_COMPLETED -> {
                String outcome = p.path("outcome").asText("unknown");
                Counter.builder("holodeck.task.completed")
                        .description("Tasks completed, by outcome")
                        .tag("outcome", outcome)
                        .register(registry)
                        .increment();
                if (p.has("duration_ms")) {
                    Timer.builder("holodeck.task.duration")
                            .description("Task durations as reported on completion, by outcome")
                            .tag("outcome", outcome)
                            .register(registry)
                            .record(Duration.ofMillis(p.get("duration_ms").asLong()));
                }
            }
            default -> {}
        }
    }

    /**
     * A routing decision made outside a session ({@code POST /v1/route}); those of session tasks are
     * counted from their {@code task_started} events, so each decision is counted once.
     */
    public void routed(RoutingDecision d) {
        routed(d.agentId(), d.h1Before(), d.h1After());
    }

    private void routed(String agentId, long before, long after) {
        Counter.builder("holodeck.h1.routing.decisions")
                .description("Routing decisions by chosen agent")
                .tag("agent_id", agentId)
                .register(registry)
                .increment();
        gauge(h1Before, "holodeck.h1.before.routing", "β₁ before the last decision that chose the agent", agentId)
                .set(before);
        gauge(h1After, "holodeck.h1.after.routing", "β₁ after the last decision that chose the agent", agentId)
                .set(after);
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String name, String description, String agentId) {
        return values.computeIfAbsent(agentId, id -> {
            var v = new AtomicLong();
            // The map holds the value strongly: Micrometer's gauges only keep a weak reference.
            Gauge.builder(name, v, AtomicLong::get)
                    .description(description)
                    .tag("agent_id", id)
                    .register(registry);
            return v;
        });
    }

    /** Time from an event's commit to a waiting client receiving it ({@code kind} long_poll or sse). */
    public void wake(String kind, Instant committedAt) {
        Duration d = Duration.between(committedAt, Instant.now());
        Timer.builder("bosun.wake")
                .description("From an event's commit to a waiting client receiving it")
                .tag("kind", kind)
                .publishPercentileHistogram()
                .register(registry)
                .record(d.isNegative() ? Duration.ZERO : d);
    }

    /** Jetty's request thread pool ({@code jetty_threads_*}), bound as the server is built. */
    public void bindJetty(org.eclipse.jetty.util.thread.ThreadPool pool) {
        RuntimeMetrics.jetty(registry, pool);
    }

    /** Requests inside the server now, streams and long-polls included ({@code bosun_http_in_flight}). */
    public void bindInFlight(IntSupplier inFlight) {
        Gauge.builder("bosun.http.in.flight", inFlight, IntSupplier::getAsInt)
                .strongReference(true)
                .description("Requests being handled now, long-polls and streams included")
                .register(registry);
    }

    /** Open connections of the server's connector ({@code bosun_http_connections}). */
    public void bindConnector(org.eclipse.jetty.server.ServerConnector connector) {
        Gauge.builder(
                        "bosun.http.connections",
                        connector,
                        c -> c.getConnectedEndPoints().size())
                .strongReference(true)
                .description("Open HTTP connections, idle keep-alive ones included")
                .register(registry);
    }

    @Override
    public void close() {
        runtime.close();
    }

    public void http(String method, String route, int status, float ms) {
        httpTimers
                .computeIfAbsent(new HttpSeries(method, route, status), this::httpTimer)
                .record((long) (ms * 1_000_000), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The labels of one {@code bosun.http.requests} series; as bounded as the registry's own series. */
    private record HttpSeries(String method, String route, int status) {}

    /**
     * The timer of each series, looked up once: building and registering a Micrometer id (tags
     * sorted, the id hashed, the registry's map searched) on every request cost more than the
     * recording itself (D115).
     */
    private final Map<HttpSeries, Timer> httpTimers = new ConcurrentHashMap<>();

    private Timer httpTimer(HttpSeries s) {
        return Timer.builder("bosun.http.requests")
                .description("HTTP requests by method, route template and status")
                .tag("method", s.method())
                .tag("route", s.route())
                .tag("status", Integer.toString(s.status()))
                .serviceLevelObjectives(HTTP_BUCKETS)
                .register(registry);
    }
}
