package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.json.Json;
import dev.bosun.server.BosunServer;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP API under load on loopback: sends ({@code POST …/events}) and polls ({@code GET …/events})
 * per second with 1, 16 and 64 concurrent clients, beside a bare Javalin handler on the same machine
 * returning the same bytes in the same run (the ceiling of the HTTP stack itself); and wake latency
 * from a commit to a long-polling or SSE client receiving the event.
 */
final class HttpBench {
    private static final int[] CLIENTS = {1, 16, 64};
    private static final double TARGET_SENDS = 10_000;
    private static final long TARGET_WAKE_P99 = 10_000_000;

    private final BenchEnv env;
    private final Duration measure;
    private final int wakes;

    HttpBench(BenchEnv env) {
        this.env = env;
        this.measure = env.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(5);
        this.wakes = env.quick() ? 100 : 1000;
    }

    void run() throws Exception {
        Path dir = env.freshDir("http");
        var config = env.config(
                dir,
                Map.of(
                        "port",
                        0,
                        "rate_limit",
                        1_000_000,
                        "rate_burst",
                        10_000_000,
                        "max_streams",
                        100_000,
                        "max_sessions",
                        100_000));
        var report = new Report("HTTP API on loopback (" + measure.toSeconds() + " s per level)");
        // Raised from the default (100/s, burst 200 per caller; all of wrk's connections are one caller,
        // 127.0.0.1) so the limiter never answers 429 here: the benchmark measures the server, not the limit.
        report.line(
                "rate limit",
                Report.rate(config.server().rateLimit()) + " per caller, burst "
                        + config.server().rateBurst() + " (the default is 100/s, burst 200)");
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config).store(store).build();
                var server = BosunServer.start(config, manager)) {
            String base = server.url().toString();
            var sessions = new ArrayList<String>();
            for (int i = 0; i < 64; i++)
                sessions.add(manager.startSession(
                                SessionConfig.builder("http-" + i, "bench").build())
                        .id());
            String sendBody = "{\"event_type\":\"input\",\"payload\":{\"n\":1}}";
            String sendReply = "{\"seq\":12345}";
            // warm both stacks before measuring
            load(4, Duration.ofSeconds(1), i -> post(base + "/v1/sessions/" + sessions.get(i) + "/events", sendBody));
            for (int i = 0; i < 20; i++)
                manager.send(sessions.get(0), "fill", Json.object().put("i", i));
            String pollBody = get(base + "/v1/sessions/" + sessions.get(0) + "/events?after=0&limit=10");
            boolean wrk = Wrk.available();
            report.line(
                    "load generator",
                    wrk
                            ? "wrk (C, epoll; 2 threads, one connection per client)"
                            : "java.net.http clients on virtual threads (wrk not found; install it for figures that measure the server, not the client)");
            try (var bare = bareJavalin(sendReply, pollBody)) {
                String bareBase = "http://127.0.0.1:" + bare.app.port();
                load(4, Duration.ofSeconds(1), i -> post(bareBase + "/send", sendBody));
                for (int c : CLIENTS) {
                    var bosunCpu = CpuMeter.start();
                    double bosun = wrk
                            ? Wrk.post(
                                    base,
                                    sessions.stream()
                                            .map(id -> "/v1/sessions/" + id + "/events")
                                            .toList(),
                                    sendBody,
                                    c,
                                    measure,
                                    dir)
                            : load(
                                    c,
                                    measure,
                                    i -> post(base + "/v1/sessions/" + sessions.get(i % 64) + "/events", sendBody));
                    var bosunUsage = bosunCpu.stop();
                    var rawCpu = CpuMeter.start();
                    double raw = wrk
                            ? Wrk.post(bareBase, List.of("/send"), sendBody, c, measure, dir)
                            : load(c, measure, i -> post(bareBase + "/send", sendBody));
                    var rawUsage = rawCpu.stop();
                    report.line(
                            "sends/s, " + c + " client" + (c == 1 ? "" : "s"),
                            Report.rate(bosun) + "   bare Javalin "
                                    + Report.rate(raw) + "   ratio " + String.format("%.2f", bosun / raw)
                                    + (c == 64
                                            ? "   " + Report.verdict(bosun >= TARGET_SENDS, ">= 10 000 sends/s")
                                            : ""));
                    // CPU of this JVM per request (wrk is another process): what the server spends on one,
                    // which a loaded machine's queueing for a core does not change the way it does a rate.
                    report.line(
                            "  server CPU per send",
                            String.format(
                                    "%.0f us (of which SQLite writer thread %.0f us)   bare Javalin %.0f us",
                                    bosunUsage.processCores() / bosun * 1e6,
                                    bosunUsage.group(CpuMeter.WRITER) / bosun * 1e6,
                                    rawUsage.processCores() / raw * 1e6));
                    report.line("  server cores, Bosun", bosunUsage.toString());
                    report.line("  server cores, bare", rawUsage.toString());
                }
                for (int c : CLIENTS) {
                    String pollUrl = base + "/v1/sessions/" + sessions.get(0) + "/events?after=0&limit=10";
                    double bosun = wrk ? Wrk.get(pollUrl, c, measure) : load(c, measure, i -> get(pollUrl));
                    double raw = wrk
                            ? Wrk.get(bareBase + "/poll", c, measure)
                            : load(c, measure, i -> get(bareBase + "/poll"));
                    report.line(
                            "polls/s (10 events), " + c + " client" + (c == 1 ? "" : "s"),
                            Report.rate(bosun) + "   bare Javalin " + Report.rate(raw) + "   ratio "
                                    + String.format("%.2f", bosun / raw));
                }
            }
            String wakeSession = manager.startSession(
                            SessionConfig.builder("wake", "bench").build())
                    .id();
            Latencies longPoll = longPollWakes(manager, base, wakeSession);
            report.line(
                    "long-poll wake (commit to client)",
                    longPoll.summary() + "   "
                            + Report.verdict(longPoll.summary().p99() < TARGET_WAKE_P99, "p99 < 10 ms"));
            Latencies sse = sseWakes(
                    manager,
                    base,
                    manager.startSession(SessionConfig.builder("sse", "bench").build())
                            .id());
            report.line(
                    "SSE wake (commit to client)",
                    sse.summary() + "   " + Report.verdict(sse.summary().p99() < TARGET_WAKE_P99, "p99 < 10 ms"));
        }
        report.text("The server and the load generator share the machine's 2 cores. Wake latencies use one "
                + "java.net.http client: the event is committed in-process and timed until the client has it.");
        report.print();
    }

    interface Call {
        void run(int worker) throws Exception;
    }

    /** Requests per second with {@code clients} workers calling in a loop for {@code d}. */
    static double load(int clients, Duration d, Call call) throws Exception {
        var done = new AtomicLong();
        var failed = new AtomicLong();
        var go = new CountDownLatch(1);
        long[] window = new long[2];
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < clients; w++) {
                int worker = w;
                pool.submit(() -> {
                    go.await();
                    long end = System.nanoTime() + d.toNanos();
                    while (System.nanoTime() < end) {
                        try {
                            call.run(worker);
                            done.incrementAndGet();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            window[0] = System.nanoTime();
            go.countDown();
        }
        window[1] = System.nanoTime();
        if (failed.get() > 0) throw new IllegalStateException(failed.get() + " requests failed during the measurement");
        return done.get() / ((window[1] - window[0]) / 1e9);
    }

    private static final ThreadLocal<HttpClient> CLIENT = ThreadLocal.withInitial(() -> HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build());

    static String post(String url, String body) throws Exception {
        var r = CLIENT.get()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2)
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private static String get(String url) throws Exception {
        var r = CLIENT.get()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2)
            throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** A Javalin app configured like Bosun's (virtual threads) whose handlers only return fixed bytes. */
    private record Bare(Javalin app) implements AutoCloseable {
        @Override
        public void close() {
            app.stop();
        }
    }

    private static Bare bareJavalin(String sendReply, String pollReply) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.routes.post("/send", ctx -> {
                ctx.bodyAsBytes();
                ctx.status(202).contentType("application/json").result(sendReply);
            });
            cfg.routes.get("/poll", ctx -> ctx.contentType("application/json").result(pollReply));
        });
        app.start();
        return new Bare(app);
    }

    /** A long-poll waits; the event is committed in-process; latency = commit returned → response read. */
    private Latencies longPollWakes(SessionManager manager, String base, String id) throws Exception {
        var lat = new Latencies();
        long cursor = manager.get(id).lastSeq();
        for (int i = 0; i < wakes + 50; i++) {
            long after = cursor;
            var waiting = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            get(base + "/v1/sessions/" + id + "/events?after=" + after + "&wait=10");
                            return System.nanoTime();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    Executors.newVirtualThreadPerTaskExecutor());
            Thread.sleep(3); // let it reach its wait
            manager.send(id, "wake", Json.object().put("i", i));
            long committed = System.nanoTime();
            long received = waiting.get();
            cursor++;
            if (i >= 50) lat.add(Math.max(0, received - committed));
        }
        return lat;
    }

    /** One SSE stream stays open; each event is committed in-process and timed until its data line arrives. */
    private Latencies sseWakes(SessionManager manager, String base, String id) throws Exception {
        var lat = new Latencies();
        var r = CLIENT.get()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + id + "/events/stream?after=1"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        try (var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < wakes + 50; i++) {
                manager.send(id, "wake", Json.object().put("i", i));
                long committed = System.nanoTime();
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: ")) {}
                long received = System.nanoTime();
                if (line == null) throw new IllegalStateException("the stream closed");
                if (i >= 50) lat.add(received - committed);
                Thread.sleep(1);
            }
        }
        return lat;
    }
}
