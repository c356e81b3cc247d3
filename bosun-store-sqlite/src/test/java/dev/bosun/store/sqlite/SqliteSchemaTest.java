package dev.bosun.store.sqlite;

import dev.bosun.contract.SchemaContract;
import dev.bosun.store.jdbc.MigrationScripts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/** SQLite's schema history (D123): its shipped files are kept under {@code shipped/sqlite} as released. */
class SqliteSchemaTest extends SchemaContract {
    /** SQLite's migrations as they shipped, in version order. Add a version here once it is released. */
    static final List<String> SHIPPED = List.of(
            "V1__init.sql",
            "V2__fleet.sql",
            "V3__live_counter.sql",
            "V4__deliveries.sql",
            "V5__delivery_ready.sql",
            "V6__idempotency_keys.sql");

    private final AtomicInteger files = new AtomicInteger();

    @TempDir
    Path dir;

    @Override
    protected List<String> shipped() {
        return SHIPPED;
    }

    @Override
    protected String shippedText(String name) {
        return MigrationScripts.read(SqliteSchemaTest.class, "/shipped/sqlite/" + name);
    }

    @Override
    protected Stream<Arguments> edits() {
        return Stream.of(
                Arguments.of("V1__init.sql", "tasks_timeout        INTEGER NOT NULL DEFAULT 0,", "tasks_timeout TEXT,"),
                Arguments.of(
                        "V1__init.sql",
                        "    PRIMARY KEY (session_id, id)\n) WITHOUT ROWID;",
                        "PRIMARY KEY (session_id, id));"),
                Arguments.of("V2__fleet.sql", "ON fleet_edges (tenant, task_key);", "ON fleet_edges (task_key);"),
                Arguments.of(
                        "V4__deliveries.sql",
                        "hooks_seq      INTEGER NOT NULL DEFAULT 0",
                        "hooks_seq INTEGER NOT NULL DEFAULT 1"),
                Arguments.of("V4__deliveries.sql", "(claimed_by) WHERE claimed_by IS NOT NULL;", "(claimed_by);"),
                Arguments.of("V4__deliveries.sql", "'DEAD', 'LOCAL'", "'DEAD'"),
                Arguments.of(
                        "V6__idempotency_keys.sql",
                        "CREATE INDEX idempotency_keys_expiry",
                        "CREATE UNIQUE INDEX idempotency_keys_expiry"));
    }

    @Override
    protected String freshSchema() throws SQLException {
        Connection c = open();
        Migrator.migrate(c);
        return schemaOf(c);
    }

    @Override
    protected String upgradedSchema(int version, UnaryOperator<String> edit) throws SQLException {
        Connection c = open();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)");
            for (int v = 1; v <= version; v++) {
                String name = SHIPPED.get(v - 1);
                for (String stmt : Migrator.statements(edit.apply(shippedText(name)))) s.execute(stmt);
                s.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (" + v + ", '" + name
                        + "', 0)");
            }
        }
        Migrator.migrate(c);
        return schemaOf(c);
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(files.incrementAndGet() + ".db"));
    }

    /**
     * The schema as SQLite sees it, one line a fact: each object's statement with white space folded
     * (SQLite keeps the text it was given, so only the spacing may differ), each column's declared
     * type, nullability, default and key position, each index's columns, uniqueness and partiality,
     * and the recorded versions and seeded counters.
     */
    private static String schemaOf(Connection c) throws SQLException {
        try (c;
                Statement s = c.createStatement()) {
            var lines = new ArrayList<String>();
            var tables = new ArrayList<String>();
            try (ResultSet r =
                    s.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")) {
                while (r.next()) {
                    lines.add(r.getString(1) + " " + r.getString(2) + " on " + r.getString(3) + ": "
                            + fold(r.getString(4)));
                    if (r.getString(1).equals("table")) tables.add(r.getString(2));
                }
            }
            for (String t : tables) {
                rows(s, "PRAGMA table_xinfo(" + t + ")", "column " + t, lines);
                var indexes = new ArrayList<String>();
                try (ResultSet r = s.executeQuery("PRAGMA index_list(" + t + ")")) {
                    while (r.next()) indexes.add(r.getString("name"));
                }
                rows(
                        s,
                        "SELECT name, \"unique\", origin, partial FROM pragma_index_list('" + t + "') ORDER BY name",
                        "index " + t,
                        lines);
                for (String i : indexes) rows(s, "PRAGMA index_xinfo('" + i + "')", "index column " + i, lines);
            }
            rows(s, "SELECT version, name FROM schema_migrations ORDER BY version", "migration", lines);
            rows(s, "SELECT name, value FROM counters ORDER BY name", "counter", lines);
            return String.join("\n", lines);
        }
    }

    private static void rows(Statement s, String sql, String label, List<String> into) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                var line = new StringBuilder(label);
                for (int i = 1; i <= n; i++) line.append(' ').append(r.getString(i));
                into.add(line.toString());
            }
        }
    }

    /** White space folded, and none kept beside parentheses and commas. */
    private static String fold(String sql) {
        return sql == null
                ? ""
                : sql.replaceAll("\\s+", " ").replaceAll(" ?([(),]) ?", "$1").trim();
    }
}
