package dev.bosun.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.contract.StoreContract;
import dev.bosun.contract.StoreFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContract {
    @Override
    protected StoreFactory factory() {
        return PgTesting.factory();
    }

    private static long scalar(String schema, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        PgTesting.BASE.withSchema(schema).jdbcUrl(), PgTesting.BASE.properties("bosun-test"));
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void theSchemaVersionIsRecordedAndReopeningAppliesNothingTwice() throws Exception {
        String schema = PgTesting.schemaFor(dataDir);
        assertThat(scalar(schema, "SELECT MAX(version) FROM schema_migrations")).isEqualTo(PgMigrator.latestVersion());
        store.close();
        store = factory().open(dataDir);
        assertThat(scalar(schema, "SELECT COUNT(*) FROM schema_migrations")).isEqualTo(PgMigrator.latestVersion());
    }

    @Test
    void threeNodesMigratingAFreshSchemaAtOnceApplyEachMigrationOnce() throws Exception {
        String schema = PgTesting.freshSchema();
        var go = new CountDownLatch(1);
        var results = new ArrayList<Future<Integer>>();
        try (var pool = Executors.newFixedThreadPool(3)) {
            for (int i = 0; i < 3; i++) {
                results.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(
                            PgTesting.BASE.withSchema(schema).jdbcUrl(), PgTesting.BASE.properties("bosun-test"))) {
                        go.await();
                        return PgMigrator.migrate(c, schema);
                    }
                }));
            }
            go.countDown();
        }
        List<Integer> applied = new ArrayList<>();
        for (Future<Integer> f : results) applied.add(f.get());
        // one node applied them all, the others found them done
        assertThat(applied).containsExactlyInAnyOrder(PgMigrator.latestVersion(), 0, 0);
        assertThat(scalar(schema, "SELECT COUNT(*) FROM schema_migrations")).isEqualTo(PgMigrator.latestVersion());
    }

    @Test
    void seqsComeFromTheSessionRowNotFromAGlobalSequence() throws Exception {
        String schema = PgTesting.schemaFor(dataDir);
        // The only sequence numbers node incarnations; events take their seq from sessions.last_seq.
        assertThat(scalar(
                        schema,
                        "SELECT COUNT(*) FROM information_schema.sequences WHERE sequence_schema = '" + schema
                                + "' AND sequence_name <> 'node_generation'"))
                .isZero();
        assertThat(scalar(
                        schema,
                        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + schema
                                + "' AND table_name = 'events' AND column_default LIKE 'nextval%'"))
                .isZero();
    }

    @Test
    void aProbeChecksTheSchemaWithoutJoiningTheCluster() throws Exception {
        String schema = PgTesting.schemaFor(dataDir);
        long nodes = scalar(schema, "SELECT COUNT(*) FROM nodes");
        assertThat(PostgresStore.probe(PgTesting.BASE.withSchema(schema))).isEmpty();
        assertThat(scalar(schema, "SELECT COUNT(*) FROM nodes"))
                .as("no incarnation registered")
                .isEqualTo(nodes);
        String fresh = PgTesting.freshSchema();
        assertThat(PostgresStore.probe(PgTesting.BASE.withSchema(fresh)))
                .hasValueSatisfying(p -> assertThat(p).contains("no Bosun tables"));
        assertThat(PostgresStore.probe(new PgUrl("127.0.0.1", 1, "x", "u", "s3cret", "x", java.util.Map.of())))
                .hasValueSatisfying(p -> assertThat(p).contains("cannot reach").doesNotContain("s3cret"));
    }
}
