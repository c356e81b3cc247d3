package dev.bosun.server.metrics;

import dev.bosun.SessionManager;
import dev.bosun.store.postgres.PostgresStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * The series about the process rather than the sessions: JVM memory, GC, threads and class loading,
 * CPU, open files and uptime (Micrometer's binders); the node's health as {@code /readyz} judges it
 * (store, disk floor, reaper); HikariCP's pool with a PostgreSQL store; Jetty's thread pool.
 */
final class RuntimeMetrics implements AutoCloseable {
    private final JvmGcMetrics gc = new JvmGcMetrics();

    RuntimeMetrics(MeterRegistry registry, SessionManager manager) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        health(registry, manager);
        if (manager.store() instanceof PostgresStore pg) {
            pg.bindMetrics(registry);
            FunctionCounter.builder("bosun.store.lease.lost", pg, PostgresStore::leaseLosses)
                    .description(
                            "Times this node's PostgreSQL lease lapsed or was removed: other nodes took over its workers")
                    .register(registry);
        }
    }

    private static void health(MeterRegistry registry, SessionManager manager) {
        Gauge.builder(
                        "bosun.ready",
                        manager,
                        m -> m.store().health().ready()
                                        && !m.disk().low()
                                        && m.reaper().alive()
                                ? 1
                                : 0)
                .description(
                        "1 when /readyz answers ready: writes commit, the disk is over min_free_disk, the reaper runs")
                .register(registry);
        Gauge.builder("bosun.store.ready", manager, m -> m.store().health().ready() ? 1 : 0)
                .description("1 when the store's latest commits and probe succeeded")
                .register(registry);
        Gauge.builder("bosun.disk.free", manager, m -> m.disk().freeBytes().orElse(-1))
                .baseUnit("bytes")
                .description("Usable bytes on the data dir's file system (-1 when unknown)")
                .register(registry);
        Gauge.builder("bosun.disk.min.free", manager, m -> m.disk().minFree())
                .baseUnit("bytes")
                .description("min_free_disk: under it new sessions and sends are refused with 507")
                .register(registry);
        Gauge.builder("bosun.reaper.alive", manager, m -> m.reaper().alive() ? 1 : 0)
                .description("1 while the reaper's thread runs")
                .register(registry);
        FunctionCounter.builder("bosun.reaper.sweeps", manager, m -> m.reaper().sweeps())
                .description("Reaper sweeps done (expiry, task timeouts, purges); flat means the reaper lags")
                .register(registry);
    }

    /** Jetty's request thread pool, bound when the server is built. */
    static void jetty(MeterRegistry registry, ThreadPool pool) {
        new JettyServerThreadPoolMetrics(pool, Tags.empty()).bindTo(registry);
    }

    @Override
    public void close() {
        gc.close();
    }
}
