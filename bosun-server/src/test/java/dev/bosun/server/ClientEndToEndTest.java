package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.client.BosunClient;
import dev.bosun.client.EventSubscription;
import dev.bosun.client.FollowOptions;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.session.EndReason;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Completion;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import dev.bosun.task.TaskStatus;
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
        var b = BosunClient.builder(server.url()).timeout(Duration.ofSeconds(30)).backoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (key != null) b.apiKey(key);
        return b.build();
    }

    @Test
    void everyOperationWithTypedResults() {
        start();
        client = connect(null);
        Session s = client.createSession(SessionConfig.builder("sdk", "oracle1").tags("h1").profile("echo")
                .idleTimeout(Duration.ofMinutes(10)).build());
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(client.getSession(s.id()).tags()).containsExactly("h1");
        long seq = client.send(s.id(), "input", Json.object().put("q", 42));
        var echo = client.poll(s.id(), seq, 10, Duration.ofSeconds(10));
        var types = new ArrayList<String>();
        long cursor = seq;
        while (!types.contains("echo")) {
            var r = client.poll(s.id(), cursor, 10, Duration.ofSeconds(10));
            r.events().forEach(e -> types.add(e.type()));
            cursor = r.nextCursor();
        }
        assertThat(echo.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(client.emit(s.id(), "note", Json.object())).isGreaterThan(seq);
        var t = client.addTask(s.id(), TaskSpec.builder("analyze").id("t1").priority(TaskPriority.CRITICAL)
                .requiredCapabilities("research").data(Json.object().put("x", 1)).build());
        assertThat(t.priority()).isEqualTo(TaskPriority.CRITICAL);
        assertThat(client.tasks(s.id(), true)).hasSize(1);
        var done = client.completeTask(s.id(), "t1", Completion.of(TaskOutcome.SUCCESS).withDurationMs(12)
                .withResult(Json.object().put("ok", true)));
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(client.getTask(s.id(), "t1").result()).contains(Json.object().put("ok", true));
        assertThat(client.heartbeat(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(client.logs(s.id(), LogStream.STDOUT, 0)).isNotNull();
        assertThat(client.listSessions(SessionFilter.ALL.withAgentId("oracle1")).items()).extracting(Session::id).contains(s.id());
        Session ended = client.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ended.reason()).contains(EndReason.COMPLETED);
        assertThat(ended.taskCounts().succeeded()).isEqualTo(1);
        assertThat(client.terminate(s.id(), "again").reason()).contains(EndReason.COMPLETED);
        assertThat(client.health().up()).isTrue();
        assertThat(client.ready().up()).isTrue();
    }

    @Test
    void serverErrorsArriveWithTheirCodes() {
        start(l -> l.set("max_tasks", 1));
        client = connect(null);
        expect(ErrorCode.NOT_FOUND, () -> client.getSession("sess_nope"));
        Session s = client.createSession(SessionConfig.builder("e", "a").build());
        var e = expect(ErrorCode.INVALID_ARGUMENT, () -> client.createSession(
                SessionConfig.builder("e", "a").ttl(Duration.ofSeconds(5)).build()));
        assertThat(e.details()).containsEntry("field", "ttl_seconds");
        expect(ErrorCode.INVALID_ARGUMENT, () -> client.poll(s.id(), 99, 10, Duration.ZERO));
        client.addTask(s.id(), TaskSpec.builder("one").build());
        expect(ErrorCode.LIMIT_REACHED, () -> client.addTask(s.id(), TaskSpec.builder("two").build()));
        client.endSession(s.id(), SessionOutcome.FAILED, Optional.of("x"));
        expect(ErrorCode.CONFLICT, () -> client.send(s.id(), "late", Json.object()));
        expect(ErrorCode.PAYLOAD_TOO_LARGE, () -> client.emit(client.createSession(SessionConfig.builder("p", "a").build()).id(),
                "big", Json.MAPPER.valueToTree("x".repeat(config.maxMessageBytes() + 1))));
    }

    @Test
    void tenantsAndKeysThroughTheSdk() {
        String key = "sdk-key";
        start(l -> l.set("api_keys", List.of("acme:" + ApiKeys.sha256(key))));
        try (BosunClient anonymous = connect(null); BosunClient wrong = connect("nope")) {
            expect(ErrorCode.UNAUTHENTICATED, () -> anonymous.listSessions(SessionFilter.ALL));
            expect(ErrorCode.UNAUTHENTICATED, () -> wrong.createSession(SessionConfig.builder("x", "a").build()));
        }
        client = connect(key);
        Session s = client.createSession(SessionConfig.builder("x", "a").build());
        assertThat(manager.get(s.id()).tenant()).isEqualTo("acme");
    }

    @Test
    void followResumesAcrossAServerRestartWithNothingMissedOrRepeated() throws Exception {
        start();
        client = connect(null);
        Session s = client.createSession(SessionConfig.builder("f", "a").build());
        for (int i = 0; i < 3; i++) client.send(s.id(), "n", Json.object().put("i", i));
        var seen = new ArrayList<Long>();
        try (EventSubscription sub = client.follow(s.id(), 0)) {
            var reader = CompletableFuture.runAsync(() -> {
                while (sub.hasNext()) {
                    Event e = sub.next();
                    synchronized (seen) { seen.add(e.seq()); }
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> { synchronized (seen) { return seen.size() == 4; } });
            // Force the disconnect: the server goes away mid-stream and comes back on the same port.
            int port = server.port();
            server.close();
            for (int i = 3; i < 6; i++) manager.send(s.id(), "n", Json.object().put("i", i)); // written while it is down
            server = BosunServer.start(dev.bosun.contract.Fixtures.loader(dataDir).set("port", port).load(), manager,
                    Duration.ofMillis(300));
            client.send(s.id(), "n", Json.object().put("i", 6));
            client.terminate(s.id(), "done");
            reader.get(30, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void followOutlivesAnOutageLongerThanTheClientsRetriesAndSaysItIsReconnecting() throws Exception {
        start();
        client = connect(null); // 3 retries for calls: the follower must not be bound by them
        Session s = client.createSession(SessionConfig.builder("outage", "a").build());
        client.send(s.id(), "n", Json.object().put("i", 0));
        var seen = new ArrayList<Long>();
        var reconnects = new java.util.concurrent.CopyOnWriteArrayList<FollowOptions.Reconnecting>();
        try (EventSubscription sub = client.follow(s.id(), 0, FollowOptions.defaults().onReconnect(reconnects::add))) {
            var reader = CompletableFuture.runAsync(() -> {
                while (sub.hasNext()) {
                    Event e = sub.next();
                    synchronized (seen) { seen.add(e.seq()); }
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> { synchronized (seen) { return seen.size() == 2; } });
            int port = server.port();
            server.close();
            // Down until the follower has failed to reconnect far more often than the client's 3 retries.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> reconnects.size() >= 10);
            assertThat(reader).isNotDone();
            manager.send(s.id(), "n", Json.object().put("i", 1)); // written while it is down
            server = BosunServer.start(dev.bosun.contract.Fixtures.loader(dataDir).set("port", port).load(), manager,
                    Duration.ofMillis(300));
            client.terminate(s.id(), "done");
            reader.get(30, TimeUnit.SECONDS);
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
        assertThat(reconnects).allSatisfy(r -> {
            assertThat(r.sessionId()).isEqualTo(s.id());
            assertThat(r.lastSeq()).isEqualTo(2L);
            assertThat(r.delay()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(500));
        });
        assertThat(reconnects.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void followGivesUpAfterItsReconnectLimitWithTheLastError() {
        start();
        client = connect(null);
        Session s = client.createSession(SessionConfig.builder("limit", "a").build());
        try (EventSubscription sub = client.follow(s.id(), 0, FollowOptions.defaults().maxReconnects(2))) {
            assertThat(sub.hasNext()).isTrue();
            assertThat(sub.next().seq()).isEqualTo(1L);
            server.close();
            BosunException e = expect(ErrorCode.UNAVAILABLE, sub::hasNext);
            assertThat(e.getMessage()).doesNotContain("/tmp");
        }
    }

    private static BosunException expect(ErrorCode code, Runnable call) {
        try {
            call.run();
        } catch (BosunException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            return e;
        }
        throw new AssertionError("expected " + code);
    }

}
