package dev.bosun.store.postgres;

import dev.bosun.store.jdbc.MigrationScripts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies the versioned migrations under {@code db/postgres/V<n>__<name>.sql} in order, recording
 * them in {@code schema_migrations}. Everything runs in one transaction holding a transaction-level
 * advisory lock keyed on the schema: nodes that start at once queue on the lock, the first applies
 * the migrations, the others find them recorded and apply nothing. PostgreSQL's DDL is
 * transactional, so a node killed half-way leaves no half-applied migration behind.
 */
final class PgMigrator {
    /** The migrations this build knows, in order. Append only; never edit one that has shipped. */
    static final List<String> MIGRATIONS = List.of(
            "V1__init.sql",
            "V2__leases.sql",
            "V3__deliveries.sql",
            "V4__delivery_ready.sql",
            "V5__idempotency_keys.sql");
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
            for (int i = 0; i < MIGRATIONS.size(); i++) {
                int version = i + 1;
                if (done.contains(version)) continue;
                s.execute(read(MIGRATIONS.get(i))); // the driver runs a multi-statement script as one simple query
                try (PreparedStatement ins =
                        c.prepareStatement("INSERT INTO schema_migrations (version, name) VALUES (?, ?)")) {
                    ins.setInt(1, version);
                    ins.setString(2, MIGRATIONS.get(i));
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
        return MIGRATIONS.size();
    }

    private static String read(String name) {
        return MigrationScripts.read(PgMigrator.class, "/db/postgres/" + name);
    }
}
