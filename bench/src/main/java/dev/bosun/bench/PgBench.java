package dev.bosun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionManager;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import dev.bosun.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
                managers.add(SessionManager.builder(env.config(env.freshDir("pg-" + id), Map.of("node_id", id, "max_sessions", 100_000)))
                        .store(store).build());
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
            throw new IllegalStateException("PostgreSQL is not available: " + why + " (set " + PgSchemas.TEST_URL_ENV + ")");
        });
        PgUrl url = base.withSchema(PgSchemas.fresh("bosun_bench"));
        var r = new Report("pg");
        try {
            r.line("database", url + " (" + serverVersion(url) + ")");
            r.line("what", "SessionManager.emit of a " + AppendBench.PAYLOAD.length() + "-byte payload, each writer a virtual "
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
                    }
                    // Idle apart from the pings: the writers above have stopped.
                    r.line("  send -> poll, same node", pingPong(cluster.managers.get(0), cluster.managers.get(0)));
                    if (nodes > 1) {
                        long sent = cluster.stores.get(0).notificationsSent(), heard = cluster.stores.get(1).notificationsHeard();
                        r.line("  send -> poll, across nodes", pingPong(cluster.managers.get(0), cluster.managers.get(1)));
                        r.line("  notifications", String.format("%,d sent by the sender's node, %,d heard by the poller's, during that",
                                cluster.stores.get(0).notificationsSent() - sent, cluster.stores.get(1).notificationsHeard() - heard));
                    }
                }
            }
            RawInsert.Result raw = rawInsert(url, RAW_BATCH);
            RawInsert.Result rawSingle = rawInsert(url, 1);
            r.line("raw, " + RAW_BATCH + " rows/txn", String.format("%s  (plain JDBC batch, 1 thread, same database; %,d rows)",
                    Report.rate(raw.perSecond()), raw.rows()));
            r.line("raw, 1 row/txn", String.format("%s  (= commits/s of one connection)", Report.rate(rawSingle.perSecond())));
            rates.forEach((k, v) -> r.line("ratio Bosun/raw, " + k, String.format("%.3f", v / raw.perSecond())));
        } finally {
            PgSchemas.drop(url);
        }
        r.print();
    }

    private AppendBench.Level level(Cluster cluster, int writers) throws Exception {
        JsonNode payload = Json.parse(AppendBench.PAYLOAD);
        var sessions = new ArrayList<String>();
        for (int i = 0; i < writers; i++) {
            sessions.add(cluster.managers.get(i % cluster.managers.size())
                    .startSession(SessionConfig.builder("bench-pg", "writer-" + i).build()).id());
        }
        var phase = new AtomicInteger();
        var failure = new AtomicReference<Throwable>();
        var recorders = new ArrayList<Latencies>();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < writers; i++) {
            var lat = new Latencies();
            recorders.add(lat);
            SessionManager m = cluster.managers.get(i % cluster.managers.size());
            String id = sessions.get(i);
            threads.add(Thread.ofVirtual().name("pg-writer").start(() -> {
                try {
                    while (phase.get() != 2) {
                        long t0 = System.nanoTime();
                        m.emit(id, "progress", payload);
                        long t = System.nanoTime() - t0;
                        if (phase.get() == 1) lat.add(t);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    phase.set(2);
                }
            }));
        }
        Thread.sleep(warmup);
        var cpu = CpuMeter.start();
        long start = System.nanoTime();
        phase.compareAndSet(0, 1);
        Thread.sleep(measure);
        phase.set(2);
        long nanos = System.nanoTime() - start;
        var usage = cpu.stop();
        for (Thread t : threads) t.join();
        if (failure.get() != null) throw new IllegalStateException("a writer failed", failure.get());
        Latencies all = Latencies.merge(recorders);
        return new AppendBench.Level(writers, all.size(), nanos, all.summary(), usage);
    }

    /** From the start of send() on {@code sender} to the return of a waiting poll on {@code poller} with that event. */
    private Latencies.Summary pingPong(SessionManager sender, SessionManager poller) throws Exception {
        Session s = sender.startSession(SessionConfig.builder("bench-ping", "bench").build());
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

    private static RawInsert.Result rawInsert(PgUrl url, int batch) throws SQLException {
        var props = url.properties("bosun-bench-raw");
        props.setProperty("reWriteBatchedInserts", "true");
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), props)) {
            String table = "raw_events_" + batch;
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (LIKE events INCLUDING ALL)");
            }
            c.setAutoCommit(false);
            int sessions = 16;
            long[] seqs = new long[sessions];
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO " + table
                    + " (session_id, seq, direction, type, payload, source_key, created_at) VALUES (?, ?, 'OUT', 'bench', ?, NULL, ?)")) {
                long warmEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                long end = warmEnd + Duration.ofSeconds(3).toNanos();
                long start = 0, rows = 0, n = 0;
                boolean measuring = false;
                while (true) {
                    long now = System.nanoTime();
                    if (!measuring && now >= warmEnd) {
                        measuring = true;
                        start = now;
                    }
                    if (now >= end) return new RawInsert.Result(batch, rows, now - start);
                    for (int i = 0; i < batch; i++, n++) {
                        int s = (int) (n % sessions);
                        ins.setString(1, String.format("ses_01RAWBASELINE%011d", s));
                        ins.setLong(2, ++seqs[s]);
                        ins.setString(3, AppendBench.PAYLOAD);
                        ins.setLong(4, System.currentTimeMillis());
                        ins.addBatch();
                    }
                    ins.executeBatch();
                    c.commit();
                    if (measuring) rows += batch;
                }
            }
        }
    }

    private static String serverVersion(PgUrl url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.properties("bosun-bench"));
             Statement s = c.createStatement(); var r = s.executeQuery("SHOW server_version")) {
            r.next();
            return "PostgreSQL " + r.getString(1);
        }
    }
}
