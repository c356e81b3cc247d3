package dev.bosun.bench;

import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionManager;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The round trip send → echo worker → poll(wait): one session running {@code examples/echo-worker.sh};
 * each iteration sends one message and long-polls until the worker's {@code echo} of that seq is in
 * the log. One message in flight at a time, so this is latency, not throughput.
 */
final class RoundtripBench {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long TARGET_P99_NANOS = 20_000_000;

    private final BenchEnv env;
    private final int warmup;
    private final int iterations;

    RoundtripBench(BenchEnv env) {
        this.env = env;
        this.warmup = env.quick() ? 50 : 200;
        this.iterations = env.quick() ? 200 : 2000;
    }

    void run() throws Exception {
        Path dir = env.freshDir("roundtrip");
        var config = env.config(dir, Map.of());
        var total = new Latencies();
        var sendOnly = new Latencies();
        var afterSend = new Latencies();
        long readyNanos;
        try (var store = SqliteStore.open(dir);
             var manager = SessionManager.builder(config).store(store).build()) {
            long t0 = System.nanoTime();
            Session s = manager.startSession(SessionConfig.builder("bench-roundtrip", "bench").profile("echo").build());
            long cursor = awaitType(manager, s.id(), 0, "ready", -1);
            readyNanos = System.nanoTime() - t0;
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
        }
        Latencies.Summary rt = total.summary();
        new Report("roundtrip")
                .line("what", "send -> examples/echo-worker.sh (process runtime) -> poll(wait " + WAIT.toSeconds()
                        + " s) until the echo of that seq; one message in flight")
                .line("iterations", iterations + " measured after " + warmup + " warm-up")
                .line("session start to ready", Report.ms(readyNanos))
                .line("round trip", rt)
                .line("  send() alone", sendOnly.summary())
                .line("  send() return -> echo polled", afterSend.summary())
                .line("note", "the echo worker checks its inbox every 5 ms (sleep 0.005 between scans, plus a fork for sleep)")
                .line("", "so about half of that interval on average is spent before the worker even sees the message")
                .line("target", Report.verdict(rt.p99() < TARGET_P99_NANOS, "p99 < 20 ms"))
                .print();
    }

    /**
     * Long-polls from {@code after} until an event of {@code type} arrives (for {@code echo}, the one
     * answering {@code seq}); returns the cursor just past it.
     */
    private static long awaitType(SessionManager m, String sessionId, long after, String type, long seq) {
        long cursor = after;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            PollResult r = m.poll(sessionId, cursor, 100, WAIT);
            for (Event e : r.events()) {
                cursor = e.seq();
                if (e.type().equals(type) && (seq < 0 || e.payload().at("/received/seq").asLong() == seq)) return cursor;
            }
            if (!r.status().isLive()) throw new IllegalStateException("the session ended while waiting for " + type);
        }
        throw new IllegalStateException("no " + type + " event within " + WAIT.toSeconds() + " s");
    }
}
