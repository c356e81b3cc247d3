package dev.bosun.server.faults;

import dev.bosun.client.BosunClient;
import dev.bosun.client.BosunClientException;
import dev.bosun.json.Json;
import dev.bosun.server.NodeCluster;
import dev.bosun.wire.CreateSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Clients writing to Bosun nodes as fast as they can while a test injects faults: each thread sends
 * to the sessions in turn (and every 50th call creates a session that joins the turn), and books
 * every acknowledged write in an {@link Acknowledged} only after the call returned. A call that
 * fails is not acknowledged; its failure is counted by kind (the error code, or the exception for a
 * connection that broke) so a test can check which failures a fault may cause.
 */
final class Traffic implements AutoCloseable {
    // A bound for writers that make no progress at all, not a speed target (see NodeCluster's start limit).
    private static final Duration PROGRESS_LIMIT = Duration.ofSeconds(180);
    private static final long THROTTLE_AFTER_FAILURE_MS = 20; // a dead node fails calls at once: don't spin

    private final Acknowledged book;
    private final List<String> sessions;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Starts {@code threadsPerTarget} writers per target; a target is read again for every call, so
     * a test can swap in a restarted node.
     */
    Traffic(
            Acknowledged book,
            List<String> initialSessions,
            List<Supplier<BosunClient>> targets,
            int threadsPerTarget) {
        this.book = book;
        this.sessions = new CopyOnWriteArrayList<>(initialSessions);
        int n = 0;
        for (Supplier<BosunClient> target : targets) {
            for (int t = 0; t < threadsPerTarget; t++) {
                String writer = "w" + n++;
                threads.add(Thread.ofPlatform().name("traffic-" + writer).start(() -> write(writer, target)));
            }
        }
    }

    private void write(String writer, Supplier<BosunClient> target) {
        for (long i = 0; !stop.get(); i++) {
            book.tried();
            try {
                if (i % 50 == 49) {
                    String id = target.get()
                            .createSession(CreateSession.of("fault-" + writer + "-" + i, "agent"))
                            .sessionId();
                    book.session(id);
                    sessions.add(id);
                } else {
                    String id = sessions.get((int) (i % sessions.size()));
                    String key = writer + ":" + i;
                    long seq = target.get().send(id, "input", Json.object().put("k", key));
                    book.event(id, seq, key);
                }
                acks.incrementAndGet();
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                failures.computeIfAbsent(kind(e), k -> new AtomicLong()).incrementAndGet();
                try {
                    Thread.sleep(THROTTLE_AFTER_FAILURE_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static String kind(RuntimeException e) {
        return e instanceof BosunClientException b
                ? b.code().name()
                : e.getClass().getSimpleName();
    }

    /**
     * Lifts the per-address rate limit of the cluster's nodes (all writers share one address), which
     * would otherwise pace the writers rather than the faults. The burst is far above the rate because
     * a thread that read the clock before another took the bucket's lock takes tokens away as it
     * refills (a negative interval), and a loaded machine stalls threads for milliseconds.
     */
    static NodeCluster unthrottled(NodeCluster cluster) {
        return cluster.env("BOSUN_RATE_LIMIT", "10000").env("BOSUN_RATE_BURST", "10000000");
    }

    long acks() {
        return acks.get();
    }

    /** Waits until {@code more} further writes were acknowledged. */
    void awaitAcks(long more) {
        long target = acks.get() + more;
        Awaitility.await("" + more + " more acknowledged writes")
                .atMost(PROGRESS_LIMIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> acks.get() >= target);
    }

    /** Waits until {@code more} further calls failed. */
    void awaitFailures(long more) {
        long target = failed.get() + more;
        Awaitility.await("" + more + " more failed calls")
                .atMost(PROGRESS_LIMIT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> failed.get() >= target);
    }

    /** Failed calls by kind, sorted. */
    Map<String, Long> failures() {
        var out = new TreeMap<String, Long>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) t.join();
    }
}
