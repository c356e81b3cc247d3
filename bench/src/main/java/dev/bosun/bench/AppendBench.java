package dev.bosun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.json.Json;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Events appended per second through {@link SessionManager#emit} with 1, 16 and 256 concurrent
 * writers (virtual threads), each appending to its own session (no workers), on a fresh SQLite data
 * dir; then, in the same run and on the same file, the raw rate of batched plain-JDBC inserts. Done
 * with {@code synchronous=FULL} (the default) and again with {@code NORMAL}.
 */
final class AppendBench {
    private static final int[] WRITERS = {1, 16, 256};
    private static final int RAW_BATCH = 512;
    private static final double TARGET_16 = 20_000;
    // About the size of a small agent message.
    static final String PAYLOAD = "{\"kind\":\"progress\",\"step\":17,\"note\":\"analysed the H1 data set; "
            + "next: write the report section on emergence\",\"ok\":true}";

    private final BenchEnv env;
    private final Duration warmup;
    private final Duration measure;

    AppendBench(BenchEnv env) {
        this.env = env;
        this.warmup = env.quick() ? Duration.ofMillis(200) : Duration.ofSeconds(2);
        this.measure = env.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    }

    /** One concurrency level's outcome. */
    record Level(int writers, long events, long nanos, Latencies.Summary latency, CpuMeter.Usage cpu) {
        double perSecond() {
            return events * 1e9 / nanos;
        }
    }

    void run() throws Exception {
        var r = new Report("append");
        r.line(
                "what",
                "SessionManager.emit of a " + PAYLOAD.length() + "-byte JSON payload; each writer a virtual thread "
                        + "appending to its own session (no worker)");
        r.line(
                "timing",
                "per level: " + warmup.toMillis() + " ms warm-up, then " + measure.toMillis()
                        + " ms measured; fresh data dir per sync mode");
        r.line(
                "baseline",
                "plain JDBC, 1 thread, " + RAW_BATCH + " rows per transaction, same file and PRAGMAs, "
                        + "table shaped like events");
        Level sixteenFull = null;
        for (boolean fullSync : new boolean[] {true, false}) {
            String mode = fullSync ? "synchronous=FULL (default)" : "synchronous=NORMAL (Options(false))";
            Path dir = env.freshDir("append-" + (fullSync ? "full" : "normal"));
            List<Level> levels = bosun(dir, fullSync);
            RawInsert.Result raw = RawInsert.measure(
                    dir.resolve(SqliteStore.FILE_NAME), fullSync, RAW_BATCH, 16, PAYLOAD, warmup, measure);
            RawInsert.Result rawSingle =
                    RawInsert.measure(dir.resolve(SqliteStore.FILE_NAME), fullSync, 1, 16, PAYLOAD, warmup, measure);
            r.text("");
            r.text("-- " + mode + " --");
            for (Level l : levels) {
                r.line(
                        l.writers() + " writer" + (l.writers() == 1 ? "" : "s"),
                        String.format(
                                "%s  (%,d events; %.1f%% of raw)",
                                Report.rate(l.perSecond()), l.events(), 100 * l.perSecond() / raw.perSecond()));
                r.line("  emit latency", l.latency());
                r.line("  cpu", l.cpu());
                double writer = l.cpu().group(CpuMeter.WRITER);
                r.line(
                        "  per event",
                        String.format(
                                "%.0f µs CPU in the writer thread, %.0f µs in the whole process",
                                writer * 1e6 / l.perSecond(), l.cpu().processCores() * 1e6 / l.perSecond()));
            }
            r.line(
                    "raw, " + RAW_BATCH + " rows/txn",
                    String.format("%s  (%,d rows)", Report.rate(raw.perSecond()), raw.rows()));
            r.line(
                    "raw, 1 row/txn",
                    String.format("%s  (= commits/s; %,d rows)", Report.rate(rawSingle.perSecond()), rawSingle.rows()));
            for (Level l : levels) {
                r.line("ratio Bosun/raw @" + l.writers(), String.format("%.3f", l.perSecond() / raw.perSecond()));
            }
            if (fullSync) sixteenFull = levels.get(1);
        }
        r.text("");
        r.line(
                "target",
                "16 writers, default sync: " + Report.rate(sixteenFull.perSecond()) + " -> "
                        + Report.verdict(sixteenFull.perSecond() >= TARGET_16, ">= 20,000 events/s"));
        r.print();
    }

    private List<Level> bosun(Path dir, boolean fullSync) throws Exception {
        var out = new ArrayList<Level>();
        var config = env.config(dir, Map.of());
        try (var store = SqliteStore.open(dir, new SqliteStore.Options(fullSync));
                var manager = SessionManager.builder(config).store(store).build()) {
            JsonNode payload = Json.parse(PAYLOAD);
            for (int writers : WRITERS) out.add(level(manager, writers, payload));
        }
        return out;
    }

    private Level level(SessionManager manager, int writers, JsonNode payload) throws InterruptedException {
        var sessions = new ArrayList<String>();
        for (int i = 0; i < writers; i++) {
            sessions.add(manager.startSession(
                            SessionConfig.builder("bench-append", "writer-" + i).build())
                    .id());
        }
        var calls = new ArrayList<Runnable>();
        for (String id : sessions) calls.add(() -> manager.emit(id, "progress", payload));
        return drive(calls, warmup, measure);
    }

    /**
     * Runs each call in a loop on its own virtual thread: {@code warmup}, then {@code measure} during
     * which the calls that complete are timed and counted. One failure stops the run.
     */
    static Level drive(List<Runnable> calls, Duration warmup, Duration measure) throws InterruptedException {
        // 0 = warming up, 1 = measuring, 2 = stop. Only calls that complete while measuring count.
        var phase = new java.util.concurrent.atomic.AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        var recorders = new ArrayList<Latencies>();
        var threads = new ArrayList<Thread>();
        for (Runnable call : calls) {
            var lat = new Latencies();
            recorders.add(lat);
            threads.add(Thread.ofVirtual().name("append-writer").start(() -> {
                try {
                    while (phase.get() != 2) {
                        long t0 = System.nanoTime();
                        call.run();
                        long t = System.nanoTime() - t0;
                        if (phase.get() == 1) lat.add(t);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    phase.set(2);
                }
            }));
        }
        Thread.sleep(warmup);
        var cpu = CpuMeter.start();
        long start = System.nanoTime();
        phase.compareAndSet(0, 1);
        Thread.sleep(measure);
        phase.set(2);
        long nanos = System.nanoTime() - start;
        var usage = cpu.stop();
        for (Thread t : threads) t.join();
        if (failure.get() != null) throw new IllegalStateException("a writer failed", failure.get());
        Latencies all = Latencies.merge(recorders);
        return new Level(calls.size(), all.size(), nanos, all.summary(), usage);
    }
}
