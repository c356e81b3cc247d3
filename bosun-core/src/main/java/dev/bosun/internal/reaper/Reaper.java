package dev.bosun.internal.reaper;

import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.internal.worker.Workers;
import dev.bosun.log.LogContext;
import dev.bosun.reaper.Sweeper;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.DeadlineStore;
import dev.bosun.store.Due;
import dev.bosun.store.DueTask;
import dev.bosun.store.EndCause;
import dev.bosun.store.EndOutcome;
import dev.bosun.store.EndRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires what is due: idle and TTL deadlines, startup deadlines and task timeouts. It is deadline
 * driven: each sweep asks the store, by index, only for what is due, so its cost grows with what
 * expires, not with how many sessions live; between sweeps it sleeps until the earliest stored
 * deadline, at most {@link #MAX_SLEEP}. No commit needs to wake it: every deadline Bosun sets lies
 * at least one second ahead (the smallest task, startup and idle timeouts), so it is never earlier
 * than the planned wake-up; and the cap bounds lateness for deadlines set by other nodes. Every expiry is a compare-and-set in the store, so it never races
 * terminate, end, or activity that moved a deadline.
 */
public final class Reaper implements Sweeper, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);
    /** Longest sleep between sweeps: bounds lateness for deadlines this node did not see being set. */
    public static final Duration MAX_SLEEP = Duration.ofSeconds(1);

    static final int BATCH = 500;
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofMinutes(1);

    private final DeadlineStore store;
    private final Clock clock;
    private final BosunConfig config;
    private final Workers workers;
    private final AtomicLong sweeps = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean closed;
    private volatile Instant lastHousekeeping = Instant.EPOCH;

    private final SessionEnds ends;

    /**
     * @param store the deadlines, the only part of the store a sweep reads or writes itself
     * @param ends  how every session end is made; the reaper's are batches ({@link SessionEnds#endAll})
     */
    public Reaper(DeadlineStore store, SessionEnds ends, Clock clock, BosunConfig config, Workers workers) {
        this.store = Objects.requireNonNull(store, "store");
        this.ends = Objects.requireNonNull(ends, "ends");
        this.clock = clock;
        this.config = config;
        this.workers = workers;
    }

    /** Starts the background loop. */
    public synchronized void start() {
        if (thread != null) return;
        thread = Thread.ofPlatform().name("bosun-reaper").daemon(true).start(this::loop);
    }

    @Override
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    @Override
    public long sweeps() {
        return sweeps.get();
    }

    private void loop() {
        while (!closed) {
            try {
                sweep();
                Instant now = clock.instant();
                Duration sleep = store.nextDeadline()
                        .map(d -> Duration.between(now, d))
                        .filter(d -> d.compareTo(MAX_SLEEP) < 0)
                        .orElse(MAX_SLEEP);
                if (sleep.isNegative() || sleep.isZero()) continue;
                Thread.sleep(sleep.toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("reaper sweep failed; retrying in {}", MAX_SLEEP, e);
                try {
                    Thread.sleep(MAX_SLEEP.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public SweepResult sweep() {
        sweeps.incrementAndGet();
        Instant now = clock.instant();
        // Sessions first: a session's TTL is its hard stop, so a task whose timeout falls at the same
        // moment is cancelled with its session rather than timed out on its own.
        var idle = new AtomicInteger();
        var ttl = new AtomicInteger();
        var startup = new AtomicInteger();
        var tasks = new AtomicInteger();
        // Each expiry is its own compare-and-set; a batch goes to the store in a few calls of many ends
        // each, which a store that can commits together (SQLite: one transaction per call, D113), and
        // which run side by side within the pool's bound for a store that ends them one by one.
        List<Due> due;
        do {
            due = store.dueSessions(now, BATCH);
            inParallel(slices(due, parallelism()), slice -> {
                for (Due d : expire(slice)) {
                    switch (d.kind()) {
                        case IDLE -> idle.incrementAndGet();
                        case TTL -> ttl.incrementAndGet();
                        case STARTUP -> startup.incrementAndGet();
                    }
                }
            });
        } while (due.size() == BATCH);
        List<DueTask> dueTasks;
        do {
            dueTasks = store.dueTasks(now, BATCH);
            inParallel(dueTasks, t -> {
                if (timeOut(t, now)) tasks.incrementAndGet();
            });
        } while (dueTasks.size() == BATCH);
        int purged = housekeeping(now);
        return new SweepResult(tasks.get(), idle.get(), ttl.get(), startup.get(), purged);
    }

    /**
     * How many expiries a sweep runs at once: half the store's connection pool, so that the API calls
     * of this node (and, on a shared PostgreSQL, the reapers of other nodes sweeping at the same
     * moment) still get connections instead of timing out behind a batch of 500.
     */
    int parallelism() {
        return Math.max(1, store.poolSize() / 2);
    }

    private <T> void inParallel(List<T> items, Consumer<T> action) {
        int bound = parallelism();
        if (items.size() <= 1 || bound == 1) {
            items.forEach(action);
            return;
        }
        var slots = new Semaphore(bound);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                slots.acquireUninterruptibly();
                pool.submit(() -> {
                    try {
                        action.accept(item);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    private boolean timeOut(DueTask t, Instant now) {
        try {
            return store.timeOutTask(t, "task exceeded its timeout", now);
        } catch (BosunException e) {
            log.debug("task {}/{} not timed out: {}", t.sessionId(), t.taskId(), e.getMessage());
            return false;
        }
    }

    /** {@code items} cut into at most {@code n} consecutive slices of nearly equal size. */
    static <T> List<List<T>> slices(List<T> items, int n) {
        int count = Math.max(1, Math.min(n, items.size()));
        var out = new ArrayList<List<T>>(count);
        for (int i = 0; i < count; i++) {
            List<T> slice = items.subList(i * items.size() / count, (i + 1) * items.size() / count);
            if (!slice.isEmpty()) out.add(slice);
        }
        return out;
    }

    /** Expires {@code due} in one call to the store; returns those it ended (each then cleaned up). */
    private List<Due> expire(List<Due> due) {
        var requests = new ArrayList<EndRequest>(due.size());
        var expired = new ArrayList<Due>(due.size());
        try {
            for (Due d : due) requests.add(ends.prepare(d.sessionId(), new EndCause.Expired(d.kind())));
            List<EndOutcome> outcomes = ends.endAll(requests);
            for (int i = 0; i < due.size(); i++) {
                Due d = due.get(i);
                EndOutcome o = outcomes.get(i);
                try (var ctx = LogContext.of("session_id", d.sessionId())) {
                    o.error()
                            .ifPresent(e -> log.warn("could not expire session {}: {}", d.sessionId(), e.getMessage()));
                    if (!o.transitioned()) continue;
                    expired.add(d);
                    workers.cleanup(o.result().orElseThrow().session());
                }
            }
        } catch (BosunException e) {
            log.warn("could not expire {} sessions: {}", due.size(), e.getMessage());
        }
        return expired;
    }

    /** Once a minute: finish interrupted cleanups and purge what is past retention. */
    private int housekeeping(Instant now) {
        if (Duration.between(lastHousekeeping, now).compareTo(HOUSEKEEPING_EVERY) < 0) return 0;
        lastHousekeeping = now;
        workers.cleanupPending();
        int purged = 0, n;
        do {
            n = store.purgeEndedBefore(now.minus(config.retention()), BATCH);
            purged += n;
        } while (n == BATCH);
        if (purged > 0) log.info("purged {} sessions ended more than {} ago", purged, config.retention());
        purgeIdempotencyKeys(now);
        return purged;
    }

    /** Deletes idempotency keys past {@code idempotency_window} (each row carries its own expiry). */
    private void purgeIdempotencyKeys(Instant now) {
        int keys = 0, n;
        do {
            n = store.purgeIdempotencyKeys(now, BATCH);
            keys += n;
        } while (n == BATCH);
        if (keys > 0) log.debug("purged {} idempotency keys past their window", keys);
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
