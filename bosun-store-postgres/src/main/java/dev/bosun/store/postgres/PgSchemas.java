package dev.bosun.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Schemas for tests and benchmarks: each run works in fresh schemas of a shared database and drops
 * them afterwards, so runs never see each other's rows.
 */
public final class PgSchemas {
    /** The environment variable naming the database tests and benchmarks use. */
    public static final String TEST_URL_ENV = "BOSUN_TEST_PG_URL";
    /** The database on a developer machine or CI runner when the variable is not set. */
    public static final String DEFAULT_TEST_URL = "postgresql://postgres@127.0.0.1:5432/test";

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.currentTimeMillis(), 36)
            + ProcessHandle.current().pid() % 10_000;

    private PgSchemas() {}

    /** The database of {@link #TEST_URL_ENV}, or {@link #DEFAULT_TEST_URL}. */
    public static PgUrl testUrl() {
        String url = System.getenv(TEST_URL_ENV);
        return PgUrl.parse(url == null || url.isBlank() ? DEFAULT_TEST_URL : url);
    }

    /** A schema name no other run uses: {@code prefix}, this run's stamp, a counter. */
    public static String fresh(String prefix) {
        return prefix + "_" + RUN + "_" + COUNTER.incrementAndGet();
    }

    /** Why the database cannot be used, or empty if a connection opens and answers. */
    public static Optional<String> unreachable(PgUrl url) {
        var props = url.properties("bosun-probe");
        props.setProperty("connectTimeout", "3");
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), props)) {
            return c.isValid(3) ? Optional.empty() : Optional.of("the connection does not answer");
        } catch (SQLException e) {
            return Optional.of("cannot connect to " + url + ": " + e.getMessage());
        }
    }

    /**
     * Drops the given schemas of {@code base}'s database and everything in them, {@code connections} at a
     * time, and returns why any could not be: what a test JVM's exit hook does with the schemas it made.
     * A drop waits at most two seconds for a lock (a store left open) and commits are not flushed one by
     * one; whatever is not dropped within {@code budget} is reported, not waited for, so the hook never
     * holds the JVM's exit until the test runner kills it.
     */
    public static List<String> dropAll(PgUrl base, Collection<String> schemas, int connections, Duration budget) {
        var todo = new ConcurrentLinkedQueue<>(schemas);
        var problems = new ConcurrentLinkedQueue<String>();
        long deadline = System.nanoTime() + budget.toNanos();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < Math.min(connections, schemas.size()); i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (Connection c = DriverManager.getConnection(base.jdbcUrl(), base.properties("bosun-drop"));
                        Statement s = c.createStatement()) {
                    s.execute("SET lock_timeout = '2s'");
                    s.execute("SET synchronous_commit = off");
                    String schema;
                    while (System.nanoTime() < deadline && (schema = todo.poll()) != null) {
                        try {
                            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                        } catch (SQLException e) {
                            problems.add(schema + ": " + e.getMessage());
                        }
                    }
                } catch (SQLException e) {
                    problems.add("cannot connect to " + base + ": " + e.getMessage());
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join(budget.plusSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!todo.isEmpty())
            problems.add(todo.size() + " schemas left after " + budget.toSeconds() + " s: " + String.join(", ", todo));
        return new ArrayList<>(problems);
    }

    /** Drops the URL's schema and everything in it, if it exists. */
    public static void drop(PgUrl url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.properties("bosun-drop"));
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + url.schema() + " CASCADE");
        }
    }
}
