package dev.bosun.delivery;

import dev.bosun.config.DeliverySettings;
import dev.bosun.log.LogContext;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
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
 *   <li><b>record</b>: each outcome is written as soon as its answer arrives, and a lane that moved on
 *       claims its next delivery in the same transaction, so a crash leaves at most one delivery per
 *       lane in flight; a lane waits while its head is retried with its own backoff.</li>
 * </ol>
 * A target that fails {@value #DOWN_AFTER} times in a row is treated as down: it gets one probe at a
 * time (at backed-off intervals) instead of a flood, and when it answers again every lane waiting
 * for it is made due at once, so a backlog drains as soon as the receiver is back. A target failing
 * in a way retrying cannot fix (it refuses Bosun's credentials; it closes the connection without an
 * answer {@value #CRASH_AFTER} times in a row on the same delivery) is <em>paused</em>: said once at
 * ERROR, probed every {@link #PAUSED_PROBE_INTERVAL}, resumed when a probe is answered or by {@link #resume}.
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
    /** Connections closed without an answer in a row, on one delivery, after which its target is paused. */
    static final int CRASH_AFTER = 3;
    /** How often a paused target is probed: its trouble needs a person, so rarely. */
    static final Duration PAUSED_PROBE_INTERVAL = Duration.ofSeconds(30);

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

    /** Consecutive failures of one target and why it is paused, if it is; guarded by its own monitor. */
    private static final class Health {
        int failures;
        Instant probeAt = Instant.EPOCH;
        boolean probing;
        Instant failingSince;
        String lastError;
        String pauseCause;
        String pauseDetail;
        Instant pausedAt;
        /** Consecutive connections closed without an answer, by delivery: a crash on one delivery shows here. */
        final Map<String, Integer> drops = new java.util.HashMap<>();

        boolean paused() {
            return pauseCause != null;
        }

        /** Probed rather than sent to: failing now, or paused. */
        boolean held() {
            return failures >= DOWN_AFTER || paused();
        }

        TargetHealth snapshot(TargetKey key) {
            TargetHealth.Status status = paused()
                    ? TargetHealth.Status.PAUSED
                    : failures >= DOWN_AFTER ? TargetHealth.Status.DOWN : TargetHealth.Status.UP;
            return new TargetHealth(
                    key.kind(),
                    key.target(),
                    status,
                    Optional.ofNullable(
                            paused() ? pauseCause : status == TargetHealth.Status.DOWN ? "unreachable" : null),
                    Optional.ofNullable(paused() ? pauseDetail : status == TargetHealth.Status.UP ? null : lastError),
                    Optional.ofNullable(paused() ? pausedAt : status == TargetHealth.Status.UP ? null : failingSince),
                    failures);
        }
    }

    public DeliveryRelay(
            DeliveryStore store,
            Clock clock,
            String owner,
            DeliverySettings settings,
            List<CheckpointMaker> makers,
            List<Sender> senders,
            Backoff backoff) {
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

    public void addObserver(DeliveryObserver o) {
        observers.add(o);
    }

    /** Releases this node's claims left by a crash, then runs the loops on their own threads. */
    public synchronized void start() {
        if (!loops.isEmpty() || closed) return;
        int released = store.releaseClaims(owner, clock.instant());
        if (released > 0) log.info("resending {} deliveries that were in flight when this node stopped", released);
        loops = List.of(
                Thread.ofPlatform()
                        .name("bosun-relay-make")
                        .daemon(true)
                        .start(() -> loop(
                                () -> {
                                    int made = makeAll();
                                    if (made > 0) sendSignal.raise();
                                    return made > 0;
                                },
                                () -> makeSignal.await(IDLE_POLL))),
                Thread.ofPlatform()
                        .name("bosun-relay-send")
                        .daemon(true)
                        .start(() -> loop(() -> flush() + dispatch() > 0, () -> sendSignal.await(untilNextDue()))));
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

    /** Waits until no attempt is in flight (each records its own outcome), then wakes recovered targets. */
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
        List<CheckpointBatch> batches =
                store.checkpointsBehind(maker.consumer(), SESSIONS_PER_READ, EVENTS_PER_SESSION);
        if (batches.isEmpty()) return 0;
        maker.beginPass();
        Instant now = clock.instant();
        // Concurrent, so the store's group commit takes many sessions' batches in one transaction.
        var futures = new ArrayList<Future<Boolean>>(batches.size());
        for (CheckpointBatch b : batches)
            futures.add(threads.submit(() -> store.consume(maker.consumer(), b, maker.make(b), now)));
        int done = 0;
        for (Future<Boolean> f : futures) {
            try {
                if (f.get()) done++;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn(
                        "could not record {} deliveries: {}",
                        maker.consumer().name().toLowerCase(java.util.Locale.ROOT),
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
                    if (!h.held()) return;
                    exclude.add(key.target());
                    if (!h.probing && !h.probeAt.isAfter(now)) probes.add(key.target());
                }
            });
            for (String target : probes) {
                if (!slots.tryAcquire()) return started;
                List<Delivery> probe = store.claimDue(kind, Optional.of(target), Set.of(), owner, now, lease, 1);
                Health h = health.get(new TargetKey(kind, target));
                if (probe.isEmpty()) {
                    slots.release();
                    synchronized (h) {
                        h.probeAt = now.plus(IDLE_POLL);
                    } // nothing due to probe with: look again later
                    continue;
                }
                synchronized (h) {
                    h.probing = true;
                }
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
     * Sends a lane head on a virtual thread and records its outcome as soon as it is known; when it
     * settles (accepted or refused) and {@code lane}, the lane's next delivery is claimed in the same
     * transaction and follows on the same thread, up to {@value #LANE_RUN} in all: a session's backlog
     * costs one transaction a delivery, and a crash leaves at most the one being sent in flight.
     */
    private void launch(Sender sender, Delivery head, boolean lane) {
        threads.execute(() -> {
            Delivery current = head;
            try {
                for (int sent = 1; current != null; sent++) {
                    DeliveryOutcome o;
                    try (var ctx = LogContext.of(
                            "delivery_id",
                            current.id(),
                            "session_id",
                            current.sessionId(),
                            "tenant",
                            current.tenant())) {
                        o = outcome(current, send(sender, current));
                    }
                    boolean goOn = lane && sent < LANE_RUN && settled(o) && !closed;
                    if (goOn) {
                        current = store.recordAndClaimNext(o, owner, clock.instant(), lease)
                                .orElse(null);
                    } else {
                        store.record(List.of(o));
                        current = null;
                    }
                }
            } catch (RuntimeException e) {
                // Not recorded: the claim's lease runs out and the delivery is sent again (at least once).
                log.warn("could not record the outcome of delivery {}: {}", current.id(), e.getMessage());
            } finally {
                slots.release();
                sendSignal.raise();
            }
        });
    }

    /** One attempt; a sender that breaks its promise not to throw fails the attempt rather than the lane. */
    private static Attempt send(Sender sender, Delivery d) {
        try {
            // A CLIENT span per attempt, current while the sender builds its request, which so carries
            // its traceparent. Its own trace: the event that made the delivery committed long ago (D102).
            return Tracing.call(
                    d.kind().name().toLowerCase(java.util.Locale.ROOT) + " delivery",
                    SpanKind.CLIENT,
                    Attributes.of(
                            DELIVERY_ID,
                            d.id(),
                            Tracing.TENANT,
                            d.tenant(),
                            Tracing.SESSION_ID,
                            d.sessionId(),
                            ATTEMPT,
                            (long) d.attempts()),
                    () -> sender.send(d),
                    DeliveryRelay::traced);
        } catch (RuntimeException e) {
            log.warn("sending {} failed unexpectedly", d.id(), e);
            return new Attempt.Failed(Optional.empty(), "internal error while sending");
        }
    }

    private static final AttributeKey<String> DELIVERY_ID = AttributeKey.stringKey("bosun.delivery.id");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bosun.delivery.attempt");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    /** What the receiver made of the attempt, on its span: the status it answered, and an error unless accepted. */
    private static void traced(Span span, Attempt a) {
        span.setAttribute("bosun.delivery.outcome", a.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        switch (a) {
            case Attempt.Accepted ok -> span.setAttribute(STATUS, (long) ok.status());
            case Attempt.Refused r -> {
                span.setAttribute(STATUS, (long) r.status());
                span.setStatus(StatusCode.ERROR, "refused");
            }
            case Attempt.Failed f -> {
                f.status().ifPresent(st -> span.setAttribute(STATUS, (long) st));
                span.setStatus(StatusCode.ERROR, f.cause().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
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
                answered(key, d.id());
                observers.forEach(o -> o.delivered(d.kind(), Duration.between(d.eventAt(), now)));
                yield new DeliveryOutcome.Delivered(d.id(), ok.status(), ok.remoteId(), ok.note(), now);
            }
            case Attempt.Refused no -> {
                answered(key, d.id());
                observers.forEach(o -> o.rejected(d.kind()));
                yield new DeliveryOutcome.Rejected(d.id(), no.status(), no.reason(), now);
            }
            case Attempt.Failed f -> {
                failedAt(key, d, f, now);
                yield failed(d, f.status(), f.error(), now);
            }
        };
    }

    /** Counts a failure against the target, and pauses it when retrying cannot help. */
    private void failedAt(TargetKey key, Delivery d, Attempt.Failed f, Instant now) {
        Health h = health.computeIfAbsent(key, k -> new Health());
        String pause = null;
        synchronized (h) {
            if (h.failures == 0) h.failingSince = now;
            h.failures++;
            h.probing = false;
            h.lastError = f.error();
            String cause = switch (f.cause()) {
                case AUTH -> "auth";
                case DROPPED -> {
                    if (h.drops.size() > 10_000) h.drops.clear(); // bounded: only a run on one delivery matters
                    int n = h.drops.merge(d.id(), 1, Integer::sum);
                    yield n >= CRASH_AFTER ? "crash" : null;
                }
                case TRANSIENT -> null;
            };
            if (cause != null && !cause.equals(h.pauseCause)) {
                boolean wasPaused = h.paused();
                h.pauseCause = cause;
                h.pauseDetail = cause.equals("auth")
                        ? f.error()
                        : f.error() + ", " + h.drops.get(d.id()) + " times in a row on " + d.id()
                                + ": the receiver seems to fail on this delivery";
                if (!wasPaused) h.pausedAt = now;
                pause = h.pauseDetail;
            }
            if (h.paused()) h.probeAt = now.plus(PAUSED_PROBE_INTERVAL);
            else if (h.held())
                h.probeAt = now.plus(min(backoff.delay(h.failures - DOWN_AFTER + 1), MAX_PROBE_INTERVAL));
        }
        if (pause != null) {
            String cause = h.pauseCause;
            log.error(
                    "{} target {} paused ({}): {}; retrying cannot fix this, so only a probe goes every {} until one is "
                            + "answered or it is resumed (POST /v1/tiles/resume)",
                    key.kind().wire(),
                    key.target(),
                    cause,
                    pause,
                    dev.bosun.config.Durations.format(PAUSED_PROBE_INTERVAL));
            observers.forEach(o -> o.paused(key.kind(), key.target(), cause));
        }
    }

    private DeliveryOutcome failed(Delivery d, Optional<Integer> status, String error, Instant now) {
        // The age counts from when the delivery could first be sent, not from its event: one that waited
        // behind a stuck head gets its own maximum age.
        if (!now.isBefore(d.ageFrom().plus(settings.maxAge()))) {
            observers.forEach(o -> o.dead(d.kind()));
            String gaveUp = "gave up after " + d.attempts() + " attempts over "
                    + dev.bosun.config.Durations.format(settings.maxAge());
            // Once per delivery: a dead one is never claimed again unless a person retries it.
            log.error(
                    "{} delivery {} of session {} to {} is dead: {}; {}. Fix the cause, then retry it ({})",
                    d.kind().wire(),
                    d.id(),
                    d.sessionId(),
                    d.target(),
                    error,
                    gaveUp,
                    d.kind() == DeliveryKind.TILE
                            ? "POST /v1/tiles/{id}/retry"
                            : "POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry");
            return new DeliveryOutcome.Dead(d.id(), status, error + "; " + gaveUp, now);
        }
        observers.forEach(o -> o.retried(d.kind()));
        // Its own sends only: every one of them failed, or it would not be pending.
        return new DeliveryOutcome.Retry(d.id(), status, error, now, now.plus(backoff.delay(d.attempts())));
    }

    /** The target answered (accepted or refused): it is up; if it was down or paused, its waiting lanes are due now. */
    private void answered(TargetKey key, String deliveryId) {
        Health h = health.get(key);
        if (h == null) return;
        boolean resumed;
        synchronized (h) {
            if (h.held()) recovered.add(key);
            resumed = h.paused();
            clear(h);
            h.drops.remove(deliveryId);
        }
        if (resumed)
            log.info("{} target {} answers a probe again: resumed", key.kind().wire(), key.target());
    }

    private static void clear(Health h) {
        h.failures = 0;
        h.probing = false;
        h.pauseCause = null;
        h.pauseDetail = null;
        h.pausedAt = null;
        h.failingSince = null;
    }

    /**
     * Resumes a paused (or down) target at once, on an operator's word: its waiting lanes are due now.
     *
     * @return whether it was paused or down
     */
    public boolean resume(DeliveryKind kind, String target) {
        TargetKey key = new TargetKey(kind, target);
        Health h = health.get(key);
        if (h == null) return false;
        synchronized (h) {
            if (!h.held()) return false;
            clear(h);
            h.drops.clear();
            recovered.add(key);
        }
        log.info("{} target {} resumed on request", kind.wire(), target);
        sendSignal.raise();
        return true;
    }

    /** How {@code target} fares as this node sees it (up when it has not failed). */
    public TargetHealth health(DeliveryKind kind, String target) {
        Health h = health.get(new TargetKey(kind, target));
        if (h == null) return TargetHealth.up(kind, target);
        synchronized (h) {
            return h.snapshot(new TargetKey(kind, target));
        }
    }

    /** The targets of {@code kind} that are down or paused. */
    public List<TargetHealth> troubled(DeliveryKind kind) {
        var out = new ArrayList<TargetHealth>();
        health.forEach((key, h) -> {
            if (key.kind() != kind) return;
            synchronized (h) {
                if (h.held()) out.add(h.snapshot(key));
            }
        });
        return out;
    }

    // ---- record ----

    /** Makes the waiting lanes of targets that answer again due at once. */
    private int flush() {
        int woken = 0;
        for (TargetKey k; (k = recovered.poll()) != null; ) {
            int n = store.wakeTarget(k.kind(), k.target(), clock.instant());
            woken += n;
            log.info(
                    "{} target {} answers again; {} waiting deliveries are due now",
                    k.kind().wire(),
                    k.target(),
                    n);
        }
        return woken;
    }

    // ---- waiting ----

    /** How long the send loop may sleep: until the earliest due delivery, at most the idle poll. */
    private Duration untilNextDue() {
        Instant now = clock.instant();
        Duration wait = IDLE_POLL;
        if (slots.availablePermits() == 0) return wait; // a finishing attempt raises the signal
        for (DeliveryKind kind : senders.keySet()) {
            // Heads of held targets wait for the target's probe, not for their own due time.
            Set<String> held = new HashSet<>();
            var candidates = new ArrayList<Instant>();
            health.forEach((key, h) -> {
                if (key.kind() != kind) return;
                synchronized (h) {
                    if (!h.held()) return;
                    held.add(key.target());
                    if (!h.probing) candidates.add(h.probeAt);
                }
            });
            store.nextDue(kind, held).ifPresent(candidates::add);
            for (Instant next : candidates) {
                Duration until = Duration.between(now, next);
                if (until.compareTo(wait) < 0)
                    wait = until.isNegative() || until.isZero() ? Duration.ofMillis(1) : until;
            }
        }
        return wait;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the loop. Attempts in flight get a few seconds to finish and be recorded; any still
     * running are abandoned, and their claims are released when this node starts again (a resend of
     * at most one delivery per lane).
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
            if (!threads.awaitTermination(
                    Math.min(settings.timeout().toMillis() + 1000, CLOSE_GRACE.toMillis()), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
