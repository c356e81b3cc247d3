package dev.bosun.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.json.Json;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A diagnostic for {@code append}, not a target: replays, from one thread and with plain JDBC, the
 * SQL that SqliteStore's writer thread runs for each emitted event, against real sessions in a real
 * Bosun file, in transactions of one event per session (the best group commit can do with 16
 * writers). Leaving parts out one at a time shows what each costs per event, without a profiler.
 * The statements are copied from SqliteStore.append; keep them in step.
 */
final class AppendSqlDiagnosis {
    private static final int SESSIONS = 16;
    private static final int PASSES = 3;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final BenchEnv env;
    private final Duration warmup;
    private final Duration measure;

    AppendSqlDiagnosis(BenchEnv env) {
        this.env = env;
        this.warmup = env.quick() ? Duration.ofMillis(100) : Duration.ofSeconds(1);
        this.measure = env.quick() ? Duration.ofMillis(200) : Duration.ofSeconds(2);
    }

    /** What one event costs in a variant of the writer's work. */
    private enum Variant {
        AS_WRITER("savepoint + seq UPDATE..RETURNING + activity UPDATE + INSERT + release (as the writer)"),
        NO_SAVEPOINT("the same without the per-job savepoint"),
        ONE_UPDATE("no savepoint; seq and activity in one UPDATE..RETURNING, + INSERT"),
        SEQ_ONLY("no savepoint; seq UPDATE..RETURNING + INSERT, no activity update (no idle-index change)"),
        INSERT_ONLY("INSERT only");

        final String what;

        Variant(String what) {
            this.what = what;
        }
    }

