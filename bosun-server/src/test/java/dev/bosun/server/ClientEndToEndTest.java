package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.client.BosunClient;
import dev.bosun.client.BosunClientException;
import dev.bosun.client.EventSubscription;
import dev.bosun.client.FollowOptions;
import dev.bosun.client.LogStream;
import dev.bosun.client.SessionFilter;
import dev.bosun.json.Json;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.EndReason;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.Event;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStatus;
import dev.bosun.wire.TaskOutcome;
import dev.bosun.wire.TaskPriority;
import dev.bosun.wire.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real server: typed results, real error envelopes, SSE resume. */
class ClientEndToEndTest extends ServerHarness {
    BosunClient client;

    @AfterEach
    void closeClient() {
        if (client != null) client.close();
    }

    private BosunClient connect(String key) {
        var b = BosunClient.builder(server.url())
                .timeout(Duration.ofSeconds(30))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (key != null) b.apiKey(key);
        return b.build();
    }

    @Test
    void everyOperationWithTypedResults() {
        start();
        client = connect(null);
        Session s = client.createSession(CreateSession.of("sdk", "oracle1")
                .withTags(List.of("h1"))
                .withProfile("echo")
                .withIdleTimeoutSeconds(Duration.ofMinutes(10).toSeconds()));
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.idleTimeoutSeconds()).isEqualTo(Duration.ofMinutes(10).toSeconds());
        assertThat(client.getSession(s.sessionId()).tags()).containsExactly("h1");
        long seq = client.send(s.sessionId(), "input", Json.object().put("q", 42));
        var echo = client.poll(s.sessionId(), seq, 10, Duration.ofSeconds(10));
        var types = new ArrayList<String>();
        long cursor = seq;
        while (!types.contains("echo")) {
            var r = client.poll(s.sessionId(), cursor, 10, Duration.ofSeconds(10));
            r.events().forEach(e -> types.add(e.eventType()));
            cursor = r.nextCursor();
        }
        assertThat(echo.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(client.emit(s.sessionId(), "note", Json.object())).isGreaterThan(seq);
        var t = client.addTask(
                s.sessionId(),
                new AddTask("t1", "analyze", Json.object().put("x", 1), TaskPriority.CRITICAL, List.of("research")));
        assertThat(t.priority()).isEqualTo(TaskPriority.CRITICAL);
        assertThat(client.tasks(s.sessionId(), true)).hasSize(1);
        var done = client.completeTask(
                s.sessionId(),
                "t1",
                new CompleteTask(TaskOutcome.SUCCESS, 12L, Json.object().put("ok", true), null));
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(client.getTask(s.sessionId(), "t1").result())
                .isEqualTo(Json.object().put("ok", true));
        assertThat(client.heartbeat(s.sessionId()).status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(client.logs(s.sessionId(), LogStream.STDOUT, 0)).isNotNull();
        assertThat(client.listSessions(SessionFilter.ALL.withAgentId("oracle1")).items())
                .extracting(Session::sessionId)
                .contains(s.sessionId());
        Session ended = client.endSession(s.sessionId(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ended.reason()).isEqualTo(EndReason.COMPLETED);
        assertThat(ended.tasks().succeeded()).isEqualTo(1);
        assertThat(client.terminate(s.sessionId(), "again").reason()).isEqualTo(EndReason.COMPLETED);
        assertThat(client.health().up()).isTrue();
        assertThat(client.ready().up()).isTrue();
    }

    @Test
    void listFiltersOrderAndStatsThroughTheSdk() {
        start();
        client = connect(null);
        Session first = client.createSession(CreateSession.of("nightly-build", "oracle1"));
        Session second = client.createSession(CreateSession.of("nightly-test", "oracle1"));
        Session other = client.createSession(CreateSession.of("adhoc", "oracle1"));
        client.endSession(second.sessionId(), SessionOutcome.FAILED, Optional.of("red"));
        client.endSession(other.sessionId(), SessionOutcome.SUCCESS, Optional.empty());

        assertThat(client.listSessions(SessionFilter.ALL.withNameContaining("nightly"))
                        .items())
                .extracting(Session::sessionId)
                .containsExactly(second.sessionId(), first.sessionId());
        assertThat(client.listSessions(
                                SessionFilter.ALL.withNameContaining("nightly").oldestFirst())
                        .items())
                .extracting(Session::sessionId)
                .containsExactly(first.sessionId(), second.sessionId());
        assertThat(client.listSessions(SessionFilter.ALL.withOutcome(SessionOutcome.FAILED))
                        .items())
                .extracting(Session::sessionId)
                .containsExactly(second.sessionId());
        assertThat(client.listSessions(SessionFilter.ALL.withProfile("nope")).items())
                .isEmpty();

        var stats = client.stats();
        assertThat(stats.sessions().ended()).isEqualTo(2);
        assertThat(stats.sessions().running() + stats.sessions().creating()).isEqualTo(1);
        assertThat(stats.today().started()).isEqualTo(3);
        assertThat(stats.today().ended())
                .extracting(e -> e.outcome() + "/" + e.count())
                .containsExactlyInAnyOrder("FAILED/1", "SUCCESS/1");
    }

    @Test
    void serverErrorsArriveWithTheirCodes() {
        start(l -> l.set("max_tasks", 1));
        client = connect(null);
        expect(ErrorCode.NOT_FOUND, () -> client.getSession("sess_nope"));
        Session s = client.createSession(CreateSession.of("e", "a"));
        var e = expect(
                ErrorCode.INVALID_ARGUMENT,
                () -> client.createSession(CreateSession.of("e", "a").withTtlSeconds(5L)));
        assertThat(e.details()).containsEntry("field", "ttl_seconds");
        expect(ErrorCode.INVALID_ARGUMENT, () -> client.poll(s.sessionId(), 99, 10, Duration.ZERO));
        client.addTask(s.sessionId(), AddTask.of("one"));
        expect(ErrorCode.LIMIT_REACHED, () -> client.addTask(s.sessionId(), AddTask.of("two")));
        client.endSession(s.sessionId(), SessionOutcome.FAILED, Optional.of("x"));
        expect(ErrorCode.CONFLICT, () -> client.send(s.sessionId(), "late", Json.object()));
        expect(
                ErrorCode.PAYLOAD_TOO_LARGE,
                () -> client.emit(
                        client.createSession(CreateSession.of("p", "a")).sessionId(),
                        "big",
                        Json.MAPPER.valueToTree("x".repeat(config.maxMessageBytes() + 1))));
    }

    @Test
    void tenantsAndKeysThroughTheSdk() {
        String key = "sdk-key";
        start(l -> l.set("api_keys", List.of("acme:" + ApiKeys.sha256(key))));
        try (BosunClient anonymous = connect(null);
                BosunClient wrong = connect("nope")) {
            expect(ErrorCode.UNAUTHENTICATED, () -> anonymous.listSessions(SessionFilter.ALL));
            expect(ErrorCode.UNAUTHENTICATED, () -> wrong.createSession(CreateSession.of("x", "a")));
        }
        client = connect(key);
        Session s = client.createSession(CreateSession.of("x", "a"));
        assertThat(manager.get(s.sessionId()).tenant()).isEqualTo("acme");
    }

    @Test
    void followResumesAcrossAServerRestartWithNothingMissedOrRepeated() throws Exception {
        start();
        client = connect(null);
        Session s = client.createSession(CreateSession.of("f", "a"));
        for (int i = 0; i < 3; i++)
            client.send(s.sessionId(), "n", Json.object().put("i", i));
        var seen = new ArrayList<Long>();
        try (EventSubscription sub = client.follow(s.sessionId(), 0)) {
            var reader = CompletableFuture.runAsync(() -> {
                while (sub.hasNext()) {
                    Event e = sub.next();
                    synchronized (seen) {
                        seen.add(e.seq());
                    }
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (seen) {
                    return seen.size() == 4;
                }
            });
            // Force the disconnect: the server goes away mid-stream and comes back on the same port.
            int port = server.port();
            server.close();
            for (int i = 3; i < 6; i++)
                manager.send(s.sessionId(), "n", Json.object().put("i", i)); // written while it is down
            server = BosunServer.start(
                    dev.bosun.contract.Fixtures.loader(dataDir)
                            .set("port", port)
                            .load(),
                    manager,
                    Duration.ofMillis(300));
            client.send(s.sessionId(), "n", Json.object().put("i", 6));
            client.terminate(s.sessionId(), "done");
            reader.get(30, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void followOutlivesAnOutageLongerThanTheClientsRetriesAndSaysItIsReconnecting() throws Exception {
        start();
        client = connect(null); // 3 retries for calls: the follower must not be bound by them
        Session s = client.createSession(CreateSession.of("outage", "a"));
        client.send(s.sessionId(), "n", Json.object().put("i", 0));
        var seen = new ArrayList<Long>();
        var reconnects = new java.util.concurrent.CopyOnWriteArrayList<FollowOptions.Reconnecting>();
        try (EventSubscription sub =
                client.follow(s.sessionId(), 0, FollowOptions.defaults().onReconnect(reconnects::add))) {
            var reader = CompletableFuture.runAsync(() -> {
                while (sub.hasNext()) {
                    Event e = sub.next();
                    synchronized (seen) {
                        seen.add(e.seq());
                    }
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (seen) {
                    return seen.size() == 2;
                }
            });
            int port = server.port();
            server.close();
            // Down until the follower has failed to reconnect far more often than the client's 3 retries.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> reconnects.size() >= 10);
            assertThat(reader).isNotDone();
            manager.send(s.sessionId(), "n", Json.object().put("i", 1)); // written while it is down
            server = BosunServer.start(
                    dev.bosun.contract.Fixtures.loader(dataDir)
                            .set("port", port)
                            .load(),
                    manager,
                    Duration.ofMillis(300));
            client.terminate(s.sessionId(), "done");
            reader.get(30, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
        assertThat(reconnects).allSatisfy(r -> {
            assertThat(r.sessionId()).isEqualTo(s.sessionId());
            assertThat(r.lastSeq()).isEqualTo(2L);
            assertThat(r.delay()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
        });
        assertThat(reconnects.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void followGivesUpAfterItsReconnectLimitWithTheLastError() {
        start();
        client = connect(null);
        Session s = client.createSession(CreateSession.of("limit", "a"));
        try (EventSubscription sub =
                client.follow(s.sessionId(), 0, FollowOptions.defaults().maxReconnects(2))) {
            assertThat(sub.hasNext()).isTrue();
            assertThat(sub.next().seq()).isEqualTo(1L);
            server.close();
            BosunClientException e = expect(ErrorCode.UNAVAILABLE, sub::hasNext);
            assertThat(e.getMessage()).doesNotContain("/tmp");
        }
    }

    private static BosunClientException expect(ErrorCode code, Runnable call) {
        try {
            call.run();
        } catch (BosunClientException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected " + code);
    }
}
