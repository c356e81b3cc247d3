package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.reaper.Sweeper;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import dev.bosun.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Reaper sweeps over a large store of which a small part is due. 100 000 sessions without workers:
 * 97 000 idle out after 1 h, and three groups of 1 000 after 1, 3 and 5 min, each group scattered
 * evenly through the creation order. With a {@link ManualClock}, round k moves the clock on 2 min
 * and times one {@code reaper().sweep()}, which must expire exactly that round's 1 000. Round 1 is
 * the case as specified (100 000 stored, 1 000 due); rounds 2 and 3 repeat it on the same data, so
 * the measurement is repeated without another long setup.
 */
final class SweepBench {
    private static final long TARGET_NANOS = 200_000_000;
    private static final int SETUP_THREADS = 64;
    private static final int ROUNDS = 3;
    private static final Duration LONG_IDLE = Duration.ofHours(1);
    private static final Duration STEP = Duration.ofMinutes(2);

    private final BenchEnv env;
    private final int stored;
    private final int expiring;

    SweepBench(BenchEnv env) {
        this.env = env;
        this.stored = env.quick() ? 3_000 : 100_000;
        this.expiring = env.quick() ? 30 : 1_000;
    }

    record Round(long nanos, long dueQueryNanos, Sweeper.SweepResult result, CpuMeter.Usage cpu) {}

    void run() throws Exception {
        Path dir = env.freshDir("sweep");
        var config = env.config(dir, Map.of("max_sessions", 200_000));
        var clock = new ManualClock(Instant.now());
        Duration[] idle = idleTimeouts();
        var rounds = new ArrayList<Round>();
        long setupNanos, emptySweepNanos;
        long[] tenths = new long[10];
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config)
                        .store(store)
                        .clock(clock)
                        .autoReap(false)
                        .build()) {
            int tenth = stored / 10;
            var created = new AtomicInteger();
            long t0 = System.nanoTime();
            Parallel.run(stored, SETUP_THREADS, i -> {
                manager.startSession(SessionConfig.builder("bench-sweep", "agent")
                        .idleTimeout(idle[i])
                        .build());
                int n = created.incrementAndGet();
                if (n % tenth == 0) tenths[n / tenth - 1] = System.nanoTime();
            });
            setupNanos = System.nanoTime() - t0;
            for (int i = 9; i > 0; i--) tenths[i] -= tenths[i - 1];
            tenths[0] -= t0;

            long e0 = System.nanoTime();
            Sweeper.SweepResult empty = manager.reaper().sweep();
            emptySweepNanos = System.nanoTime() - e0;
            check(empty, 0, "sweep before any deadline");

            for (int round = 1; round <= ROUNDS; round++) {
                clock.advance(STEP);
                long q0 = System.nanoTime();
                int due = manager.store().dueSessions(clock.instant(), 500).size();
                long queryNanos = System.nanoTime() - q0;
                if (due != Math.min(500, expiring))
                    throw new IllegalStateException("round " + round + ": " + due + " due");
                var cpu = CpuMeter.start();
                long s0 = System.nanoTime();
                Sweeper.SweepResult r = manager.reaper().sweep();
                long nanos = System.nanoTime() - s0;
                var used = cpu.stop();
                check(r, expiring, "round " + round);
                rounds.add(new Round(nanos, queryNanos, r, used));
            }
        }
        report(setupNanos, tenths, emptySweepNanos, rounds);
    }

    // Group g (0, 1, 2) idles out after 1 + 2g minutes, so round g + 1 (the clock at 2, 4, 6 min)
    // finds exactly that group due; groups interleave so each is spread over the whole table.
    private Duration[] idleTimeouts() {
        var idle = new Duration[stored];
        Arrays.fill(idle, LONG_IDLE);
        int short_ = ROUNDS * expiring;
        for (int j = 0; j < short_; j++) {
            idle[(int) ((long) j * stored / short_)] = Duration.ofMinutes(1 + 2L * (j % ROUNDS));
        }
        return idle;
    }

    private void report(long setupNanos, long[] tenths, long emptySweepNanos, ArrayList<Round> rounds) {
        var report = new Report("sweep")
                .line(
                        "what",
                        String.format(
                                "Reaper.sweep() (ManualClock, autoReap off) over %,d stored sessions without "
                                        + "workers; per round %,d idle-due, scattered through the table",
                                stored, expiring))
                .line(
                        "setup",
                        String.format(
                                "%,d sessions created from %d virtual threads in %.1f s (%s on average)",
                                stored, SETUP_THREADS, setupNanos / 1e9, Report.rate(stored * 1e9 / setupNanos)))
                .line(
                        "  create rate",
                        "by tenth of the setup: "
                                + Arrays.stream(tenths)
                                        .mapToObj(t -> String.format("%,.0f", stored / 10 * 1e9 / t))
                                        .collect(Collectors.joining(", "))
                                + " sessions/s")
                .line(
                        "sweep, nothing due",
                        Report.ms(emptySweepNanos) + String.format(" over %,d live sessions", stored));
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            report.line(
                    "round " + (i + 1),
                    String.format(
                            "%s to expire %,d (%.0f µs per expiry); %s",
                            Report.ms(r.nanos()),
                            r.result().idleExpired(),
                            r.nanos() / 1e3 / r.result().total(),
                            r.result()));
            // CPU time, not wall time, is what a loaded machine leaves comparable between runs.
            report.line(
                    "  cpu",
                    String.format(
                            "%.1f ms in the writer thread (%.0f µs per expiry), %.1f ms in the whole process",
                            r.cpu().group(CpuMeter.WRITER) * r.nanos() / 1e6,
                            r.cpu().group(CpuMeter.WRITER)
                                    * r.nanos()
                                    / 1e3
                                    / r.result().total(),
                            r.cpu().processCores() * r.nanos() / 1e6));
            report.line(
                    "  due query alone",
                    Report.ms(r.dueQueryNanos()) + " (store.dueSessions, LIMIT 500, just before the sweep)");
        }
        long worst = rounds.stream().mapToLong(Round::nanos).max().orElseThrow();
        long best = rounds.stream().mapToLong(Round::nanos).min().orElseThrow();
        report.line(
                "target",
                "round 1 " + Report.ms(rounds.get(0).nanos()) + ", best " + Report.ms(best) + ", worst "
                        + Report.ms(worst) + " -> " + Report.verdict(worst < TARGET_NANOS, "< 200 ms"));
        report.print();
    }

    private static void check(Sweeper.SweepResult r, int expected, String what) {
        if (r.idleExpired() != expected || r.total() != expected) {
            throw new IllegalStateException(what + ": expected exactly " + expected + " idle expiries, got " + r);
        }
    }
}
