package dev.bosun.server.metrics;

import dev.bosun.SessionManager;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryObserver;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.listener.ListenerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Tiles, webhooks and listeners:
 * <ul>
 *   <li>{@code bosun_deliveries_total{kind,outcome}}: attempts by what came of them — {@code delivered},
 *       {@code rejected}, {@code retried}, {@code dead} ({@code kind} is {@code tile} or {@code webhook});</li>
 *   <li>{@code bosun_delivery_latency_seconds{kind}}: from the event's commit to the receiver's 2xx;</li>
 *   <li>{@code bosun_delivery_backlog{kind,state}}: deliveries by state (the backlog is {@code state="pending"}),
 *       read from the store at most once a second whatever the scrape rate;</li>
 *   <li>{@code bosun_delivery_targets_paused{kind}}: targets this node has paused (retrying could not fix
 *       what they answer), and {@code bosun_delivery_pauses_total{kind,cause}}: pauses by cause
 *       ({@code auth}, {@code crash});</li>
 *   <li>{@code bosun_listener_calls_total{result}}: library listener calls — {@code ok}, {@code failed},
 *       {@code timeout}, {@code dropped}.</li>
 * </ul>
 */
final class DeliveryMetrics implements DeliveryObserver {
    private static final long BACKLOG_TTL_NANOS = Duration.ofSeconds(1).toNanos();

    private final MeterRegistry registry;
    private final SessionManager manager;
    private final Map<DeliveryKind, Map<String, Counter>> counters = new EnumMap<>(DeliveryKind.class);
    private final Map<DeliveryKind, Timer> latency = new EnumMap<>(DeliveryKind.class);
    private final Map<DeliveryKind, Backlog> backlogs = new EnumMap<>(DeliveryKind.class);

    /** One store read serves every state's gauge of a kind for a second. */
    private final class Backlog {
        private final DeliveryKind kind;
        private Map<DeliveryState, Long> counts = Map.of();
        private long readAt;

        Backlog(DeliveryKind kind) {
            this.kind = kind;
        }

        synchronized double count(DeliveryState state) {
            long now = System.nanoTime();
            if (counts.isEmpty() || now - readAt > BACKLOG_TTL_NANOS) {
                try {
                    counts = manager.store().deliveries().countByState(kind);
                } catch (RuntimeException e) {
                    return Double.NaN; // the store is down: say so rather than report an old count
                }
                readAt = now;
            }
            return counts.getOrDefault(state, 0L);
        }
    }

    DeliveryMetrics(MeterRegistry registry, SessionManager manager) {
        this.registry = registry;
        this.manager = manager;
        for (DeliveryKind kind : DeliveryKind.values()) {
            var byOutcome = new java.util.HashMap<String, Counter>();
            for (String outcome : new String[] {"delivered", "rejected", "retried", "dead"}) {
                byOutcome.put(
                        outcome,
                        Counter.builder("bosun.deliveries")
                                .description("Tile and webhook delivery attempts by outcome")
                                .tag("kind", kind.wire())
                                .tag("outcome", outcome)
                                .register(registry));
            }
            counters.put(kind, byOutcome);
            latency.put(
                    kind,
                    Timer.builder("bosun.delivery.latency")
                            .description("From an event's commit to its receiver's 2xx")
                            .tag("kind", kind.wire())
                            .publishPercentileHistogram()
                            .register(registry));
            Backlog b = new Backlog(kind);
            backlogs.put(kind, b);
            Gauge.builder(
                            "bosun.delivery.targets.paused",
                            manager,
                            m -> m.relay().troubled(kind).stream()
                                    .filter(h -> h.status() == dev.bosun.delivery.TargetHealth.Status.PAUSED)
                                    .count())
                    .description("Delivery targets paused: failing in a way retrying cannot fix")
                    .tag("kind", kind.wire())
                    .register(registry);
            for (DeliveryState state : DeliveryState.values()) {
                Gauge.builder("bosun.delivery.backlog", b, x -> x.count(state))
                        .description("Deliveries by state")
                        .tag("kind", kind.wire())
                        .tag("state", state.wire())
                        .register(registry);
            }
        }
        listenerCounter("ok", ListenerStats::calls);
        listenerCounter("failed", ListenerStats::failures);
        listenerCounter("timeout", ListenerStats::timeouts);
        listenerCounter("dropped", ListenerStats::dropped);
        manager.relay().addObserver(this);
    }

    private void listenerCounter(String result, ToDoubleFunction<ListenerStats> f) {
        FunctionCounter.builder(
                        "bosun.listener.calls",
                        manager,
                        m -> f.applyAsDouble(m.listeners().stats()))
                .description("Library listener calls by result")
                .tag("result", result)
                .register(registry);
    }

    @Override
    public void delivered(DeliveryKind kind, Duration latency) {
        counters.get(kind).get("delivered").increment();
        this.latency.get(kind).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    @Override
    public void rejected(DeliveryKind kind) {
        counters.get(kind).get("rejected").increment();
    }

    @Override
    public void retried(DeliveryKind kind) {
        counters.get(kind).get("retried").increment();
    }

    @Override
    public void dead(DeliveryKind kind) {
        counters.get(kind).get("dead").increment();
    }

    @Override
    public void paused(DeliveryKind kind, String target, String cause) {
        // By cause, not by target: webhook targets are per tenant and would be unbounded labels.
        Counter.builder("bosun.delivery.pauses")
                .description("Delivery targets paused, by cause")
                .tag("kind", kind.wire())
                .tag("cause", cause)
                .register(registry)
                .increment();
    }
}
