package dev.bosun.store.postgres;

import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.Sql;
import java.sql.SQLException;

/**
 * PostgreSQL's words for what the shared statements say differently (D106): several nodes write at
 * once, so rows read for an update are locked and scopes are serialized by advisory locks.
 */
enum PgDialect implements Dialect {
    INSTANCE;

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return PostgresStore.isUniqueViolation(e);
    }

    @Override
    public String rowId() {
        return "ctid";
    }

    @Override
    public String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    public void lock(Sql c, String scope, String key) throws SQLException {
        c.first("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", r -> 1, scope, key);
    }
}
