package dev.bosun.server.metrics;

import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.EventListener;
import dev.bosun.event.SystemEvents;
import dev.bosun.session.SessionManager;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
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
 *   <li>{@code bosun_events_total{direction}}, {@code bosun_reaper_expirations_total{reason}},
 *       {@code bosun_wake_seconds{kind}}, {@code bosun_streams_open}, {@code bosun_http_requests_seconds{method,route,status}},
 *       {@code bosun_store_commit_seconds}</li>
 * </ul>
 */
public final class Metrics implements EventListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionManager manager;

    public Metrics(SessionManager manager, IntSupplier openStreams) {
        this.manager = manager;
        Gauge.builder("bosun.streams.open", openStreams, IntSupplier::getAsInt)
                .description("Open long-polls and SSE streams").register(registry);
        Timer commits = Timer.builder("bosun.store.commit").description("Store commit latency")
                .publishPercentileHistogram().register(registry);
        manager.store().addCommitTimer(n -> commits.record(Duration.ofNanos(n)));
        manager.addListener(this);
    }

    public PrometheusMeterRegistry registry() { return registry; }

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
        Counter.builder("bosun.events").tag("direction", e.direction().value()).register(registry).increment();
        if (e.direction() != Direction.SYSTEM) return;
        var p = e.payload();
        switch (e.type()) {
            case SystemEvents.SESSION_ENDED -> {
                String outcome = p.path("outcome").asText("unknown");
                Counter.builder("holodeck.session.completed").tag("outcome", outcome).register(registry).increment();
                if (p.has("duration_seconds")) {
                    Timer.builder("holodeck.session.duration").register(registry)
                            .record(Duration.ofMillis(Math.round(p.get("duration_seconds").asDouble() * 1000)));
                }
                String reason = p.path("reason").asText("");
                if (reason.startsWith("expired_")) {
                    Counter.builder("bosun.reaper.expirations").tag("reason", reason).register(registry).increment();
                }
            }
            case SystemEvents.TASK_STARTED -> Counter.builder("holodeck.task.started").register(registry).increment();
            case SystemEvents.TASK_COMPLETED -> {
                String outcome = p.path("outcome").asText("unknown");
                Counter.builder("holodeck.task.completed").tag("outcome", outcome).register(registry).increment();
                if (p.has("duration_ms")) {
                    Timer.builder("holodeck.task.duration").tag("outcome", outcome).register(registry)
                            .record(Duration.ofMillis(p.get("duration_ms").asLong()));
                }
            }
            default -> { }
        }
    }

    /** Time from an event's commit to a waiting client receiving it ({@code kind} long_poll or sse). */
    public void wake(String kind, Instant committedAt) {
        Duration d = Duration.between(committedAt, Instant.now());
        Timer.builder("bosun.wake").tag("kind", kind).publishPercentileHistogram().register(registry)
                .record(d.isNegative() ? Duration.ZERO : d);
    }

    public void http(String method, String route, int status, float ms) {
        Timer.builder("bosun.http.requests").tag("method", method).tag("route", route)
                .tag("status", Integer.toString(status)).register(registry)
                .record(Duration.ofNanos((long) (ms * 1_000_000)));
    }
}
