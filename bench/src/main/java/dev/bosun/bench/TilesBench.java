package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.contract.FakePlato;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.sqlite.SqliteStore;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import dev.bosun.util.Page;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tile relay against a local PLATO-compatible server ({@link FakePlato}: the real {@code /submit}
 * contract over HTTP on loopback, including its duplicate check).
 * <ol>
 *   <li><b>steady</b>: sessions (start, one task, end: 4 tiles each) at a steady 50 per second, 200
 *       tiles/s, well under capacity: each tile's latency from its event's commit to PLATO's 2xx;</li>
 *   <li><b>live</b>: the same sessions as fast as 16 threads can run them while the relay delivers:
 *       throughput over the run, and the latency when the store is saturated (queueing);</li>
 *   <li><b>raw</b>: the same number of tiles POSTed straight to the same server at the same concurrency,
 *       with nothing stored: the limit of the HTTP path alone, for the ratio;</li>
 *   <li><b>backlog</b>: PLATO is down while 100 000 tiles pile up (25 000 sessions); then it comes back
 *       and the time to detect it (the relay probes a down target) and to drain the backlog is measured.</li>
 * </ol>
 */
final class TilesBench {
    private static final int THREADS = 16;
    private final BenchEnv env;
    private final int liveSessions;
    private final int backlogSessions;

    TilesBench(BenchEnv env) {
        this.env = env;
        this.liveSessions = env.quick() ? 200 : 2_500;
        this.backlogSessions = env.quick() ? 500 : 25_000;
    }

    void run() throws Exception {
        var report = new Report("tiles");
        report.line(
                "what",
                "tiles to a PLATO-compatible server on loopback (FakePlato: /submit with its gate and "
                        + "duplicate check); delivery_concurrency 16 (default), SQLite FULL sync");
        try (FakePlato plato = new FakePlato()) {
            steady(plato, report);
        }
        double live;
        try (FakePlato plato = new FakePlato()) {
            live = live(plato, report);
        }
        raw(report, live);
        try (FakePlato plato = new FakePlato()) {
            backlog(plato, report);
        }
        report.print();
    }

    private SessionManager manager(Path dir, SqliteStore store, URI plato) {
        var config = env.config(dir, Map.of("plato_url", plato.toString(), "max_sessions", 100_000));
        return SessionManager.builder(config).store(store).build();
    }

    private static void session(SessionManager m, int i) {
        Session s = m.startSession(SessionConfig.builder("bench-tiles-" + i, "oracle1")
                .tags("bench")
                .build());
        var t = m.addTask(s.id(), TaskSpec.builder("work").build());
        m.completeTask(s.id(), t.id(), TaskOutcome.SUCCESS);
        m.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
    }

    private static long count(SqliteStore store, DeliveryState state) {
        return store.deliveries().countByState(DeliveryKind.TILE).get(state);
    }

    private int liveTiles() {
        return liveSessions * 4;
    }

    /** Every delivered tile's latency, event commit to PLATO's 2xx, from the store's own records. */
    private static Latencies deliveredLatencies(SessionManager m) {
        return deliveredLatencies(m, java.time.Instant.EPOCH);
    }

    /** The same, for tiles of events committed at or after {@code since}. */
    private static Latencies deliveredLatencies(SessionManager m, java.time.Instant since) {
        var lat = new Latencies();
        Optional<String> after = Optional.empty();
        Page<Delivery> page;
        do {
            page = m.tiles().list("default", Optional.of(DeliveryState.DELIVERED), after, 1000);
            for (Delivery d : page.items()) {
                if (!d.eventAt().isBefore(since))
                    lat.add(Duration.between(d.eventAt(), d.deliveredAt().orElseThrow())
                            .toNanos());
            }
            after = page.nextCursor();
        } while (page.hasMore());
        return lat;
    }

