package dev.bosun.store.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL back into the database file from a thread and connection of its own (D121). SQLite's
 * automatic checkpoint runs in the thread that commits, once the WAL holds 1,000 pages: on the single
 * writer that put the copy and the database file's {@code fsync} inside a caller's {@code COMMIT}. Here
 * the writer only counts its commits; every {@value #COMMITS_PER_CHECKPOINT} commits (or a second after
 * the last, when writes stop) this thread runs a {@code PASSIVE} checkpoint, which never waits for the
 * writer or a reader and never blocks them. The writer keeps an automatic checkpoint at {@value
 * #WRITER_BACKSTOP_PAGES} pages as a backstop, should this thread fall behind. Durability is not
 * affected: a commit is durable once the WAL is synced at {@code COMMIT}; a checkpoint only moves pages.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
    /** Near SQLite's 1,000-page default: commits of a dozen appends write 23-31 WAL pages each (D121). */
    static final int COMMITS_PER_CHECKPOINT = 64;
    /** The writer's own automatic checkpoint (pages, 64 MiB of WAL): reached only if this thread falls behind. */
    static final int WRITER_BACKSTOP_PAGES = 16_384;

    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One checkpoint's answer: whether it was kept from finishing, the WAL's frames and how many are in the file. */
    record Result(boolean busy, long walFrames, long checkpointedFrames) {}

    private final Conn conn;
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong runs = new AtomicLong();
    private volatile Result last = new Result(false, 0, 0);
    private volatile boolean closed;
    private long checkpointedAt; // the commit count the last checkpoint saw; this thread only

    Checkpointer(Conn conn) {
        this.conn = conn;
        this.thread =
                Thread.ofPlatform().name("bosun-sqlite-checkpoint").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Called by the writer after each commit: a count, and a wake-up once per {@link #COMMITS_PER_CHECKPOINT}. */
    void committed() {
        if (commits.incrementAndGet() % COMMITS_PER_CHECKPOINT == 0) LockSupport.unpark(thread);
    }

    /** Checkpoints run so far (tests and diagnostics). */
    long runs() {
        return runs.get();
    }

    /** What the last checkpoint answered. */
    Result last() {
        return last;
    }

    private void loop() {
        while (!closed) {
            LockSupport.parkNanos(this, IDLE_NANOS);
            long seen = commits.get();
            if (closed || seen == checkpointedAt) continue;
            checkpointedAt = seen;
            try {
                last = checkpoint();
                runs.incrementAndGet();
            } catch (SQLException e) {
                // A full disk or a failing store: the writer reports it; the next checkpoint tries again.
                log.debug("SQLite checkpoint failed: {}", e.getMessage());
            }
        }
    }

    private Result checkpoint() throws SQLException {
        try (ResultSet r = conn.prepare("PRAGMA wal_checkpoint(PASSIVE)").executeQuery()) {
            if (!r.next()) return new Result(false, 0, 0);
            return new Result(r.getInt(1) != 0, r.getLong(2), r.getLong(3));
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        conn.close();
    }
}
