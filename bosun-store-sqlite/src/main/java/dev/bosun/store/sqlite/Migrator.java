package dev.bosun.store.sqlite;

import dev.bosun.store.jdbc.Dialect;
import dev.bosun.store.jdbc.Migration;
import dev.bosun.store.jdbc.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies SQLite's schema versions ({@link Migrations#SQLITE}, templates shared with PostgreSQL and
 * rendered in SQLite's words: D123) in order, each in its own transaction, recording them in {@code schema_migrations}. The connection it is given opens
 * transactions with {@code BEGIN IMMEDIATE}, taking SQLite's write lock before the check, so two
 * processes opening one file at once apply each migration once.
 */
final class Migrator {
    private Migrator() {}

    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }
        int applied = 0;
        for (Migration m : Migrations.SQLITE) {
            int version = m.version();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                boolean done;
                try (var rs = s.executeQuery("SELECT 1 FROM schema_migrations WHERE version = " + version)) {
                    done = rs.next();
                }
                if (!done) {
                    for (String stmt : statements(m.script(Dialect.SQLITE))) s.execute(stmt);
                    s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + version + ", '"
                            + m.name() + "', " + System.currentTimeMillis() + ")");
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
        return Migrations.SQLITE.size();
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
