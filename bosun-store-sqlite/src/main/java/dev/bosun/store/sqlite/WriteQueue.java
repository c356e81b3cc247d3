package dev.bosun.store.sqlite;

import dev.bosun.error.BosunException;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for SQLite's single writer. Callers submit write jobs; one writer thread drains
 * whatever is queued, runs each job in its own savepoint inside one transaction, commits once (one
 * fsync for the whole batch), then completes every caller. A job that fails rolls back to its
 * savepoint and fails alone; a failed commit fails the whole batch.
 */
final class WriteQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);
    static final int MAX_BATCH = 512;

    /** One unit of work inside the shared transaction; it records the sessions it changed. */
    @FunctionalInterface
    interface Work<T> {
        T run(Conn c, Set<String> touched) throws SQLException;
    }

    private record Job<T>(Work<T> work, CompletableFuture<T> done) {}

    private final Conn conn;
    private final Consumer<Set<String>> afterCommit;
    private final BlockingQueue<Job<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    private final java.util.List<java.util.function.LongConsumer> commitTimers = new java.util.concurrent.CopyOnWriteArrayList<>();

    void addCommitTimer(java.util.function.LongConsumer t) { commitTimers.add(t); }

    WriteQueue(Conn conn, Consumer<Set<String>> afterCommit) throws SQLException {
        this.conn = conn;
        this.afterCommit = afterCommit;
        conn.jdbc.setAutoCommit(false);
        this.writer = Thread.ofPlatform().name("bosun-sqlite-writer").daemon(true).unstarted(this::loop);
        writer.start();
    }

    <T> T submit(Work<T> work) {
        if (closed) throw BosunException.unavailable("the store is closed", null);
        var job = new Job<>(work, new CompletableFuture<T>());
        queue.add(job);
        try {
            return job.done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BosunException.unavailable("interrupted while waiting for the store", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BosunException be) throw be;
            if (cause instanceof SQLException) {
                throw BosunException.unavailable("the store could not commit: " + cause.getMessage(), cause);
            }
            throw BosunException.internal("the store failed: " + cause, cause);
        }
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

    private void runBatch(List<Job<?>> batch) throws SQLException {
        var results = new Object[batch.size()];
        var failures = new Throwable[batch.size()];
        var touched = new HashSet<String>();
        boolean single = batch.size() == 1;
        for (int i = 0; i < batch.size(); i++) {
            Job<?> job = batch.get(i);
            // A lone job needs no savepoint: on failure the whole transaction rolls back. Jobs of a batch
            // run one after another, so one savepoint name serves them all, through cached statements
            // (the driver's setSavepoint() compiles a new statement every time).
            if (!single) conn.prepare("SAVEPOINT job").execute();
            var mine = new HashSet<String>();
            try {
                results[i] = job.work.run(conn, mine);
                if (!single) conn.prepare("RELEASE job").execute();
                touched.addAll(mine);
            } catch (Throwable t) {
                failures[i] = t;
                if (!single) {
                    conn.prepare("ROLLBACK TO job").execute();
                    conn.prepare("RELEASE job").execute();
                }
            }
        }
        long began = System.nanoTime();
        try {
            if (single && failures[0] != null) conn.jdbc.rollback();
            else conn.jdbc.commit();
            long took = System.nanoTime() - began;
            for (var t : commitTimers) t.accept(took);
        } catch (SQLException e) {
            try { conn.jdbc.rollback(); } catch (SQLException ignored) { }
            throw e;
        }
        complete(batch, results, failures);
        if (!touched.isEmpty()) {
            try {
                afterCommit.accept(touched);
            } catch (RuntimeException e) {
                log.warn("a commit listener failed", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(List<Job<?>> batch, Object[] results, Throwable[] failures) {
        for (int i = 0; i < batch.size(); i++) {
            var done = (CompletableFuture<Object>) batch.get(i).done;
            if (failures[i] != null) done.completeExceptionally(failures[i]);
            else done.complete(results[i]);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
