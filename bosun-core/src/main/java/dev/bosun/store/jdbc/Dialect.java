package dev.bosun.store.jdbc;

import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the SQL of the stores says differently in SQLite and PostgreSQL, and nothing else: the
 * statements themselves are written once ({@link JdbcStore}, {@link JdbcDeliveries},
 * {@link JdbcIdempotency}). Both dialects stand here side by side. A store whose whole statement
 * differs (PostgreSQL's claims with {@code SKIP LOCKED}, its one-statement append, its fenced worker
 * writes) overrides the method instead (D106).
 *
 * @param uniqueViolation whether an exception is a unique or primary-key violation
 * @param rowId           the hidden physical row id, for bounded deletes
 * @param forUpdate       the clause that locks rows read for an update, with its leading space
 * @param skipLocked      the same for a reader that steps aside from rows another transaction holds
 * @param greatest        the function that answers the larger of two values
 * @param lock            the statement that serializes writers of one (scope, key) until the
 *                        transaction ends; none with a single writer
 * @param listing         how a session listing matches a tag (JSON array) and a part of a name
 * @param ddl             the words the schema's migration templates leave to the engine (D123)
 */
public record Dialect(
        Predicate<SQLException> uniqueViolation,
        String rowId,
        String forUpdate,
        String skipLocked,
        String greatest,
        Optional<String> lock,
        SessionListing listing,
        Ddl ddl) {

    /**
     * SQLite: one writer thread runs one transaction at a time, so nothing is locked; tags are found with
     * json_each, a name part with instr (no LIKE escapes).
     */
    public static final Dialect SQLITE = new Dialect(
            e -> e.getErrorCode() == 19 || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT"),
            "rowid",
            "",
            "",
            "MAX",
            Optional.empty(),
            new SessionListing("EXISTS (SELECT 1 FROM json_each(sessions.tags) WHERE value = ?)", "instr(name, ?) > 0"),
            Ddl.SQLITE);

    /**
     * PostgreSQL: several nodes write at once, so rows read for an update are locked and scopes (a
     * lane, a tenant's cap) are serialized by transaction-level advisory locks; tags are found with
     * jsonb_array_elements_text, a name part with strpos.
     */
    public static final Dialect POSTGRES = new Dialect(
            e -> "23505".equals(e.getSQLState()),
            "ctid",
            " FOR UPDATE",
            " FOR UPDATE SKIP LOCKED",
            "GREATEST",
            Optional.of("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))"),
            new SessionListing(
                    "EXISTS (SELECT 1 FROM jsonb_array_elements_text(sessions.tags::jsonb) AS tag WHERE tag = ?)",
                    "strpos(name, ?) > 0"),
            Ddl.POSTGRES);

    /** Whether {@code e} is a unique or primary-key violation. */
    public boolean isUniqueViolation(SQLException e) {
        return uniqueViolation.test(e);
    }

    /** Serializes writers of {@code scope}/{@code key} until the transaction ends (a no-op with one writer). */
    public void lock(Sql c, String scope, String key) throws SQLException {
        if (lock.isPresent()) c.first(lock.get(), r -> 1, scope, key);
    }
}
