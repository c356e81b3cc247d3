package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.event.Event;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Java heap per live session: used heap after full collections before and after creating N idle
 * sessions without workers (the library should keep nothing per such session in memory: its state
 * is in SQLite), then the same for a smaller number of sessions with an echo worker (the per-session
 * supervision state in the JVM; the worker process itself is not on the heap).
 */
final class HeapBench {
    private static final long TARGET_BYTES = 2048;
    private static final int WARMUP_SESSIONS = 500;
    private static final int WARMUP_WORKERS = 4;

    private final BenchEnv env;
    private final int idle;
    private final int echoWorkers;
    private final int quietWorkers;

    // Each echo worker starts a `sleep` process every 5 ms, some 200 process starts a second: on two
    // cores about 20 of them saturate the machine (200 drove the load average to ~190 and took minutes
    // to start). The JVM keeps the same state for any worker, so N = 200 is measured with the quiet
    // profile (a worker that says ready and sleeps) and the echo worker is measured at a small N.
    HeapBench(BenchEnv env) {
        this.env = env;
        this.idle = env.quick() ? 1_000 : 20_000;
        this.echoWorkers = env.quick() ? 5 : 20;
        this.quietWorkers = env.quick() ? 20 : 200;
    }

    void run() throws Exception {
        Path dir = env.freshDir("heap");
        var config = env.config(dir, Map.of("max_sessions", 100_000));
        var report = new Report("heap");
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config).store(store).build()) {
            // Loads classes, fills statement caches and warms the JIT, so none of that is counted.
            Parallel.run(WARMUP_SESSIONS, 64, i -> idleSession(manager, i));
            HeapSnapshot before = HeapSnapshot.take(dir.resolve("idle-before.histo"));
            Parallel.run(idle, 64, i -> idleSession(manager, i));
            HeapSnapshot after = HeapSnapshot.take(dir.resolve("idle-after.histo"));
            long perIdle = (after.usedBytes() - before.usedBytes()) / idle;
            report.line(
                            "what",
                            "used heap after full GCs (MemoryMXBean), before and after creating sessions; "
                                    + "references dropped; manager with the reaper running")
                    .text("")
                    .text("-- " + String.format("%,d", idle) + " idle sessions, no worker --")
                    .line("heap before / after", mib(before.usedBytes()) + " / " + mib(after.usedBytes()))
                    .line(
                            "per idle session",
                            perIdle + " B by heap used; " + (after.liveBytes() - before.liveBytes()) / idle
                                    + " B by live objects (class histogram)")
                    .line(
                            "Bosun objects",
                            String.format(
                                    "%,d -> %,d instances of dev.bosun classes",
                                    before.bosunInstances(), after.bosunInstances()))
                    .line("grown most", String.join("; ", after.grownSince(before, 4)))
                    .line(
                            "process RSS",
                            mib(before.rssBytes()) + " -> " + mib(after.rssBytes())
                                    + " (off-heap too: SQLite page caches, bounded per connection)")
                    .line("target", Report.verdict(perIdle < TARGET_BYTES, "< 2 KiB per idle session"));
            workers(manager, dir, report, "quiet", quietWorkers);
            workers(manager, dir, report, "echo", echoWorkers);
        }
        report.print();
    }

    private void workers(SessionManager manager, Path dir, Report report, String profile, int n) throws Exception {
        // The worker path's classes and code are warmed first, so loading them is not counted.
        Parallel.run(WARMUP_WORKERS, WARMUP_WORKERS, i -> {
            String id = manager.startSession(SessionConfig.builder("bench-heap-warmup", "agent")
                            .profile(profile)
                            .build())
                    .id();
            awaitReady(manager, id);
            manager.endSession(id, SessionOutcome.SUCCESS, Optional.empty());
        });
        var ids = new ConcurrentLinkedQueue<String>();
        HeapSnapshot before = HeapSnapshot.take(dir.resolve(profile + "-before.histo"));
        long children0 = ProcessHandle.current().children().count();
        try {
            // Few at a time: each start spawns a process.
            Parallel.run(n, 8, i -> {
                String id = manager.startSession(SessionConfig.builder("bench-heap-worker", "agent-" + i)
                                .profile(profile)
                                .build())
                        .id();
                ids.add(id);
                awaitReady(manager, id);
            });
            HeapSnapshot after = HeapSnapshot.take(dir.resolve(profile + "-after.histo"));
            long per = (after.usedBytes() - before.usedBytes()) / n;
            report.text("")
                    .text("-- " + n + " sessions with a worker of profile " + profile
                            + " (each waited for its ready event) --")
                    .line("heap before / after", mib(before.usedBytes()) + " / " + mib(after.usedBytes()))
                    .line(
                            "per worker session",
                            per + " B by heap used; " + (after.liveBytes() - before.liveBytes()) / n
                                    + " B by live objects (class histogram)")
                    .line(
                            "platform threads",
                            before.platformThreads() + " -> " + after.platformThreads()
                                    + " (the JDK's process reaper keeps one per child process; its stack is off-heap)")
                    .line("process RSS", mib(before.rssBytes()) + " -> " + mib(after.rssBytes()))
                    .line("grown most", String.join("; ", after.grownSince(before, 6)));
        } finally {
            List<String> started = List.copyOf(ids);
            Parallel.run(
                    started.size(),
                    32,
                    i -> manager.endSession(started.get(i), SessionOutcome.SUCCESS, Optional.empty()));
            long left = awaitChildren(children0);
            report.line(
                    "workers after end",
                    left == children0 ? "all stopped" : (left - children0) + " child processes still running");
        }
    }

    private static void idleSession(SessionManager m, int i) {
        m.startSession(
                SessionConfig.builder("bench-heap", "agent-" + i).tags("h1").build());
    }

    private static void awaitReady(SessionManager m, String id) {
        long cursor = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Event e : m.poll(id, cursor, 100, Duration.ofSeconds(5)).events()) {
                if (e.type().equals("ready")) return;
                cursor = e.seq();
            }
        }
        throw new IllegalStateException("session " + id + ": no ready event from its echo worker in 30 s");
    }

    private static long awaitChildren(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long n;
        while ((n = ProcessHandle.current()
                                .children()
                                .filter(ProcessHandle::isAlive)
                                .count())
                        > expected
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return n;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1024.0 / 1024.0);
    }
}
