package dev.bosun.bench;

import dev.bosun.reaper.Reaper;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionManager;
import dev.bosun.store.sqlite.SqliteStore;
import dev.bosun.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;

/**
 * One reaper sweep over a large store of which a small part is due: 99 000 sessions idle-timing out
 * after 1 h and 1 000 after 1 min (no workers), a {@link ManualClock} moved on 2 min, then one timed
 * {@code reaper().sweep()} that must expire exactly the 1 000. Further rounds add 1 000 short-idle
 * sessions, move on 2 min and time another sweep, so the store keeps 100 000 live sessions.
 */
final class SweepBench {
    private static final long TARGET_NANOS = 200_000_000;
    private static final int SETUP_THREADS = 64;

    private final BenchEnv env;
    private final int stored;
    private final int expiring;
    private final int rounds;

    SweepBench(BenchEnv env) {
        this.env = env;
        this.stored = env.quick() ? 10_000 : 100_000;
        this.expiring = env.quick() ? 100 : 1_000;
        this.rounds = 3;
    }

    record Round(int storedBefore, long nanos, long dueQueryNanos, Reaper.SweepResult result) {}

    void run() throws Exception {
        Path dir = env.freshDir("sweep");
        var config = env.config(dir, Map.of("max_sessions", 200_000));
        var clock = new ManualClock(Instant.now());
        var rounds = new ArrayList<Round>();
        long setupNanos, emptySweepNanos;
        Reaper.SweepResult empty;
        try (var store = SqliteStore.open(dir);
             var manager = SessionManager.builder(config).store(store).clock(clock).autoReap(false).build()) {
            int every = stored / expiring;
            long t0 = System.nanoTime();
            // Short-idle sessions spread evenly through the id (creation) order, not bunched at one end.
            Parallel.run(stored, SETUP_THREADS, i -> create(manager, i % every == 0 ? Duration.ofMinutes(1) : Duration.ofHours(1)));
            setupNanos = System.nanoTime() - t0;

            long e0 = System.nanoTime();
            empty = manager.reaper().sweep();
            emptySweepNanos = System.nanoTime() - e0;
            check(empty, 0, "sweep before any deadline");

            int total = stored;
            for (int round = 0; round < this.rounds; round++) {
                if (round > 0) {
                    Parallel.run(expiring, SETUP_THREADS, i -> create(manager, Duration.ofMinutes(1)));
                    total += expiring;
                }
                clock.advance(Duration.ofMinutes(2));
                long q0 = System.nanoTime();
                int due = manager.store().dueSessions(clock.instant(), 500).size();
                long queryNanos = System.nanoTime() - q0;
                if (due != Math.min(500, expiring)) throw new IllegalStateException("expected due sessions, found " + due);
                long s0 = System.nanoTime();
                Reaper.SweepResult r = manager.reaper().sweep();
                long nanos = System.nanoTime() - s0;
                check(r, expiring, "round " + (round + 1));
                rounds.add(new Round(total, nanos, queryNanos, r));
            }
        }
        var report = new Report("sweep")
                .line("what", "one Reaper.sweep() (ManualClock, autoReap off) over stored sessions without workers, "
                        + expiring + " of them idle-due")
                .line("setup", String.format("%,d sessions created from %d virtual threads in %.1f s (%s)", stored,
                        SETUP_THREADS, setupNanos / 1e9, Report.rate(stored * 1e9 / setupNanos)))
                .line("sweep, nothing due", Report.ms(emptySweepNanos) + " over " + String.format("%,d", stored) + " live sessions");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            report.line("round " + (i + 1), String.format("%s to expire %,d of %,d stored (%.1f µs per expiry)  %s",
                    Report.ms(r.nanos()), r.result().idleExpired(), r.storedBefore(),
                    r.nanos() / 1e3 / r.result().total(), r.result()));
            report.line("  due query alone", Report.ms(r.dueQueryNanos()) + " (store.dueSessions, LIMIT 500, just before the sweep)");
        }
        Round first = rounds.get(0);
        long worst = rounds.stream().mapToLong(Round::nanos).max().orElseThrow();
        report.line("target", "first round " + Report.ms(first.nanos()) + ", worst " + Report.ms(worst) + " -> "
                + Report.verdict(worst < TARGET_NANOS, "< 200 ms"));
        report.print();
    }

    private static void create(SessionManager m, Duration idle) {
        m.startSession(SessionConfig.builder("bench-sweep", "agent").idleTimeout(idle).build());
    }

    private static void check(Reaper.SweepResult r, int expected, String what) {
        if (r.idleExpired() != expected || r.total() != expected) {
            throw new IllegalStateException(what + ": expected exactly " + expected + " idle expiries, got " + r);
        }
    }
}
