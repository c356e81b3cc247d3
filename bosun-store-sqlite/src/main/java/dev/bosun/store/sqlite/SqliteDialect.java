package dev.bosun.store.sqlite;

import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.Sql;
import java.sql.SQLException;

/** SQLite's words for what the shared statements say differently (D106): one writer, so no locks. */
enum SqliteDialect implements Dialect {
    INSTANCE;

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return SqliteStore.isConstraint(e);
    }

    @Override
    public String rowId() {
        return "rowid";
    }

    @Override
    public String forUpdate() {
        return "";
    }

    @Override
    public void lock(Sql c, String scope, String key) {
        // The single writer thread runs one transaction at a time: nothing to serialize.
    }
}
