package dev.bosun.store.sqlite;

import dev.bosun.store.jdbc.MigrationScripts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the versioned schema migrations under {@code db/sqlite/V<n>__<name>.sql} in order, each in
 * its own transaction, recording them in {@code schema_migrations}. The connection it is given opens
 * transactions with {@code BEGIN IMMEDIATE}, taking SQLite's write lock before the check, so two
 * processes opening one file at once apply each migration once.
 */
final class Migrator {
    /** The migrations this build knows, in order. Append only; never edit one that has shipped. */
    static final List<String> MIGRATIONS = List.of(
            "V1__init.sql",
            "V2__fleet.sql",
            "V3__live_counter.sql",
            "V4__deliveries.sql",
            "V5__delivery_ready.sql",
            "V6__idempotency_keys.sql");

    private Migrator() {}

    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int applied = 0;
        for (int i = 0; i < MIGRATIONS.size(); i++) {
            int version = i + 1;
            String name = MIGRATIONS.get(i);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                boolean done;
                try (var rs = s.executeQuery("SELECT 1 FROM schema_migrations WHERE version = " + version)) {
                    done = rs.next();
                }
                if (!done) {
                    for (String stmt : statements(read(name))) s.execute(stmt);
                    s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + version + ", '"
                            + name + "', " + System.currentTimeMillis() + ")");
                    applied++;
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return applied;
    }

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    private static String read(String name) {
        return MigrationScripts.read(Migrator.class, "/db/sqlite/" + name);
    }

    /** Splits a migration into statements; migrations keep semicolons out of comments and strings. */
    static List<String> statements(String sql) {
        var out = new ArrayList<String>();
        var sb = new StringBuilder();
        for (String line : sql.split("\n")) {
            String code = line.contains("--") ? line.substring(0, line.indexOf("--")) : line;
            sb.append(code).append('\n');
            if (code.trim().endsWith(";")) {
                String stmt = sb.toString().trim();
                out.add(stmt.substring(0, stmt.length() - 1));
                sb.setLength(0);
            }
        }
        if (!sb.toString().isBlank()) out.add(sb.toString().trim());
        return out;
    }
}
