package dev.bosun.store.sqlite;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.idempotency.IdempotencyScope;
import dev.bosun.store.CommittedEvent;
import dev.bosun.store.StoreHealth;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for SQLite's single writer. Callers submit write jobs; one writer thread drains
 * whatever is queued, runs the jobs one after another inside one transaction, commits once (one
 * fsync for the whole batch), then completes every caller. A job that fails for its own reason (not
 * found, a conflict) fails alone: the batch is run again with each job in its own savepoint (D112).
 *
 * <p>A failure of the store itself (disk full, an I/O error) voids the whole batch: SQLite may have
 * rolled the transaction back on its own, so nothing more runs in it, it is rolled back, and every
 * job of the batch fails. The writer owns the transaction boundaries ({@code BEGIN IMMEDIATE},
 * {@code COMMIT}, {@code ROLLBACK}) rather than the driver's auto-commit switch, so no statement
 * ever runs outside a transaction after such a failure, and nothing is announced to commit
 * listeners (notifier, event tap, metrics) unless it committed.
 *
 * <p>On a full disk the writer turns to {@link StoreHealth.State#DISK_FULL}: jobs that make data grow
 * fail at once, jobs that settle (ends, cleanups) still run, helped by the {@link DiskReserve}. A
 * background probe brings the writer back once the disk has room again, without a restart.
 */
final class WriteQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);
    private static final Attributes SPAN_ATTRIBUTES = Attributes.of(Tracing.DB_SYSTEM, "sqlite");
    static final int MAX_BATCH = 512;
    /** What a caller refused for a full disk or a failing store is told to wait before retrying. */
    static final long RETRY_AFTER_SECONDS = 5;

    private static final long PROBE_INTERVAL_MS = 1_000;

    /** One unit of work inside the shared transaction; it records the sessions it changed. */
    @FunctionalInterface
    interface Work<T> {
        T run(Conn c, Set<String> touched) throws SQLException;
    }

    /** Whether a job may run on a full disk: what grows the data waits, what settles or frees it runs. */
    enum Kind {
        GROWS,
        SETTLES
    }

    private record Job<T>(Work<T> work, Kind kind, CompletableFuture<T> done) {}

    /**
     * What one transaction did: per-job results or failures, the sessions it changed and the events it wrote
     * (empty unless it committed), and the failure that voided it all, if any.
     */
    private record Attempt(
            Object[] results,
            Throwable[] failures,
            Set<String> touched,
            List<CommittedEvent> appended,
            SQLException voided) {
        Attempt(Object[] results, Throwable[] failures, Set<String> touched, SQLException voided) {
            this(results, failures, touched, List.of(), voided);
        }
    }

    /** Told after each commit: the sessions it changed and the events it wrote, in the order written. */
    @FunctionalInterface
    interface AfterCommit {
        void committed(Set<String> touched, List<CommittedEvent> appended);
    }

    private final Conn conn;
    private final AfterCommit afterCommit;
    private final DiskReserve reserve;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final Thread prober;
    private final AtomicReference<StoreHealth> health = new AtomicReference<>(StoreHealth.HEALTHY);
    private volatile boolean closed;
    private final List<LongConsumer> commitTimers = new CopyOnWriteArrayList<>();

    void addCommitTimer(LongConsumer t) {
        commitTimers.add(t);
    }

    WriteQueue(Conn conn, AfterCommit afterCommit, DiskReserve reserve) throws SQLException {
        this.conn = conn;
        this.afterCommit = afterCommit;
        this.reserve = reserve;
        // The writer begins and ends every transaction itself (see the class comment).
        conn.jdbc.setAutoCommit(true);
        this.writer =
                Thread.ofPlatform().name("bosun-sqlite-writer").daemon(true).unstarted(this::loop);
        writer.start();
        this.prober =
                Thread.ofPlatform().name("bosun-sqlite-probe").daemon(true).unstarted(this::probeLoop);
        prober.start();
    }

    /** Jobs waiting for the writer (tests use it to know a batch is assembled). */
    int pending() {
        return queue.size();
    }

    /** The writer's health as of its last commit or probe; no database call. */
    StoreHealth health() {
        return health.get();
    }

    <T> T submit(Work<T> work) {
        return submit(Kind.GROWS, work);
    }

    /**
     * A span per write made within a trace, on the caller's thread: its wait in the queue, its savepoint
     * in the group's transaction and the group's commit (the writer thread has no caller context).
     */
    <T> T submit(Kind kind, Work<T> work) {
        if (!Tracing.inTrace()) return submitNow(kind, work);
        return Tracing.call(
                "store write", SpanKind.CLIENT, SPAN_ATTRIBUTES, () -> submitNow(kind, work), (span, r) -> {});
    }

    private <T> T submitNow(Kind kind, Work<T> work) {
        if (closed) throw BosunException.unavailable("the store is closed", null);
        // A request's idempotency key rides on its first write, in the same transaction (D78).
        var claim = IdempotencyScope.pending();
        Work<T> w = claim.isEmpty()
                ? work
                : (c, touched) -> {
                    T result = work.run(c, touched);
                    SqliteIdempotency.insert(c, claim.get().claim(), touched);
                    return result;
                };
        var job = new Job<>(w, kind, new CompletableFuture<T>());
        queue.add(job);
        try {
            T result = job.done.get();
            claim.ifPresent(IdempotencyScope.Binding::written);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.unavailable("interrupted while waiting for the store", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BosunException be) throw be;
            if (cause instanceof SQLException se) throw storeError(se);
            throw BosunException.internal("the store failed: " + cause, cause);
        }
    }

    static BosunException diskFull() {
        return BosunException.diskFull(
                "the disk is full: the store could not write, and nothing of this request was "
                        + "written; free space in the data dir and retry (ends and terminates are still accepted)",
                RETRY_AFTER_SECONDS,
                Map.of());
    }

    private static BosunException storeError(SQLException e) {
        if (SqliteErrors.diskFull(e)) return diskFull();
        // SQLite's messages name the failure, not the file: safe to show.
        return new BosunException(
                ErrorCode.UNAVAILABLE,
                "the store could not commit, and nothing of this request was written: " + e.getMessage(),
                Map.of("retry_after_seconds", RETRY_AFTER_SECONDS),
                e);
    }

    private void loop() {
        var batch = new ArrayList<Job<?>>(MAX_BATCH);
        while (!closed || !queue.isEmpty()) {
            try {
                Job<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                runBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable t) {
                log.error("writer failed a batch of {} jobs", batch.size(), t);
                for (Job<?> j : batch) j.done.completeExceptionally(t);
            } finally {
                batch.clear();
            }
        }
        for (Job<?> j; (j = queue.poll()) != null; ) {
            j.done.completeExceptionally(BosunException.unavailable("the store is closed", null));
        }
    }

    private void runBatch(List<Job<?>> batch) {
        var run = new ArrayList<Job<?>>(batch.size());
        boolean full = health.get().state() == StoreHealth.State.DISK_FULL;
        for (Job<?> j : batch) {
            // On a full disk what grows the data waits: the room left (and the reserve) is for ends.
            if (full && j.kind() == Kind.GROWS) j.done().completeExceptionally(diskFull());
            else run.add(j);
        }
        if (run.isEmpty()) return;
        Attempt a = attempt(run);
        if (a.voided() == null) {
            finish(run, a);
            // Only a probe that has put the reserve back clears a full disk: settling jobs commit in its room.
            if (!full) recovered(health.get());
            return;
        }
        failed(a.voided());
        List<Job<?>> settling =
                run.stream().filter(j -> j.kind() == Kind.SETTLES).toList();
        if (SqliteErrors.diskFull(a.voided()) && !settling.isEmpty() && reserve.release()) {
            for (Job<?> j : run) if (j.kind() == Kind.GROWS) j.done().completeExceptionally(a.voided());
            Attempt again = attempt(settling);
            if (again.voided() == null) finish(settling, again);
            else failAll(settling, again);
            return;
        }
        failAll(run, a);
    }

    /**
     * Runs {@code jobs} in one transaction and commits it, or rolls it all back when the store itself failed.
     * A batch first runs without savepoints: a job failing for its own reason (not found, a conflict) is rare,
     * and a savepoint and its release around every job cost the writer more than a failure's replay does
     * (D112). When one fails, the whole transaction rolls back and the batch runs again, each job in its own
     * savepoint, so the failed job fails alone and every other one commits as if nothing had happened. Jobs
     * are database work only, so running one again is safe (as the settling jobs' replay after a full disk).
     */
    private Attempt attempt(List<Job<?>> jobs) {
        if (jobs.size() == 1) return attempt(jobs, false);
        Attempt optimistic = attempt(jobs, false);
        return optimistic != null ? optimistic : attempt(jobs, true);
    }

    /**
     * One try at {@code jobs} in one transaction. Without {@code savepoints}, a job's own failure ends the
     * try: with a lone job that failure is the answer; in a batch the try is rolled back and null returned,
     * for the caller to replay the batch with savepoints.
     */
    private Attempt attempt(List<Job<?>> jobs, boolean savepoints) {
        var results = new Object[jobs.size()];
        var failures = new Throwable[jobs.size()];
        var touched = new HashSet<String>();
        conn.clearAppended();
        try {
            begin();
        } catch (SQLException e) {
            rollbackQuietly();
            return new Attempt(results, failures, touched, e);
        }
        var mine = new HashSet<String>();
        for (int i = 0; i < jobs.size(); i++) {
            Job<?> job = jobs.get(i);
            mine.clear();
            int mark = conn.appendedMark();
            try {
                // Jobs of a batch run one after another, so one savepoint name serves them all, through cached
                // statements.
                if (savepoints) conn.prepare("SAVEPOINT job").execute();
                results[i] = job.work().run(conn, mine);
                if (savepoints) conn.prepare("RELEASE job").execute();
                touched.addAll(mine);
            } catch (Throwable t) {
                failures[i] = t;
                if (t instanceof SQLException se && SqliteErrors.voidsTransaction(se)) {
                    rollbackQuietly();
                    return new Attempt(results, failures, touched, se);
                }
                if (!savepoints) {
                    // A lone job's error is the answer, whatever the rollback says; a batch is replayed.
                    rollbackQuietly();
                    return jobs.size() == 1 ? new Attempt(results, failures, touched, null) : null;
                }
                conn.dropAppendedFrom(mark); // its events are rolled back with it
                try {
                    conn.prepare("ROLLBACK TO job").execute();
                    conn.prepare("RELEASE job").execute();
                } catch (SQLException gone) {
                    // The savepoint is gone with the transaction: SQLite ended it. Nothing of the batch is left.
                    rollbackQuietly();
                    return new Attempt(results, failures, touched, gone);
                }
            }
        }
        long began = System.nanoTime();
        try {
            conn.prepare("COMMIT").execute();
        } catch (SQLException e) {
            rollbackQuietly();
            return new Attempt(results, failures, touched, e);
        }
        long took = System.nanoTime() - began;
        for (var t : commitTimers) t.accept(took);
        return new Attempt(results, failures, touched, conn.takeAppended(), null);
    }

    private void begin() throws SQLException {
        try {
            conn.prepare("BEGIN IMMEDIATE").execute();
        } catch (SQLException e) {
            if (!SqliteErrors.alreadyInTransaction(e)) throw e;
            // A transaction left open by a failed ROLLBACK: end it, never build on it.
            conn.prepare("ROLLBACK").execute();
            conn.prepare("BEGIN IMMEDIATE").execute();
        }
    }

    /** ROLLBACK after a failure; "no transaction is active" means SQLite already rolled it back, which is what we want. */
    private void rollbackQuietly() {
        try {
            conn.prepare("ROLLBACK").execute();
        } catch (SQLException ignored) {
            // already rolled back by SQLite, or the next begin() finds it open and ends it
        }
    }

    private void finish(List<Job<?>> jobs, Attempt a) {
        complete(jobs, a.results(), a.failures());
        if (!a.touched().isEmpty() || !a.appended().isEmpty()) {
            try {
                afterCommit.committed(a.touched(), a.appended());
            } catch (RuntimeException e) {
                log.warn("a commit listener failed", e);
            }
        }
    }

    /** The batch did not commit: a job that failed for its own reason keeps it, every other one gets the store's. */
    private static void failAll(List<Job<?>> jobs, Attempt a) {
        for (int i = 0; i < jobs.size(); i++) {
            Throwable own = a.failures()[i];
            boolean ownReason = own != null && !(own instanceof SQLException);
            jobs.get(i).done().completeExceptionally(ownReason ? own : a.voided());
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(List<Job<?>> batch, Object[] results, Throwable[] failures) {
        for (int i = 0; i < batch.size(); i++) {
            var done = (CompletableFuture<Object>) batch.get(i).done();
            if (failures[i] != null) done.completeExceptionally(failures[i]);
            else done.complete(results[i]);
        }
    }

    private void failed(SQLException e) {
        boolean full = SqliteErrors.diskFull(e);
        StoreHealth now = full
                ? new StoreHealth(
                        StoreHealth.State.DISK_FULL,
                        "the disk under the store is full; writes that add data are " + "refused until space is freed")
                : new StoreHealth(StoreHealth.State.FAILING, "commits fail: " + e.getMessage());
        StoreHealth before = health.getAndSet(now);
        if (before.state() != now.state()) {
            log.error(
                    "SQLite store: {} (SQLite said: {}); rolled back, nothing of the failed requests was written",
                    now.detail(),
                    e.getMessage());
        }
    }

    private void recovered(StoreHealth seen) {
        if (seen.ready()) return;
        if (health.compareAndSet(seen, StoreHealth.HEALTHY)) log.info("SQLite store: writes commit again");
    }

    /**
     * One probe: while the writer is unhealthy, put the disk reserve back (when there is room for
     * it) and commit a one-row write through the queue. Returns whether the writer is healthy.
     */
    boolean probe() {
        StoreHealth seen = health.get();
        if (seen.ready()) return true;
        if (!reserve.restore()) return false;
        try {
            submit(Kind.SETTLES, (c, touched) -> {
                // A write that grows the database by 64 KiB and takes it back in the same transaction: it
                // commits only where a send would, and leaves nothing but a few free pages behind.
                c.prepare("INSERT INTO counters (name, value) VALUES ('health_probe', zeroblob(65536))")
                        .executeUpdate();
                c.prepare("DELETE FROM counters WHERE name = 'health_probe'").executeUpdate();
                return null;
            });
        } catch (BosunException e) {
            return false;
        }
        recovered(seen);
        return health.get().ready();
    }

    private void probeLoop() {
        while (!closed) {
            try {
                Thread.sleep(PROBE_INTERVAL_MS);
                if (!closed) probe();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("the store's health probe failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        prober.interrupt();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
