package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Many writers and readers at once: the log stays gapless, loses nothing, duplicates nothing. */
public abstract class ConcurrencyContract extends ManagerHarness {

    @Test
    void thousandsOfConcurrentSendsToOneSessionStayGapless() throws Exception {
        Session s = manager.startSession(SessionConfig.builder("c", "agent").build());
        int threads = 64, perThread = 50;
        var seqs = ConcurrentHashMap.<Long>newKeySet();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int tt = t;
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        int ii = i;
                        seqs.add(asAClient(() ->
                                        manager.send(s.id(), "input", json("{\"t\":" + tt + ",\"i\":" + ii + "}")))
                                .seq());
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(seqs).hasSize(threads * perThread);
        List<Event> log = allEvents(s.id());
        assertGapless(log);
        assertThat(log).hasSize(1 + threads * perThread);
        // each (t, i) exactly once, and each thread's sends in its own order
        Map<Integer, Integer> lastI = new java.util.HashMap<>();
        for (Event e : log.subList(1, log.size())) {
            int t = e.payload().get("t").asInt(), i = e.payload().get("i").asInt();
            assertThat(i).isEqualTo(lastI.getOrDefault(t, -1) + 1);
            lastI.put(t, i);
        }
    }

    /** Longest a writer keeps retrying an {@code UNAVAILABLE} answer, as a client honouring Retry-After would. */
    private static final Duration RETRY_FOR = Duration.ofSeconds(60);

    /**
     * Makes a write as a real client does: {@code UNAVAILABLE} is transient (with 64 writers on one
     * session and a pool of 8, a write under load can wait longer than the pool's 5 s for a
     * connection), so it is tried again after a pause. That is only safe because an unavailable
     * write has no effect; the exactly-once checks below would see a retried write that did.
     */
    private static Event asAClient(java.util.function.Supplier<Event> write) throws InterruptedException {
        long giveUp = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                return write.get();
            } catch (BosunException e) {
                if (e.code() != ErrorCode.UNAVAILABLE || System.nanoTime() > giveUp) throw e;
                Thread.sleep(50);
            }
        }
    }

    /**
     * Seeded randomized run: writers send, readers long-poll, and at a random moment the session
     * ends. Checks: the log is gapless; every acknowledged send is in it exactly once; nothing
     * follows {@code session_ended}; every refused send came after the end and is absent;
     * each reader saw a prefix of the log in order. Re-run a failure with -Dbosun.seed=N.
     */
    @Test
    void randomizedSendPollEndKeepsTheInvariants() throws Exception {
        long seed = Long.getLong("bosun.seed", System.nanoTime());
        Random rnd = new Random(seed);
        for (int round = 0; round < 5; round++) {
            runRound(new Random(rnd.nextLong()), seed, round);
        }
    }

    private void runRound(Random rnd, long seed, int round) throws Exception {
        String ctx = "seed=" + seed + " round=" + round;
        Session s = manager.startSession(SessionConfig.builder("rnd", "agent").build());
        int writers = 2 + rnd.nextInt(14), readers = 1 + rnd.nextInt(4);
        int sendsEach = 20 + rnd.nextInt(80);
        long endAfterNanos = Duration.ofMillis(rnd.nextInt(150)).toNanos();
        var acked = new ConcurrentHashMap<String, Long>();
        var refused = ConcurrentHashMap.<String>newKeySet();
        var readerLogs = new ArrayList<List<Event>>();
        var failures = new ConcurrentHashMap<String, Throwable>();
        var ended = new AtomicBoolean();
        var go = new CountDownLatch(1);
        long[] writerSeeds = rnd.longs(writers).toArray();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < writers; w++) {
                int ww = w;
                pool.submit(() -> {
                    Random r = new Random(writerSeeds[ww]);
                    go.await();
                    for (int i = 0; i < sendsEach; i++) {
                        String key = ww + ":" + i;
                        try {
                            boolean emit = r.nextInt(4) == 0;
                            Event e = asAClient(() -> emit
                                    ? manager.emit(s.id(), "out", json("{\"k\":\"" + key + "\"}"))
                                    : manager.send(s.id(), "in", json("{\"k\":\"" + key + "\"}")));
                            acked.put(key, e.seq());
                        } catch (BosunException e) {
                            if (e.code() != ErrorCode.CONFLICT) failures.put(key, e);
                            refused.add(key);
                        }
                        if (r.nextInt(10) == 0) Thread.sleep(r.nextInt(3));
                    }
                    return null;
                });
            }
            for (int rd = 0; rd < readers; rd++) {
                var seen = new ArrayList<Event>();
                readerLogs.add(seen);
                pool.submit(() -> {
                    go.await();
                    long cursor = 0;
                    while (true) {
                        PollResult p = manager.poll(s.id(), cursor, 1 + rnd.nextInt(100), Duration.ofMillis(200));
                        seen.addAll(p.events());
                        cursor = p.nextCursor();
                        if (p.status().name().equals("ENDED")
                                && !p.hasMore()
                                && p.events().isEmpty()) return null;
                    }
                });
            }
            pool.submit(() -> {
                go.await();
                long until = System.nanoTime() + endAfterNanos;
                while (System.nanoTime() < until) Thread.onSpinWait();
                manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
                ended.set(true);
                return null;
            });
            go.countDown();
        }
        assertThat(failures).as(ctx).isEmpty();
        assertThat(ended).as(ctx).isTrue();
        List<Event> log = allEvents(s.id());
        assertGapless(log);
        Event last = log.get(log.size() - 1);
        assertThat(last.type()).as(ctx).isEqualTo("session_ended");
        var inLog = new HashSet<String>();
        for (Event e : log) {
            if (e.direction() == Direction.SYSTEM) continue;
            String k = e.payload().get("k").asText();
            assertThat(inLog.add(k)).as(ctx + " duplicate " + k).isTrue();
            assertThat(acked.get(k)).as(ctx + " seq of " + k).isEqualTo(e.seq());
        }
        assertThat(inLog).as(ctx).isEqualTo(acked.keySet());
        Set<String> overlap = new HashSet<>(refused);
        overlap.retainAll(inLog);
        assertThat(overlap).as(ctx + " refused yet written").isEmpty();
        assertThat(acked.size() + refused.size()).as(ctx).isEqualTo(writers * sendsEach);
        for (List<Event> seen : readerLogs) {
            assertThat(seen).as(ctx + " reader saw the log in order").isEqualTo(log.subList(0, seen.size()));
            assertThat(seen).as(ctx + " reader saw the end").isEqualTo(log);
        }
    }
}
