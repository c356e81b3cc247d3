package dev.bosun.store.jdbc;

import java.sql.SQLException;
import java.util.Set;

/**
 * How a SQL store runs its transactions: what differs between SQLite (one writer thread with group
 * commit, WAL readers) and PostgreSQL (a pool, fencing, retried serialization failures). The shared
 * statements ({@link JdbcDeliveries}, {@link JdbcIdempotency}, ...) run inside these and know nothing
 * of either. Errors come out as {@code BosunException}s, as the store's own do.
 */
public interface Transactions {

    /** Work that only reads. */
    @FunctionalInterface
    interface Read<T> {
        T run(Sql c) throws SQLException;
    }

    /** Work that writes; it adds to {@code touched} the sessions whose log or status it changed. */
    @FunctionalInterface
    interface Write<T> {
        T run(Sql c, Set<String> touched) throws SQLException;
    }

    /** Runs {@code work} on a reading connection. */
    <T> T read(Read<T> work);

    /** Runs {@code work} in one committed write transaction. */
    <T> T write(Write<T> work);

    /**
     * Like {@link #write}, for a write that settles or frees state rather than growing it: a store
     * short of disk still runs it (SQLite's {@code SETTLES}, D44).
     */
    default <T> T settle(Write<T> work) {
        return write(work);
    }
}