    void run() throws Exception {
        Path dir = env.freshDir("append-sql");
        var ids = new ArrayList<String>();
        double lookupMicros;
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(env.config(dir, Map.of()))
                        .store(store)
                        .build()) {
            for (int i = 0; i < SESSIONS; i++)
                ids.add(manager.startSession(
                                SessionConfig.builder("bench-sql", "w" + i).build())
                        .id());
            lookupMicros = lookupMicros(manager, ids);
        }
        String payload = AppendBench.PAYLOAD;
        var r = new Report("append-sql (diagnostic)")
                .line(
                        "what",
                        "one thread, plain JDBC, synchronous=FULL, on a Bosun file with " + SESSIONS
                                + " sessions; transactions of " + SESSIONS + " events, one per session")
                .line(
                        "timing",
                        warmup.toMillis() + " ms warm-up, " + measure.toMillis() + " ms measured per variant and pass; "
                                + "median of " + PASSES + " passes");
        // Variants take turns, PASSES times, and each reports its median pass: differences between
        // variants are a few µs, and a shared machine drifts more than that over a minute.
        var results = new EnumMap<Variant, List<double[]>>(Variant.class);
        try (Connection c = RawInsert.connect(dir.resolve(SqliteStore.FILE_NAME), true)) {
            c.setAutoCommit(false);
            for (int pass = 0; pass < PASSES; pass++) {
                for (Variant v : Variant.values())
                    results.computeIfAbsent(v, k -> new ArrayList<>()).add(measure(c, v, ids, payload));
            }
        }
        for (Variant v : Variant.values()) {
            double rate = median(results.get(v), 0), cpu = median(results.get(v), 1);
            r.line(
                    v.name().toLowerCase(),
                    String.format("%s, %.1f µs CPU per event  (%s)", Report.rate(rate), cpu, v.what));
        }
        r.line(
                "lookup per emit",
                String.format(
                        "%.1f µs CPU (SessionManager.get, which emit calls before it submits the write; "
                                + "caller side, not the writer)",
                        lookupMicros));
        r.line(
                "json per event",
                String.format(
                        "%.1f µs CPU (Json.write + Json.parseTrusted of the payload, as insertEvent does)",
                        jsonMicros(payload)));
        r.print();
    }

    /** {events per second, CPU microseconds per event} over the measured window. */
    private double[] measure(Connection c, Variant v, List<String> ids, String payload) throws SQLException {
        var seq = c.prepareStatement(
                "UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? AND status <> 'ENDED' RETURNING last_seq");
        var touch = c.prepareStatement("UPDATE sessions SET last_activity_at = MAX(last_activity_at, ?), "
                + "idle_deadline_at = CASE WHEN status = 'ENDED' OR tasks_running > 0 THEN NULL "
                + "ELSE MAX(last_activity_at, ?) + idle_timeout_ms END WHERE id = ?");
        var both = c.prepareStatement(
                "UPDATE sessions SET last_seq = last_seq + 1, last_activity_at = MAX(last_activity_at, ?), "
                        + "idle_deadline_at = CASE WHEN status = 'ENDED' OR tasks_running > 0 THEN NULL "
                        + "ELSE MAX(last_activity_at, ?) + idle_timeout_ms END WHERE id = ? AND status <> 'ENDED' RETURNING last_seq");
        var insert = c.prepareStatement(
                "INSERT INTO events (session_id, seq, direction, type, payload, source_key, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)");
        // INSERT_ONLY needs seqs of its own: continue after what the other variants wrote.
        var seqs = new long[ids.size()];
        long warmEnd = System.nanoTime() + warmup.toNanos();
        long end = warmEnd + measure.toNanos();
        long start = 0, cpu0 = 0, events = 0;
        boolean measuring = false;
        try {
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    start = now;
                    cpu0 = THREADS.getCurrentThreadCpuTime();
                }
                if (now >= end) {
                    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
                    if (v == Variant.INSERT_ONLY) catchUpSeqs(c);
                    return new double[] {events * 1e9 / (now - start), cpu / 1e3 / events};
                }
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    long t = System.currentTimeMillis();
                    Savepoint sp = v == Variant.AS_WRITER ? c.setSavepoint() : null;
                    long s;
                    switch (v) {
                        case AS_WRITER, NO_SAVEPOINT, SEQ_ONLY -> {
                            seq.setString(1, id);
                            s = returning(seq, id);
                            if (v == Variant.SEQ_ONLY) break;
                            touch.setLong(1, t);
                            touch.setLong(2, t);
                            touch.setString(3, id);
                            touch.executeUpdate();
                        }
                        case ONE_UPDATE -> {
                            both.setLong(1, t);
                            both.setLong(2, t);
                            both.setString(3, id);
                            s = returning(both, id);
                        }
                        default -> s = seqs[i] == 0 ? (seqs[i] = maxSeq(c, id) + 1) : ++seqs[i];
                    }
                    insert.setString(1, id);
                    insert.setLong(2, s);
                    insert.setString(3, "OUT");
                    insert.setString(4, "progress");
                    insert.setString(5, payload);
                    insert.setString(6, null);
                    insert.setLong(7, t);
                    insert.executeUpdate();
                    if (sp != null) c.releaseSavepoint(sp);
                }
                c.commit();
                if (measuring) events += ids.size();
            }
        } finally {
            for (PreparedStatement ps : List.of(seq, touch, both, insert)) ps.close();
        }
    }

    private static double median(List<double[]> passes, int field) {
        double[] v = passes.stream().mapToDouble(p -> p[field]).sorted().toArray();
        return v[v.length / 2];
    }

    private static long returning(PreparedStatement ps, String id) throws SQLException {
        try (ResultSet r = ps.executeQuery()) {
            if (!r.next()) throw new IllegalStateException("no session " + id);
            return r.getLong(1);
        }
    }

    // INSERT_ONLY bypasses the seq allocator; move it past what was inserted so later passes of the
    // other variants do not collide.
    private static void catchUpSeqs(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.executeUpdate(
                    "UPDATE sessions SET last_seq = (SELECT MAX(seq) FROM events WHERE session_id = sessions.id) "
                            + "WHERE id IN (SELECT DISTINCT session_id FROM events)");
        }
        c.commit();
    }

    private static long maxSeq(Connection c, String id) throws SQLException {
        try (var ps = c.prepareStatement("SELECT MAX(seq) FROM events WHERE session_id = ?")) {
            ps.setString(1, id);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static double lookupMicros(SessionManager manager, List<String> ids) {
        int n = 50_000;
        long sink = 0;
        for (int i = 0; i < n; i++) sink += manager.get(ids.get(i % ids.size())).lastSeq(); // warm the JIT
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink += manager.get(ids.get(i % ids.size())).lastSeq();
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) System.out.print("");
        return cpu / 1e3 / n;
    }

    private static double jsonMicros(String payload) throws Exception {
        JsonNode node = Json.parse(payload);
        long sink = 0;
        for (int i = 0; i < 200_000; i++)
            sink += Json.parseTrusted(Json.write(node)).size(); // warm the JIT
        int n = 200_000;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink += Json.parseTrusted(Json.write(node)).size();
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (sink == 42) System.out.print(""); // keeps the loop's work observable
        return cpu / 1e3 / n;
    }
}
