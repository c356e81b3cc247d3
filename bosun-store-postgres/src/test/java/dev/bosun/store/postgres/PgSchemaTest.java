package dev.bosun.store.postgres;

import dev.bosun.contract.SchemaContract;
import dev.bosun.store.jdbc.MigrationScripts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.provider.Arguments;

/** PostgreSQL's schema history (D123): its shipped files are kept under {@code shipped/postgres} as released. */
class PgSchemaTest extends SchemaContract {
    /** PostgreSQL's migrations as they shipped, in version order. Add a version here once it is released. */
    static final List<String> SHIPPED = List.of(
            "V1__init.sql",
            "V2__leases.sql",
            "V3__deliveries.sql",
            "V4__delivery_ready.sql",
            "V5__idempotency_keys.sql");

    @BeforeEach
    void requirePostgres() {
        PgTesting.require();
    }

    @Override
    protected List<String> shipped() {
        return SHIPPED;
    }

    @Override
    protected String shippedText(String name) {
        return MigrationScripts.read(PgSchemaTest.class, "/shipped/postgres/" + name);
    }

    @Override
    protected Stream<Arguments> edits() {
        return Stream.of(
                Arguments.of("V1__init.sql", "tasks_timeout        INTEGER NOT NULL DEFAULT 0,", "tasks_timeout TEXT,"),
                Arguments.of(
                        "V1__init.sql", "agent_id             TEXT COLLATE \"C\" NOT NULL,", "agent_id TEXT NOT NULL,"),
                Arguments.of("V1__init.sql", "ttl_ms               BIGINT  NOT NULL,", "ttl_ms INTEGER NOT NULL,"),
                Arguments.of("V1__init.sql", "('live_sessions', 0)", "('live_sessions', 1)"),
                Arguments.of(
                        "V2__leases.sql",
                        "CREATE SEQUENCE node_generation;",
                        "CREATE SEQUENCE node_generation START 7;"),
                Arguments.of("V3__deliveries.sql", "(claimed_by) WHERE claimed_by IS NOT NULL;", "(claimed_by);"),
                Arguments.of("V3__deliveries.sql", "'DEAD', 'LOCAL'", "'DEAD'"),
                Arguments.of(
                        "V3__deliveries.sql",
                        "UNIQUE (target, session_id, event_seq)",
                        "UNIQUE (target, event_seq, session_id)"),
                Arguments.of(
                        "V5__idempotency_keys.sql",
                        "CREATE INDEX idempotency_keys_expiry",
                        "CREATE UNIQUE INDEX idempotency_keys_expiry"));
    }

    @Override
    protected String freshSchema() throws SQLException {
        String schema = PgTesting.freshSchema();
        Connection c = open(schema);
        PgMigrator.migrate(c, schema);
        return schemaOf(new Migrated(c, schema));
    }

    @Override
    protected String upgradedSchema(int version, UnaryOperator<String> edit) throws SQLException {
        String schema = PgTesting.freshSchema();
        Connection c = open(schema);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("SET LOCAL search_path TO " + schema);
            s.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            for (int v = 1; v <= version; v++) {
                String name = SHIPPED.get(v - 1);
                s.execute(edit.apply(shippedText(name)));
                s.execute("INSERT INTO schema_migrations (version, name) VALUES (" + v + ", '" + name + "')");
            }
        }
        c.commit();
        c.setAutoCommit(true);
        PgMigrator.migrate(c, schema);
        return schemaOf(new Migrated(c, schema));
    }

    private record Migrated(Connection c, String schema) {}

    private static Connection open(String schema) throws SQLException {
        return DriverManager.getConnection(
                PgTesting.BASE.withSchema(schema).jdbcUrl(), PgTesting.BASE.properties("bosun-test"));
    }

    /**
     * The schema as PostgreSQL's catalogs describe it, one line a fact, with the schema's name taken
     * out: each column's position, type, collation, nullability and default; each index's definition;
     * each constraint's definition; the sequences; and the recorded versions and seeded counters.
     */
    private static String schemaOf(Migrated m) throws SQLException {
        try (Connection c = m.c()) {
            var lines = new ArrayList<String>();
            rows(
                    c,
                    m.schema(),
                    "SELECT table_name, ordinal_position, column_name, data_type, collation_name, is_nullable, "
                            + "column_default FROM information_schema.columns WHERE table_schema = ? "
                            + "ORDER BY table_name, ordinal_position",
                    "column",
                    lines);
            rows(
                    c,
                    m.schema(),
                    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = ? ORDER BY tablename, indexname",
                    "index",
                    lines);
            rows(
                    c,
                    m.schema(),
                    "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) FROM pg_constraint co "
                            + "JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
                            + "WHERE n.nspname = ? ORDER BY cl.relname, co.conname",
                    "constraint",
                    lines);
            rows(
                    c,
                    m.schema(),
                    "SELECT sequence_name, data_type, start_value, minimum_value, maximum_value, increment, cycle_option "
                            + "FROM information_schema.sequences WHERE sequence_schema = ? ORDER BY sequence_name",
                    "sequence",
                    lines);
            rows(
                    c,
                    m.schema(),
                    "SELECT version, name FROM " + m.schema()
                            + ".schema_migrations WHERE ? IS NOT NULL ORDER BY version",
                    "migration",
                    lines);
            rows(
                    c,
                    m.schema(),
                    "SELECT name, value FROM " + m.schema() + ".counters WHERE ? IS NOT NULL ORDER BY name",
                    "counter",
                    lines);
            return String.join("\n", lines).replace(m.schema() + ".", "<schema>.");
        }
    }

    private static void rows(Connection c, String schema, String sql, String label, List<String> into)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, schema);
            try (ResultSet r = p.executeQuery()) {
                int n = r.getMetaData().getColumnCount();
                while (r.next()) {
                    var line = new StringBuilder(label);
                    for (int i = 1; i <= n; i++) line.append(' ').append(r.getString(i));
                    into.add(line.toString());
                }
            }
        }
    }
}
