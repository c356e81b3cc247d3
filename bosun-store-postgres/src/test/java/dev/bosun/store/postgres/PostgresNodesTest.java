package dev.bosun.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.contract.Fixtures;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.pattern.SessionPatterns;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.NewTask;
import dev.bosun.store.TaskCompletion;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.time.ManualClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several nodes (stores and managers in one JVM) on one schema: wake-ups, reapers, leases, fencing. */
class PostgresNodesTest {
    @TempDir
    Path dir;

    private String schema;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void schema() {
        schema = PgTesting.freshSchema();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private PostgresStore node(String nodeId, Duration lease) {
        var s = PostgresStore.open(PostgresStore.Options.of(PgTesting.BASE.withSchema(schema), nodeId)
                .withPoolSize(8)
                .withLeaseTtl(lease));
        open.add(s);
        return s;
    }

    private SessionManager manager(PostgresStore store, String nodeId, java.time.Clock clock) {
        BosunConfig cfg =
                Fixtures.loader(dir.resolve(nodeId)).set("node_id", nodeId).load();
        var m = SessionManager.builder(cfg)
                .store(store)
                .clock(clock)
                .autoReap(false)
                .build();
        open.add(m);
        return m;
    }

    private void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        PgTesting.BASE.withSchema(schema).jdbcUrl(), PgTesting.BASE.properties("bosun-test"));
                Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private Session workerSession(PostgresStore store, String id, String nodeId) {
        store.createSession(newSession(id, nodeId), 1000);
        return store.markRunning(id, new WorkerRef("process", "1", Map.of()), Json.object(), t0);
    }

    private NewSession newSession(String id, String nodeId) {
        return new NewSession(
                id,
                "default",
                "n",
                "agent",
                List.of(),
                Json.object(),
                Optional.of("echo"),
                nodeId,
                t0,
                Duration.ofMinutes(30),
                Duration.ofHours(1),
                10,
                Duration.ofMinutes(5),
                Optional.of(t0.plus(Duration.ofDays(1))),
                Optional.of("workspaces/" + id));
    }

    private static NewEvent out(String id, String key) {
        return new NewEvent(
                id, Direction.OUT, "out", Json.object().put("k", key), Optional.of(key), true, Instant.now());
    }

