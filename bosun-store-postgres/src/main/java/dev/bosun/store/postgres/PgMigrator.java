package dev.bosun.store.postgres;

import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.Migration;
import dev.bosun.store.jdbc.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Applies PostgreSQL's schema versions ({@link Migrations#POSTGRES}, templates shared with SQLite and
 * rendered in PostgreSQL's words: D123) in order, recording
 * them in {@code schema_migrations}. Everything runs in one transaction holding a transaction-level
 * advisory lock keyed on the schema: nodes that start at once queue on the lock, the first applies
 * the migrations, the others find them recorded and apply nothing. PostgreSQL's DDL is
 * transactional, so a node killed half-way leaves no half-applied migration behind.
 */
final class PgMigrator {
    /** First key of the advisory lock: Bosun's migrations (the second is the schema's hash). */
    private static final int LOCK_CLASS = 0x62736e31; // "bsn1"

    private PgMigrator() {}

    /** Migrates {@code schema} (creating it if needed); returns how many migrations this call applied. */
    static int migrate(Connection c, String schema) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setString(2, schema);
                lock.execute();
            }
            // Under the lock: CREATE SCHEMA IF NOT EXISTS is not safe against a concurrent twin.
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("SET LOCAL search_path TO " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            Set<Integer> done = new HashSet<>();
            try (ResultSet r = s.executeQuery("SELECT version FROM schema_migrations")) {
                while (r.next()) done.add(r.getInt(1));
            }
            int applied = 0;
            for (Migration m : Migrations.POSTGRES) {
                int version = m.version();
                if (done.contains(version)) continue;
                s.execute(m.script(Dialect.POSTGRES)); // the driver runs a multi-statement script as one simple query
                try (PreparedStatement ins =
                        c.prepareStatement("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")) {
                    ins.setInt(1, version);
                    ins.setString(2, m.name());
                    ins.executeUpdate();
                }
                applied++;
            }
            c.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    static int latestVersion() {
        return Migrations.POSTGRES.size();
    }
}
