package dev.bosun.store.postgres;

import dev.bosun.contract.Services;
import dev.bosun.contract.StoreFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PostgreSQL of this machine for the tests: one fresh schema per data dir (so a contract suite's
 * restart reopens the same data), all dropped when the test JVM exits.
 */
final class PgTesting {
    static final PgUrl BASE = PgSchemas.testUrl();
    private static final Map<Path, String> SCHEMAS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> PgSchemas.dropAll(BASE, SCHEMAS.values(), 4, Duration.ofSeconds(20))
                        .forEach(problem -> System.err.println("could not drop test schema " + problem))));
    }

    private PgTesting() {}

    /** Skips the test with the reason when PostgreSQL is not there (fails with CI=true). */
    static void require() {
        Services.require("PostgreSQL at " + BASE, PgSchemas.unreachable(BASE));
    }

    /** The contract suites' factory: node {@code local}, as the fixtures' config. */
    static StoreFactory factory() {
        return dir -> open(schemaFor(dir), "local");
    }

    static String schemaFor(Path dataDir) {
        require();
        return SCHEMAS.computeIfAbsent(dataDir, d -> PgSchemas.fresh("bosun_t"));
    }

    /** A schema for a test that opens several nodes on it; dropped at exit. */
    static String freshSchema() {
        require();
        String s = PgSchemas.fresh("bosun_t");
        SCHEMAS.put(Path.of("/schema/" + s), s);
        return s;
    }

    static PostgresStore open(String schema, String nodeId) {
        return PostgresStore.open(
                PostgresStore.Options.of(BASE.withSchema(schema), nodeId).withPoolSize(8));
    }
}