    @Test
    void aLongPollOnOneNodeWakesWhenAnotherNodeCommits() throws Exception {
        PostgresStore a = node("a", Duration.ofSeconds(15)), b = node("b", Duration.ofSeconds(15));
        SessionManager ma = manager(a, "a", java.time.Clock.systemUTC()),
                mb = manager(b, "b", java.time.Clock.systemUTC());
        Session s = ma.startSession(SessionConfig.builder("x", "agent").build());
        long heardBefore = b.notificationsHeard();
        var waiting = CompletableFuture.supplyAsync(() -> mb.poll(s.id(), 1, 10, Duration.ofSeconds(20)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> mb.pollWaiting(s.id()));
        assertThat(waiting).isNotDone();
        ma.send(s.id(), "input", Json.object().put("hello", 1));
        PollResult r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(r.events()).extracting(Event::type).containsExactly("input");
        assertThat(b.notificationsHeard())
                .as("B heard A's commit as a notification")
                .isGreaterThan(heardBefore);
        // and ended through B, A's reader sees it
        mb.terminate(s.id(), "done on b");
        assertThat(ma.get(s.id()).status()).isEqualTo(SessionStatus.ENDED);
    }

    @Test
    void reapersOnThreeNodesExpireEachSessionExactlyOnce() throws Exception {
        var clock = new ManualClock(t0);
        var managers = new ArrayList<SessionManager>();
        for (String n : List.of("r1", "r2", "r3")) managers.add(manager(node(n, Duration.ofSeconds(15)), n, clock));
        var ids = new ArrayList<String>();
        for (int i = 0; i < 300; i++) {
            ids.add(managers.get(i % 3)
                    .startSession(SessionConfig.builder("s" + i, "agent")
                            .idleTimeout(Duration.ofMinutes(1))
                            .build())
                    .id());
        }
        clock.advance(Duration.ofMinutes(1));
        var go = new CountDownLatch(1);
        var sweeps = new ArrayList<Future<Integer>>();
        try (var pool = Executors.newFixedThreadPool(3)) {
            for (SessionManager m : managers) {
                sweeps.add(pool.submit(() -> {
                    go.await();
                    return m.reaper().sweep().idleExpired();
                }));
            }
            go.countDown();
        }
        int total = 0;
        for (Future<Integer> f : sweeps) total += f.get();
        assertThat(total).as("expiries reported by the three reapers").isEqualTo(300);
        for (String id : ids) {
            List<Event> log = managers.get(0).store().readEvents(id, 0, 100);
            assertThat(log).extracting(Event::type).as(id).containsExactly("session_started", "session_ended");
            assertThat(managers.get(0).get(id).reason()).contains(EndReason.EXPIRED_IDLE);
        }
        assertThat(managers.get(0).store().liveSessionCount()).isZero();
    }

    @Test
    void aNodeWhoseLeaseLapsesLosesItsWorkerSessionsAndItsLateWritesAreRefused() throws Exception {
        PostgresStore a = node("a", Duration.ofMinutes(10)); // heartbeats far apart: the test lapses it by hand
        PostgresStore b = node("b", Duration.ofSeconds(1));
        workerSession(a, "w1", "a");
        a.appendAll("w1", List.of(out("w1", "before")));
        // A pauses longer than its lease (simulated: its lease runs out while it is not looking)
        sql("UPDATE nodes SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE generation = "
                + a.generation());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> b.getSession("w1").orElseThrow().isEnded());
        Session lost = b.getSession("w1").orElseThrow();
        assertThat(lost.reason()).contains(EndReason.WORKER_LOST);
        assertThat(b.readEvents("w1", 0, 10))
                .extracting(Event::type)
                .containsExactly("session_started", "out", "session_ended");
        assertThat(b.uncleanedEnded("a", 10))
                .extracting(Session::id)
                .as("A cleans its disk when it returns")
                .containsExactly("w1");
        // A wakes up and carries on as if it still owned the session: nothing it writes lands
        try {
            a.appendAll("w1", List.of(out("w1", "late")));
            throw new AssertionError("a late write was accepted");
        } catch (BosunException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
        }
        a.markInboxWritten("w1", 99);
        assertThat(b.readEvents("w1", 0, 10)).hasSize(3);
        assertThat(b.liveSessionCount()).isZero();
    }

    @Test
    void aLeaseFoundLapsedOrRemovedIsLostOnceUntilRenewed() throws Exception {
        PostgresStore a = node("a", Duration.ofMinutes(10)); // heartbeats far apart: the test renews by hand
        assertThat(a.lease().renew()).isTrue();
        assertThat(a.leaseLosses()).isZero();
        sql("UPDATE nodes SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE generation = "
                + a.generation());
        assertThat(a.lease().renew()).as("renewed, but it had lapsed").isTrue();
        assertThat(a.leaseLosses()).isEqualTo(1);
        assertThat(a.lease().renew()).isTrue();
        assertThat(a.leaseLosses()).as("renewed in time: nothing more is lost").isEqualTo(1);
        sql("DELETE FROM nodes WHERE generation = " + a.generation());
        for (int i = 0; i < 3; i++) assertThat(a.lease().renew()).isFalse();
        assertThat(a.leaseLosses())
                .as("a removed row is one loss, not one per heartbeat")
                .isEqualTo(2);
    }

