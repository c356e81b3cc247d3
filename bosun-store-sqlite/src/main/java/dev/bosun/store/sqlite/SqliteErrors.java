package dev.bosun.store.sqlite;

import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteException;

/** What an SQLite failure means for the transaction it happened in. */
final class SqliteErrors {
    private SqliteErrors() {}

    private static final int BUSY = 5,
            LOCKED = 6,
            NOMEM = 7,
            READONLY = 8,
            IOERR = 10,
            CORRUPT = 11,
            FULL = 13,
            CANTOPEN = 14,
            PROTOCOL = 15,
            NOTADB = 26;

    /** SQLite's primary result code (the low byte of an extended one). */
    static int primary(SQLException e) {
        if (e instanceof SQLiteException s && s.getResultCode() != null) return s.getResultCode().code & 0xff;
        return e.getErrorCode() & 0xff;
    }

    /** The disk (or the file system's quota) is full: SQLITE_FULL, whether SQLite or the OS said so. */
    static boolean diskFull(SQLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return primary(e) == FULL
                || m.contains("sqlite_full")
                || m.contains("database or disk is full")
                || m.contains("no space left on device");
    }

    /**
     * Errors after which SQLite may already have rolled the whole transaction back by itself
     * (https://sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction"), or
     * after which nothing more can commit: the batch is given up, never continued statement by
     * statement outside a transaction.
     */
    static boolean voidsTransaction(SQLException e) {
        return switch (primary(e)) {
            case BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB -> true;
            default -> diskFull(e);
        };
    }

    /** "cannot start a transaction within a transaction": the previous one was never ended. */
    static boolean alreadyInTransaction(SQLException e) {
        return String.valueOf(e.getMessage()).contains("within a transaction");
    }
}
