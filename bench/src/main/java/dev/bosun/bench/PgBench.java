package dev.bosun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import dev.bosun.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bosun on PostgreSQL ({@code BOSUN_TEST_PG_URL}, default the local test database), in a fresh
 * schema dropped afterwards: events appended per second through {@link SessionManager#emit} with one
 * node and with three nodes (three stores, pools and listeners in this JVM, writers spread over
 * them), beside plain-JDBC batched inserts into a table shaped like {@code events} in the same
 * database in the same run; then send → poll(wait) latency on one node, and across nodes (send on
 * one, long-poll on another: the LISTEN/NOTIFY wake-up).
 */
final class PgBench {
    private static final int[] WRITERS = {16, 64};
    private static final int RAW_BATCH = 512;

    private final BenchEnv env;
    private final Duration warmup;
    private final Duration measure;
    private final int pings;

    PgBench(BenchEnv env) {
        this.env = env;
        this.warmup = env.quick() ? Duration.ofMillis(300) : Duration.ofSeconds(2);
        this.measure = env.quick() ? Duration.ofMillis(700) : Duration.ofSeconds(5);
        this.pings = env.quick() ? 100 : 1000;
    }

    /** Some nodes on one schema. */
    private final class Cluster implements AutoCloseable {
        final List<PostgresStore> stores = new ArrayList<>();
        final List<SessionManager> managers = new ArrayList<>();

        Cluster(PgUrl url, int nodes) {
            for (int i = 0; i < nodes; i++) {
                String id = "bench-" + i;
                var store = PostgresStore.open(PostgresStore.Options.of(url, id));
                stores.add(store);
                managers.add(SessionManager.builder(
                                env.config(env.freshDir("pg-" + id), Map.of("node_id", id, "max_sessions", 100_000)))
                        .store(store)
                        .build());
            }
        }

        @Override
        public void close() {
            managers.forEach(SessionManager::close);
            stores.forEach(PostgresStore::close);
        }
    }

    void run() throws Exception {
        PgUrl base = PgSchemas.testUrl();
        PgSchemas.unreachable(base).ifPresent(why -> {
            throw new IllegalStateException(
                    "PostgreSQL is not available: " + why + " (set " + PgSchemas.TEST_URL_ENV + ")");
        });
        PgUrl url = base.withSchema(PgSchemas.fresh("bosun_bench"));
        var r = new Report("pg");
        try {
            r.line("database", url + " (" + serverVersion(url) + ")");
            r.line(
                    "what",
                    "SessionManager.emit of a " + AppendBench.PAYLOAD.length() + "-byte payload, each writer a virtual "
                            + "thread on its own session, writer i on node i mod N; pool 16 per node");
            r.line("timing", warmup.toMillis() + " ms warm-up, " + measure.toMillis() + " ms measured per level");
            var rates = new java.util.LinkedHashMap<String, Double>();
            for (int nodes : new int[] {1, 3}) {
                try (var cluster = new Cluster(url, nodes)) {
                    for (int w : WRITERS) {
                        AppendBench.Level l = level(cluster, w);
                        String key = nodes + " node" + (nodes == 1 ? "" : "s") + ", " + w + " writers";
                        rates.put(key, l.perSecond());
                        r.line(key, String.format("%s  (%,d events)", Report.rate(l.perSecond()), l.events()));
                        r.line("  emit latency", l.latency());
                        r.line("  cpu", l.cpu());
                    }
                    // Idle apart from the pings: the writers above have stopped.
                    r.line("  send -> poll, same node", pingPong(cluster.managers.get(0), cluster.managers.get(0)));
                    if (nodes > 1) {
                        long sent = cluster.stores.get(0).notificationsSent(),
                                heard = cluster.stores.get(1).notificationsHeard();
                        r.line(
                                "  send -> poll, across nodes",
                                pingPong(cluster.managers.get(0), cluster.managers.get(1)));
                        r.line(
                                "  notifications",
                                String.format(
                                        "%,d sent by the sender's node, %,d heard by the poller's, during that",
                                        cluster.stores.get(0).notificationsSent() - sent,
                                        cluster.stores.get(1).notificationsHeard() - heard));
                    }
                }
            }
            RawInsert.Result raw = rawInsert(url, RAW_BATCH);
            RawInsert.Result rawSingle = rawInsert(url, 1);
            r.line(
                    "raw, " + RAW_BATCH + " rows/txn",
                    String.format(
                            "%s  (plain JDBC batch, 1 thread, same database; %,d rows)",
                            Report.rate(raw.perSecond()), raw.rows()));
            r.line(
                    "raw, 1 row/txn",
                    String.format("%s  (= commits/s of one connection)", Report.rate(rawSingle.perSecond())));
            double concurrent = rawConcurrent(url, 16);
            r.line(
                    "raw, 1 row/txn x16",
                    String.format(
                            "%s  (16 connections at once: the commit rate PostgreSQL's group commit " + "allows here)",
                            Report.rate(concurrent)));
            rates.forEach((k, v) -> r.line("ratio Bosun/raw x16, " + k, String.format("%.2f", v / concurrent)));
            rates.forEach((k, v) -> r.line("ratio Bosun/raw, " + k, String.format("%.3f", v / raw.perSecond())));
        } finally {
            PgSchemas.drop(url);
        }
        r.print();
    }

    private AppendBench.Level level(Cluster cluster, int writers) throws Exception {
        JsonNode payload = Json.parse(AppendBench.PAYLOAD);
        var calls = new ArrayList<Runnable>();
        for (int i = 0; i < writers; i++) {
            SessionManager m = cluster.managers.get(i % cluster.managers.size());
            String id = m.startSession(
                            SessionConfig.builder("bench-pg", "writer-" + i).build())
                    .id();
            calls.add(() -> m.emit(id, "progress", payload));
        }
        return AppendBench.drive(calls, warmup, measure);
    }

    /** From the start of send() on {@code sender} to the return of a waiting poll on {@code poller} with that event. */
    private Latencies.Summary pingPong(SessionManager sender, SessionManager poller) throws Exception {
        Session s =
                sender.startSession(SessionConfig.builder("bench-ping", "bench").build());
        var lat = new Latencies();
        long cursor = 1;
        for (int i = 0; i < pings + pings / 10; i++) {
            long after = cursor;
            var got = new java.util.concurrent.CompletableFuture<Long>();
            Thread poll = Thread.ofVirtual().start(() -> {
                try {
                    PollResult p;
                    do {
                        p = poller.poll(s.id(), after, 10, Duration.ofSeconds(10));
                    } while (p.events().isEmpty());
                    got.complete(System.nanoTime());
                } catch (Throwable t) {
                    got.completeExceptionally(t);
                }
            });
            Thread.sleep(2); // the poll is waiting before the send
            long t0 = System.nanoTime();
            Event e = sender.send(s.id(), "ping", Json.object().put("i", i));
            long t1 = got.get(15, java.util.concurrent.TimeUnit.SECONDS);
            poll.join();
            cursor = e.seq();
            if (i >= pings / 10) lat.add(t1 - t0);
        }
        return lat.summary();
    }

    /** RawInsert's loop (1 s warm-up, 3 s measured) into a copy of the events table, JDBC-batched. */
    private static RawInsert.Result rawInsert(PgUrl url, int batch) throws SQLException {
        var props = url.properties("bosun-bench-raw");
        props.setProperty("reWriteBatchedInserts", "true");
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), props)) {
            String table = "raw_events_" + batch;
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (LIKE events INCLUDING ALL)");
            }
            return RawInsert.insertLoop(
                    c, table, batch, 16, AppendBench.PAYLOAD, Duration.ofSeconds(1), Duration.ofSeconds(3), true);
        }
    }

    /** Rows per second committed by {@code connections} threads at once, each inserting one row per transaction into its own table. */
    private static double rawConcurrent(PgUrl url, int connections) throws Exception {
        var results = new ArrayList<java.util.concurrent.Future<RawInsert.Result>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(connections)) {
            for (int i = 0; i < connections; i++) {
                String table = "raw_events_c" + i;
                results.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.properties("bosun-bench-raw"))) {
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE TABLE " + table + " (LIKE events INCLUDING ALL)");
                        }
                        return RawInsert.insertLoop(
                                c,
                                table,
                                1,
                                16,
                                AppendBench.PAYLOAD,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(3),
                                false);
                    }
                }));
            }
        }
        double total = 0;
        for (var f : results) total += f.get().perSecond();
        return total;
    }

    private static String serverVersion(PgUrl url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.properties("bosun-bench"));
                Statement s = c.createStatement();
                var r = s.executeQuery("SHOW server_version")) {
            r.next();
            return "PostgreSQL " + r.getString(1);
        }
    }
}
