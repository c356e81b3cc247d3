package dev.bosun.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * The baseline Bosun's append rate is compared with: plain JDBC inserting rows shaped like the
 * {@code events} table into a table of the same definition in the same file, from one thread, in
 * transactions of a fixed number of rows, with the PRAGMAs SqliteStore uses. It does none of
 * Bosun's per-event work (session lookup, seq allocation, activity update, savepoints, JSON, hand-off
 * to the writer thread), so it is an upper bound for the file and disk, not a fair competitor.
 */
final class RawInsert {
    private RawInsert() {}

    record Result(int rowsPerTransaction, long rows, long nanos) {
        double perSecond() {
            return rows * 1e9 / nanos;
        }
    }

    /** Runs for {@code warmup + measure} and counts the rows committed during {@code measure}. */
    static Result measure(
            Path db,
            boolean fullSync,
            int rowsPerTransaction,
            int sessions,
            String payload,
            Duration warmup,
            Duration measure)
            throws SQLException {
        try (Connection c = connect(db, fullSync)) {
            String table = "raw_events_" + rowsPerTransaction;
            try (Statement s = c.createStatement()) {
                // The events table's definition, under another name.
                s.executeUpdate("CREATE TABLE " + table + " (session_id TEXT NOT NULL, seq INTEGER NOT NULL, "
                        + "direction TEXT NOT NULL CHECK (direction IN ('IN', 'OUT', 'SYSTEM')), type TEXT NOT NULL, "
                        + "payload TEXT NOT NULL, source_key TEXT, created_at INTEGER NOT NULL, "
                        + "PRIMARY KEY (session_id, seq)) WITHOUT ROWID");
                s.executeUpdate("CREATE UNIQUE INDEX " + table + "_by_source ON " + table
                        + " (session_id, source_key) WHERE source_key IS NOT NULL");
            }
            return insertLoop(c, table, rowsPerTransaction, sessions, payload, warmup, measure, false);
        }
    }

    /**
     * Inserts rows shaped like events into {@code table} in transactions of {@code rowsPerTransaction}
     * for {@code warmup + measure}; counts the rows committed during {@code measure}. With
     * {@code jdbcBatch} the rows of a transaction go as one JDBC batch (PostgreSQL: one round trip).
     */
    static Result insertLoop(
            Connection c,
            String table,
            int rowsPerTransaction,
            int sessions,
            String payload,
            Duration warmup,
            Duration measure,
            boolean jdbcBatch)
            throws SQLException {
        c.setAutoCommit(false);
        String[] ids = new String[sessions];
        long[] seqs = new long[sessions];
        // Session ids as long as Bosun's, so keys and pages are shaped alike.
        for (int i = 0; i < sessions; i++) ids[i] = String.format("ses_01RAWBASELINE%011d", i);
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO " + table
                        + " (session_id, seq, direction, type, payload, source_key, created_at) VALUES (?, ?, 'OUT', 'bench', ?, NULL, ?)")) {
            long warmEnd = System.nanoTime() + warmup.toNanos();
            long start = 0, rows = 0, n = 0;
            long end = warmEnd + measure.toNanos();
            boolean measuring = false;
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    start = now;
                }
                if (now >= end) return new Result(rowsPerTransaction, rows, now - start);
                for (int i = 0; i < rowsPerTransaction; i++, n++) {
                    int s = (int) (n % sessions);
                    ins.setString(1, ids[s]);
                    ins.setLong(2, ++seqs[s]);
                    ins.setString(3, payload);
                    ins.setLong(4, System.currentTimeMillis());
                    if (jdbcBatch) ins.addBatch();
                    else ins.executeUpdate();
                }
                if (jdbcBatch) ins.executeBatch();
                c.commit();
                if (measuring) rows += rowsPerTransaction;
            }
        }
    }

    // The same settings as SqliteStore's connections (WAL, synchronous, busy timeout, IMMEDIATE
    // transactions, temp store in memory); keep them in step.
    static Connection connect(Path db, boolean fullSync) throws SQLException {
        var cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(10_000);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), cfg.toProperties());
    }
}