    @Test
    void aFailoverEndCarriesTheOperatorsPatternThresholdsAndAnH1Delta() throws Exception {
        PostgresStore a = node("a", Duration.ofMinutes(10));
        PostgresStore b = node("b", Duration.ofSeconds(1));
        BosunConfig cfg = Fixtures.loader(dir.resolve("b"))
                .set("node_id", "b")
                .set("h1_router_enabled", true)
                .set("pattern_streak", 2)
                .load();
        open.add(SessionManager.builder(cfg).store(b).autoReap(false).build());
        a.createSession(
                new NewSession(
                        "w1",
                        "default",
                        "n",
                        "agent",
                        List.of(),
                        Json.object(),
                        Optional.of("echo"),
                        "a",
                        t0,
                        Duration.ofMinutes(30),
                        Duration.ofHours(1),
                        10,
                        Duration.ofMinutes(5),
                        Optional.of(t0.plus(Duration.ofDays(1))),
                        Optional.of("workspaces/w1"),
                        Optional.of(0L),
                        Optional.empty(),
                        Optional.empty()),
                1000);
        a.markRunning("w1", new WorkerRef("process", "1", Map.of()), Json.object(), t0);
        for (String task : List.of("t1", "t2")) {
            a.addTask(new NewTask(
                    "w1",
                    task,
                    task,
                    Json.object(),
                    TaskPriority.NORMAL,
                    List.of(),
                    Optional.empty(),
                    t0,
                    Optional.empty()));
            a.completeTask(new TaskCompletion(
                    "w1", task, TaskOutcome.SUCCESS, Optional.of(10L), Optional.empty(), Optional.empty(), false, t0));
        }
        sql("UPDATE nodes SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE generation = "
                + a.generation());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> b.getSession("w1").orElseThrow().isEnded());
        Session lost = b.getSession("w1").orElseThrow();
        assertThat(lost.reason()).contains(EndReason.WORKER_LOST);
        assertThat(lost.patterns())
                .as("two successes are a streak with pattern_streak = 2 (the default is 3)")
                .contains(SessionPatterns.HIGH_COMPLETION_STREAK);
        Event ended = b.readEvents("w1", 0, 10).stream()
                .filter(e -> e.type().equals("session_ended"))
                .findFirst()
                .orElseThrow();
        assertThat(ended.payload().has("h1_delta"))
                .as("session_ended of a takeover: " + ended.payload())
                .isTrue();
    }

    @Test
    void aSecondIncarnationOfANodeFencesTheFirst() {
        PostgresStore first = node("a", Duration.ofSeconds(15));
        workerSession(first, "w1", "a");
        first.createSession(newSession("w2", "a"), 1000);
        PostgresStore second = node("a", Duration.ofSeconds(15)); // a restart while the old process still runs
        assertThat(second.generation()).isGreaterThan(first.generation());
        var stale = org.assertj.core.api.Assertions.catchThrowableOfType(
                BosunException.class, () -> first.appendAll("w1", List.of(out("w1", "x"))));
        assertThat(stale.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(stale.details()).containsEntry("reason", "stale_generation");
        var staleStart = org.assertj.core.api.Assertions.catchThrowableOfType(
                BosunException.class,
                () -> first.markRunning("w2", new WorkerRef("process", "2", Map.of()), Json.object(), t0));
        assertThat(staleStart.details()).containsEntry("reason", "stale_generation");
        assertThat(first.endSession(new dev.bosun.store.EndRequest(
                                "w1",
                                EndReason.WORKER_EXITED.impliedOutcome(),
                                EndReason.WORKER_EXITED,
                                Optional.empty(),
                                Optional.of(1),
                                dev.bosun.store.EndRequest.Precondition.NONE,
                                t0))
                        .transitioned())
                .as("a stale owner's worker exit")
                .isFalse();
        // the new incarnation owns them
        assertThat(second.appendAll("w1", List.of(out("w1", "x")))).hasSize(1);
        assertThat(second.markRunning("w2", new WorkerRef("process", "2", Map.of()), Json.object(), t0)
                        .status())
                .isEqualTo(SessionStatus.RUNNING);
        // writes anyone may make still work from any incarnation
        assertThat(first.append(new NewEvent("w1", Direction.IN, "in", Json.object(), Optional.empty(), true, t0))
                        .seq())
                .isEqualTo(3);
    }
}
