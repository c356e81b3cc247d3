package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The round trip send → echo worker → poll(wait), with two workers in the same run: the long-lived
 * {@code examples/EchoWorker.java} (waits on its inbox) and the shell loop {@code examples/echo-worker.sh}
 * (whose own process spawns dominate its figure); each iteration sends one message and long-polls until the worker's {@code echo} of that seq is in
 * the log. One message in flight at a time, so this is latency, not throughput.
 */
final class RoundtripBench {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long TARGET_P99_NANOS = 10_000_000;

    private final BenchEnv env;
    private final int warmup;
    private final int iterations;

    RoundtripBench(BenchEnv env) {
        this.env = env;
        this.warmup = env.quick() ? 50 : 200;
        this.iterations = env.quick() ? 200 : 2000;
    }

    /** One worker's figures: the round trip and its two halves. */
    private record Run(long readyNanos, Latencies total, Latencies sendOnly, Latencies afterSend) {}

    void run() throws Exception {
        Path dir = env.freshDir("roundtrip");
        var config = env.config(dir, Map.of());
        Run java;
        Run shell;
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config).store(store).build()) {
            // The long-lived worker first, then the shell one, in the same server and the same run.
            java = measure(manager, "echo-java");
            shell = measure(manager, "echo");
        }
        double period = shellMillis(dir, "sleep 0.005");
        double perMessage = shellMillis(
                dir,
                "printf '{\"seq\":1}' > in.json; c=$(cat in.json); "
                        + "printf '%s\\n' \"{\\\"event_type\\\":\\\"echo\\\",\\\"received\\\":$c}\" > out.tmp && mv -f out.tmp out.json; rm -f in.json out.json");
        Latencies.Summary rt = java.total().summary();
        new Report("roundtrip")
                .line(
                        "what",
                        "send -> echo worker (process runtime) -> poll(wait " + WAIT.toSeconds()
                                + " s) until the echo of that seq; one message in flight")
                .line("iterations", iterations + " measured after " + warmup + " warm-up, per worker")
                .line("java worker", "examples/EchoWorker.java: long-lived, waits on its inbox (WatchService)")
                .line("  session start to ready", Report.ms(java.readyNanos()))
                .line("  round trip", rt)
                .line("  send() alone", java.sendOnly().summary())
                .line("  send() return -> echo polled", java.afterSend().summary())
                .line("shell worker", "examples/echo-worker.sh: scans, sleep 0.005, cat/mv/rm per message")
                .line("  session start to ready", Report.ms(shell.readyNanos()))
                .line("  round trip", shell.total().summary())
                .line("  send() alone", shell.sendOnly().summary())
                .line("  send() return -> echo polled", shell.afterSend().summary())
                .line(
                        "shell worker floor",
                        String.format(
                                "it scans its inbox every %.1f ms (sleep 0.005 is a process), "
                                        + "and handling one message (cat, mv, rm) takes %.1f ms,",
                                period, perMessage))
                .line(
                        "",
                        String.format(
                                "both measured here with sh; so about %.1f ms of its mean round trip is the worker's own",
                                period / 2 + perMessage))
                .line("target (java worker)", Report.verdict(rt.p99() < TARGET_P99_NANOS, "p99 < 10 ms"))
                .print();
    }

    private Run measure(SessionManager manager, String profile) throws Exception {
        var total = new Latencies();
        var sendOnly = new Latencies();
        var afterSend = new Latencies();
        long t0 = System.nanoTime();
        Session s = manager.startSession(SessionConfig.builder("bench-roundtrip-" + profile, "bench")
                .profile(profile)
                .build());
        long cursor = awaitType(manager, s.id(), 0, "ready", -1);
        long readyNanos = System.nanoTime() - t0;
        try {
            for (int i = 0; i < warmup + iterations; i++) {
                long start = System.nanoTime();
                Event in = manager.send(s.id(), "input", Json.parse("{\"i\":" + i + "}"));
                long sent = System.nanoTime();
                cursor = awaitType(manager, s.id(), in.seq(), "echo", in.seq());
                long end = System.nanoTime();
                if (i >= warmup) {
                    total.add(end - start);
                    sendOnly.add(sent - start);
                    afterSend.add(end - sent);
                }
            }
        } finally {
            manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        }
        return new Run(readyNanos, total, sendOnly, afterSend);
    }

    /** Milliseconds per iteration of {@code body} in a loop of {@code sh}, the echo worker's shell. */
    private static double shellMillis(Path dir, String body) throws Exception {
        int n = 100;
        var pb = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + n + " ]; do " + body + "; i=$((i+1)); done")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        int code = pb.start().waitFor();
        long nanos = System.nanoTime() - t0;
        if (code != 0) throw new IllegalStateException("sh loop failed with " + code + ": " + body);
        return nanos / 1e6 / n;
    }

    /**
     * Long-polls from {@code after} until an event of {@code type} arrives (for {@code echo}, the one
     * answering {@code seq}); returns the cursor just past it.
     */
    static long awaitType(SessionManager m, String sessionId, long after, String type, long seq) {
        long cursor = after;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            PollResult r = m.poll(sessionId, cursor, 100, WAIT);
            for (Event e : r.events()) {
                cursor = e.seq();
                if (e.type().equals(type)
                        && (seq < 0 || e.payload().at("/received/seq").asLong() == seq)) return cursor;
            }
            if (!r.status().isLive()) throw new IllegalStateException("the session ended while waiting for " + type);
        }
        throw new IllegalStateException("no " + type + " event within " + WAIT.toSeconds() + " s");
    }
}