    private void steady(FakePlato plato, Report report) throws Exception {
        int sessions = env.quick() ? 50 : 500;
        Path dir = env.freshDir("tiles-steady");
        try (var store = SqliteStore.open(dir);
                var m = manager(dir, store, plato.url())) {
            // Warm-up (JIT, the first connections), not measured: 100 sessions, all delivered.
            Parallel.run(100, 4, i -> session(m, -1 - i));
            while (plato.accepted().size() < 400) Thread.sleep(5);
            java.time.Instant measured = java.time.Instant.now();
            long t0 = System.nanoTime();
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < sessions; i++) {
                long due = t0 + i * 20_000_000L; // 50 sessions per second
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> session(m, n)));
            }
            for (Thread t : threads) t.join();
            while (plato.accepted().size() < 400 + sessions * 4) Thread.sleep(5);
            report.line(
                    "steady: 50 sessions/s",
                    String.format(
                            "%,d sessions, %,d tiles over %.1f s (after a warm-up of " + "100 sessions, not counted)",
                            sessions, sessions * 4, (System.nanoTime() - t0) / 1e9));
            report.line(
                    "steady: commit -> 2xx",
                    deliveredLatencies(m, measured).summary() + " (store clock, ms resolution)");
        }
    }

    /** @return tiles delivered per second over the run */
    private double live(FakePlato plato, Report report) throws Exception {
        Path dir = env.freshDir("tiles-live");
        try (var store = SqliteStore.open(dir);
                var m = manager(dir, store, plato.url())) {
            long t0 = System.nanoTime();
            Parallel.run(liveSessions, THREADS, i -> session(m, i));
            long made = System.nanoTime();
            while (plato.accepted().size() < liveTiles()) Thread.sleep(5);
            long done = System.nanoTime();
            var lat = deliveredLatencies(m);
            report.line(
                    "live: sessions",
                    String.format(
                            "%,d sessions (start, task, end) from %d threads in %.2f s; "
                                    + "%,d tiles all delivered %.2f s after the first session started",
                            liveSessions, THREADS, (made - t0) / 1e9, liveTiles(), (done - t0) / 1e9));
            report.line(
                    "live: throughput",
                    Report.rate(liveTiles() * 1e9 / (done - t0)) + " tiles delivered, over the whole run");
            report.line("live: commit -> 2xx", lat.summary() + " (milliseconds of the store's clock: ms resolution)");
            if (count(store, DeliveryState.DELIVERED) != liveTiles())
                throw new IllegalStateException("not every tile delivered");
            return liveTiles() * 1e9 / (done - t0);
        }
    }

    /** The same tiles' worth of POSTs at the same concurrency, nothing stored: the HTTP path's own limit. */
    private void raw(Report report, double live) throws Exception {
        try (FakePlato plato = new FakePlato()) {
            var client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            var slots = new Semaphore(THREADS);
            var sent = new AtomicInteger();
            long t0 = System.nanoTime();
            var threads = new ArrayList<Thread>();
            for (int i = 0; i < liveTiles(); i++) {
                slots.acquire();
                int n = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        // A room name without '/': the Room Server cannot save such a room and drops the
                        // connection (FakePlato models it), which is not what this phase measures.
                        var tile = Json.object()
                                .put("domain", "bench_raw")
                                .put("question", "[RAW] tile " + n)
                                .put("answer", "{\"n\":" + n + ",\"padding\":\"xxxxxxxxxxxxxxxxxxxx\"}")
                                .put("confidence", 1.0)
                                .put("source", "bench");
                        tile.set("tags", Json.MAPPER.createArrayNode().add("bench"));
                        var r = client.send(
                                HttpRequest.newBuilder(URI.create(plato.url() + "/submit"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(tile)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) sent.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Thread t : threads) t.join();
            long nanos = System.nanoTime() - t0;
            if (sent.get() != liveTiles()) throw new IllegalStateException("raw: only " + sent.get() + " accepted");
            double raw = liveTiles() * 1e9 / nanos;
            report.line(
                    "raw: POSTs alone",
                    String.format(
                            "%s (%,d POSTs at concurrency %d, nothing stored)",
                            Report.rate(raw), liveTiles(), THREADS));
            report.line(
                    "live / raw",
                    String.format(
                            "%.2f (the relay stores, claims and records every tile; raw only POSTs)", live / raw));
        }
    }

    private void backlog(FakePlato plato, Report report) throws Exception {
        int tiles = backlogSessions * 4;
        Path dir = env.freshDir("tiles-backlog");
        plato.stop();
        try (var store = SqliteStore.open(dir);
                var m = manager(dir, store, plato.url())) {
            long t0 = System.nanoTime();
            Parallel.run(backlogSessions, THREADS, i -> session(m, i));
            while (count(store, DeliveryState.PENDING) < tiles) Thread.sleep(100);
            long piled = System.nanoTime();
            report.line(
                    "backlog: pile-up",
                    String.format(
                            "%,d sessions run and %,d tiles made, all pending, in %.1f s " + "with PLATO down",
                            backlogSessions, tiles, (piled - t0) / 1e9));
            Thread.sleep(2000); // the relay has found PLATO down and only probes it
            plato.start();
            long up = System.nanoTime();
            while (plato.accepted().isEmpty()) Thread.sleep(1);
            long first = System.nanoTime();
            while (plato.accepted().size() < tiles) Thread.sleep(10);
            long done = System.nanoTime();
            if (count(store, DeliveryState.DELIVERED) != tiles) {
                Thread.sleep(1000);
                if (count(store, DeliveryState.DELIVERED) != tiles)
                    throw new IllegalStateException("backlog not all recorded");
            }
            report.line(
                    "backlog: PLATO back",
                    String.format(
                            "first tile accepted %.2f s after PLATO came back "
                                    + "(the next probe of a down target: at most %d s)",
                            (first - up) / 1e9, 5));
            report.line(
                    "backlog: drain",
                    String.format(
                            "%,d tiles in %.2f s from the first accepted = %s; %.2f s from PLATO's " + "return",
                            tiles, (done - first) / 1e9, Report.rate(tiles * 1e9 / (done - first)), (done - up) / 1e9));
            report.line(
                    "backlog: duplicates",
                    (plato.requests().size() - plato.accepted().size()) + " requests not accepted "
                            + "after the return (resends or rejections)");
        }
    }
}
