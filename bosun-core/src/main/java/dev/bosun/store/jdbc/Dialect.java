package dev.bosun.store.jdbc;

import java.sql.SQLException;

/**
 * What the SQL of the stores says differently in SQLite and PostgreSQL, and nothing else: the
 * statements themselves are written once ({@link JdbcDeliveries}, {@link JdbcIdempotency}). A store
 * whose whole statement differs (PostgreSQL's claims with {@code SKIP LOCKED}) overrides the method
 * instead.
 */
public interface Dialect {

    /** Whether {@code e} is a unique or primary-key violation. */
    boolean isUniqueViolation(SQLException e);

    /** The hidden physical row id, for bounded deletes ({@code rowid}, {@code ctid}). */
    String rowId();

    /** The clause that locks rows read for an update, with its leading space ("" with one writer). */
    String forUpdate();

    /**
     * Serializes writers of one {@code scope}/{@code key} until the transaction ends (a lane, a
     * tenant's cap). A store with one writer has nothing to do.
     */
    void lock(Sql c, String scope, String key) throws SQLException;
}
