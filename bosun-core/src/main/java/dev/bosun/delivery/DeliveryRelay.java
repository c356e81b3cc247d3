package dev.bosun.delivery;

import dev.bosun.config.DeliverySettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves checkpoints out of the event log and to their receivers, durably. Two loops (one makes,
 * one sends and records, so a slow transaction of one never holds up the other) do three things,
 * each from what the store has committed:
 * <ol>
 *   <li><b>make</b>: every {@link CheckpointMaker} reads sessions' checkpoint events past its own
 *       cursor and records the deliveries it makes of them, moving the cursor in the same transaction;</li>
 *   <li><b>send</b>: due lane heads are claimed (a lease) and sent on virtual threads, at most
 *       {@code delivery_concurrency} at once, one per lane, so each session's deliveries arrive in order;</li>
 *   <li><b>record</b>: outcomes are written in batches; a lane moves on when its head is delivered,
 *       rejected or dead, and waits while its head is retried with backoff.</li>
 * </ol>
 * A target that fails {@value #DOWN_AFTER} times in a row is treated as down: it gets one probe at a
 * time (at backed-off intervals) instead of a flood, and when it answers again every lane waiting
 * for it is made due at once, so a backlog drains as soon as the receiver is back.
 *
 * <p>The session API never waits for any of this. A crash loses nothing: cursors and deliveries are
 * in the database, claims are leases, and on start this node's own leftover claims are released.
 */
public final class DeliveryRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryRelay.class);
    /** Failures in a row after which a target is treated as down. */
    static final int DOWN_AFTER = 3;
    private static final int SESSIONS_PER_READ = 128;
    private static final int EVENTS_PER_SESSION = 64;
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);
    /** Most deliveries of one lane sent in one run (the head and its followers). */
    static final int LANE_RUN = 8;
    /**
     * Longest wait between two probes of a target that is down: a probe is one request, so probing
     * often costs nothing, while a long wait delays the drain of the whole backlog once it is back.
     */
    static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(5);

    private final DeliveryStore store;
    private final Clock clock;
    private final String owner;
    private final DeliverySettings settings;
    private final List<CheckpointMaker> makers;
    private final Map<DeliveryKind, Sender> senders;
    private final Backoff backoff;
    private final Duration lease;
    private final Semaphore slots;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Outcomes of one lane's run, in lane order: recorded together so no batch splits a lane. */
    private final ConcurrentLinkedQueue<List<DeliveryOutcome>> finished = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<TargetKey> recovered = new ConcurrentLinkedQueue<>();
    private final Map<TargetKey, Health> health = new ConcurrentHashMap<>();
    private final List<DeliveryObserver> observers = new CopyOnWriteArrayList<>();
    private final Signal makeSignal = new Signal();
    private final Signal sendSignal = new Signal();
    private volatile boolean closed;
    private volatile List<Thread> loops = List.of();

    /** A wake-up that is not lost when it comes while its loop is busy. */
    private static final class Signal {
        private boolean raised;

        synchronized void raise() {
            raised = true;
            notifyAll();
        }

        synchronized void await(Duration max) throws InterruptedException {
            if (!raised) wait(Math.max(1, max.toMillis()));
            raised = false;
        }
    }

    private record TargetKey(DeliveryKind kind, String target) {}

    /** Consecutive failures of one target; guarded by its own monitor. */
    private static final class Health {
        int failures;
        Instant probeAt = Instant.EPOCH;
        boolean probing;

        boolean down() { return failures >= DOWN_AFTER; }
    }

    public DeliveryRelay(DeliveryStore store, Clock clock, String owner, DeliverySettings settings,
                         List<CheckpointMaker> makers, List<Sender> senders, Backoff backoff) {
        this.store = store;
        this.clock = clock;
        this.owner = owner;
        this.settings = settings;
        this.makers = List.copyOf(makers);
        var bySender = new java.util.EnumMap<DeliveryKind, Sender>(DeliveryKind.class);
        senders.forEach(s -> bySender.put(s.kind(), s));
        this.senders = Map.copyOf(bySender);
        this.backoff = backoff;
        // Long enough that a lane's run (its head, then followers while time remains) is never claimed
        // twice; short enough that another node resends soon after this one dies.
        this.lease = settings.timeout().multipliedBy(2).plusSeconds(5);
        this.slots = new Semaphore(settings.concurrency());
    }

    public void addObserver(DeliveryObserver o) { observers.add(o); }

    /** Releases this node's claims left by a crash, then runs the loops on their own threads. */
    public synchronized void start() {
        if (!loops.isEmpty() || closed) return;
        int released = store.releaseClaims(owner, clock.instant());
        if (released > 0) log.info("resending {} deliveries that were in flight when this node stopped", released);
        loops = List.of(
                Thread.ofPlatform().name("bosun-relay-make").daemon(true).start(() -> loop(() -> {
                    int made = makeAll();
                    if (made > 0) sendSignal.raise();
                    return made > 0;
                }, () -> makeSignal.await(IDLE_POLL))),
                Thread.ofPlatform().name("bosun-relay-send").daemon(true).start(() -> loop(
                        () -> flush() + dispatch() > 0, () -> sendSignal.await(untilNextDue()))));
    }

    /** Something was committed: look for new checkpoints now rather than at the next poll. */
    public void wake() {
        makeSignal.raise();
    }

    @FunctionalInterface
    private interface Wait {
        void await() throws InterruptedException;
    }

    private void loop(java.util.function.BooleanSupplier work, Wait idle) {
        while (!closed) {
            try {
                if (!work.getAsBoolean()) idle.await();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                log.warn("delivery relay: {}; retrying in 1 s", e.getMessage());
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * One round: make deliveries of new checkpoints, record finished attempts, start new ones. Tests
     * that drive the relay by hand call this (with {@link #awaitInFlight}) instead of {@link #start}.
     *
     * @return whether anything happened
     */
    public boolean step() {
        int made = makeAll();
        int recorded = flush();
        int started = dispatch();
        return made + recorded + started > 0;
    }

    /** Waits until no attempt is in flight, then records their outcomes. */
    public void awaitInFlight(Duration max) throws InterruptedException {
        if (slots.tryAcquire(settings.concurrency(), max.toMillis(), TimeUnit.MILLISECONDS)) {
            slots.release(settings.concurrency());
        }
        flush();
    }

    // ---- make ----

    private int makeAll() {
        int total = 0;
        for (CheckpointMaker m : makers) total += make(m);
        return total;
    }

    private int make(CheckpointMaker maker) {
        List<CheckpointBatch> batches = store.checkpointsBehind(maker.consumer(), SESSIONS_PER_READ, EVENTS_PER_SESSION);
        if (batches.isEmpty()) return 0;
        maker.beginPass();
        Instant now = clock.instant();
        // Concurrent, so the store's group commit takes many sessions' batches in one transaction.
        var futures = new ArrayList<Future<Boolean>>(batches.size());
        for (CheckpointBatch b : batches) futures.add(threads.submit(() -> store.consume(maker.consumer(), b, maker.make(b), now)));
        int done = 0;
        for (Future<Boolean> f : futures) {
            try {
                if (f.get()) done++;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("could not record {} deliveries: {}", maker.consumer().name().toLowerCase(java.util.Locale.ROOT),
                        e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done;
            }
        }
        return done;
    }

    // ---- send ----

    private int dispatch() {
        int started = 0;
        for (Sender sender : senders.values()) {
            DeliveryKind kind = sender.kind();
            Instant now = clock.instant();
            Set<String> exclude = new HashSet<>();
            List<String> probes = new ArrayList<>();
            health.forEach((key, h) -> {
                if (key.kind() != kind) return;
                synchronized (h) {
                    if (!h.down()) return;
                    exclude.add(key.target());
                    if (!h.probing && !h.probeAt.isAfter(now)) probes.add(key.target());
                }
            });
            for (String target : probes) {
                if (!slots.tryAcquire()) return started;
                List<Delivery> probe = store.claimDue(kind, Optional.of(target), Set.of(), owner, now, lease, 1);
                if (probe.isEmpty()) {
                    slots.release();
                    continue;
                }
                Health h = health.get(new TargetKey(kind, target));
                synchronized (h) { h.probing = true; }
                launch(sender, probe.get(0), false);
                started++;
            }
            int free = slots.availablePermits();
            if (free == 0) return started;
            List<Delivery> due = store.claimDue(kind, Optional.empty(), exclude, owner, now, lease, free);
            for (Delivery d : due) {
                slots.acquireUninterruptibly();
                launch(sender, d, true);
                started++;
            }
        }
        return started;
    }

    /**
     * Sends a lane head on a virtual thread; when it settles (accepted or refused) and {@code lane}, the
     * lane's next deliveries follow on the same thread, one after another, while the head's lease
     * lasts: a session's backlog then costs one claim and one record, not two transactions a tile.
     */
    private void launch(Sender sender, Delivery head, boolean lane) {
        threads.execute(() -> {
            var outcomes = new ArrayList<DeliveryOutcome>();
            Delivery current = head;
            try {
                DeliveryOutcome o = outcome(head, sender.send(head));
                outcomes.add(o);
                if (lane && settled(o) && !closed) {
                    Instant leaseEnd = head.nextAttemptAt().orElse(clock.instant());
                    for (Delivery next : store.claimFollowers(head, owner, clock.instant(), LANE_RUN - 1)) {
                        // Each send may take the whole timeout; none may outlive the head's lease.
                        if (closed || clock.instant().plus(settings.timeout()).plusSeconds(1).isAfter(leaseEnd)) break;
                        current = next;
                        o = outcome(next, sender.send(next));
                        outcomes.add(o);
                        if (!settled(o)) break;
                    }
                }
            } catch (RuntimeException e) {
                // A sender or store failure must not leave the lane claimed until the lease runs out.
                log.warn("sending {} failed unexpectedly", current.id(), e);
                if (outcomes.size() == 0 || !outcomes.get(outcomes.size() - 1).id().equals(current.id())) {
                    outcomes.add(failed(current, Optional.empty(), "internal error while sending", clock.instant()));
                }
            } finally {
                finished.add(List.copyOf(outcomes));
                slots.release();
                sendSignal.raise();
            }
        });
    }

    /** The receiver answered for good (accepted or refused): the lane may move on. */
    private static boolean settled(DeliveryOutcome o) {
        return o instanceof DeliveryOutcome.Delivered || o instanceof DeliveryOutcome.Rejected;
    }

    private DeliveryOutcome outcome(Delivery d, Attempt a) {
        Instant now = clock.instant();
        TargetKey key = new TargetKey(d.kind(), d.target());
        return switch (a) {
            case Attempt.Accepted ok -> {
                answered(key);
                observers.forEach(o -> o.delivered(d.kind(), Duration.between(d.eventAt(), now)));
                yield new DeliveryOutcome.Delivered(d.id(), ok.status(), ok.remoteId(), now);
            }
            case Attempt.Refused no -> {
                answered(key);
                observers.forEach(o -> o.rejected(d.kind()));
                yield new DeliveryOutcome.Rejected(d.id(), no.status(), no.reason(), now);
            }
            case Attempt.Failed f -> {
                Health h = health.computeIfAbsent(key, k -> new Health());
                synchronized (h) {
                    h.failures++;
                    h.probing = false;
                    if (h.down()) h.probeAt = now.plus(min(backoff.delay(h.failures - DOWN_AFTER + 1), MAX_PROBE_INTERVAL));
                }
                yield failed(d, f.status(), f.error(), now);
            }
        };
    }

    private DeliveryOutcome failed(Delivery d, Optional<Integer> status, String error, Instant now) {
        if (!now.isBefore(d.eventAt().plus(settings.maxAge()))) {
            observers.forEach(o -> o.dead(d.kind()));
            return new DeliveryOutcome.Dead(d.id(), status, error + "; gave up after " + d.attempts() + " attempts over "
                    + dev.bosun.config.Durations.format(settings.maxAge()), now);
        }
        observers.forEach(o -> o.retried(d.kind()));
        return new DeliveryOutcome.Retry(d.id(), status, error, now, now.plus(backoff.delay(d.attempts())));
    }

    /** The target answered (accepted or refused): it is up; if it was down, its waiting lanes are due now. */
    private void answered(TargetKey key) {
        Health h = health.get(key);
        if (h == null) return;
        synchronized (h) {
            if (h.down()) recovered.add(key);
            h.failures = 0;
            h.probing = false;
        }
    }

    // ---- record ----

    private int flush() {
        var batch = new ArrayList<DeliveryOutcome>();
        for (List<DeliveryOutcome> run; (run = finished.poll()) != null; ) batch.addAll(run);
        if (!batch.isEmpty()) {
            try {
                store.record(batch);
            } catch (RuntimeException e) {
                // Not recorded: the claims' leases run out and the deliveries are sent again (at least once).
                log.warn("could not record {} delivery outcomes: {}", batch.size(), e.getMessage());
            }
        }
        int woken = 0;
        for (TargetKey k; (k = recovered.poll()) != null; ) {
            woken += store.wakeTarget(k.kind(), k.target(), clock.instant());
            log.info("{} target {} answers again; {} waiting deliveries are due now", k.kind().wire(), k.target(), woken);
        }
        return batch.size() + woken;
    }

    // ---- waiting ----

    /** How long the send loop may sleep: until the earliest due delivery, at most the idle poll. */
    private Duration untilNextDue() {
        Instant now = clock.instant();
        Duration wait = IDLE_POLL;
        if (slots.availablePermits() == 0) return wait; // a finishing attempt raises the signal
        for (DeliveryKind kind : senders.keySet()) {
            Optional<Instant> next = store.nextDue(kind);
            if (next.isPresent()) {
                Duration until = Duration.between(now, next.get());
                if (until.compareTo(wait) < 0) wait = until.isNegative() ? Duration.ofMillis(1) : until;
            }
        }
        return wait;
    }

    private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the loop. Attempts in flight get a few seconds to finish and be recorded; any still
     * running are abandoned, and their claims are released when this node starts again (a resend).
     */
    @Override
    public void close() {
        closed = true;
        makeSignal.raise();
        sendSignal.raise();
        for (Thread t : loops) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.shutdown();
        try {
            if (!threads.awaitTermination(Math.min(settings.timeout().toMillis() + 1000, CLOSE_GRACE.toMillis()),
                    TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            log.debug("outcomes not recorded at close (the store is closed); they will be resent", e);
        }
    }
}
