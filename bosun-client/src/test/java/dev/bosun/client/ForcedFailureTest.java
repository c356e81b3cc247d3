package dev.bosun.client;

import static dev.bosun.client.FakeServer.frame;
import static dev.bosun.client.FakeServer.json;
import static dev.bosun.client.FakeServer.startStream;
import static dev.bosun.client.FakeServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.Session;
import dev.bosun.wire.WireJson;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client behaviour under failures the real Bosun server cannot be made to produce on demand. Every
 * test here fakes the server (a {@link FakeServer} on loopback) to force one specific failure; the
 * client's normal behaviour is left to the end-to-end tests against the real server.
 */
@Timeout(30)
class ForcedFailureTest {
    private static final String SESSION = "/v1/sessions/sess_1";
    private static final String STREAM = SESSION + "/events/stream";
    private static final String UNAVAILABLE =
            "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"store unreachable\",\"details\":{}}}";

    private FakeServer fake;
    private BosunClient client;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        fake = new FakeServer();
        client = client(3);
    }

    private BosunClient client(int retries) {
        return BosunClient.builder(fake.baseUrl())
                .apiKey("k-123")
                .retries(retries)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        fake.close();
    }

    static String sessionJson(String status, long lastSeq) {
        return """
                {"session_id": "sess_1", "name": "research", "agent_id": "oracle1", "tags": [], "metadata": {},
                 "profile": null, "status": "%s", "outcome": null, "reason": null, "error": null, "exit_code": null,
                 "created_at": "2026-01-01T00:00:00Z", "started_at": "2026-01-01T00:00:00Z", "ended_at": null,
                 "last_activity_at": "2026-01-01T00:00:00Z", "expires_at": "2026-01-02T00:00:00Z",
                 "idle_timeout_seconds": 1800, "ttl_seconds": 86400, "max_tasks": 50, "task_timeout_seconds": 300,
                 "workspace": null, "duration_seconds": 0, "last_seq": %d,
                 "tasks": {"total": 0, "running": 0, "succeeded": 0, "failed": 0, "cancelled": 0, "timeout": 0}}
                """.formatted(status, lastSeq);
    }

    private static List<Long> drain(EventSubscription events) {
        List<Long> seqs = new ArrayList<>();
        while (events.hasNext()) seqs.add(events.next().seq());
        return seqs;
    }

    /**
     * Fakes the server to drop the stream in the middle of event 3 (the frame is cut before its blank
     * line): the client must not deliver the half event, must resume with {@code Last-Event-ID: 2},
     * and must deliver 3, 4, 5 once each, ending after {@code session_ended}.
     */
    @Test
    void droppedStreamResumesFromTheLastDeliveredSeq() {
        fake.route(STREAM, (n, ex) -> {
            OutputStream out = startStream(ex);
            if (n == 0) {
                write(out, ": keep-alive\n\n" + frame(1, "in", "input") + frame(2, "out", "echo"));
                write(out, "id: 3\nevent: message\ndata: {\"seq\":3,\"direc");
                return; // the fake closes the exchange: the connection ends mid-event
            }
            long from = Long.parseLong(fake.seen.get(fake.seen.size() - 1).header("Last-Event-ID")) + 1;
            for (long s = from; s <= 4; s++) write(out, frame(s, "out", "echo"));
            write(out, frame(5, "system", "session_ended"));
        });

        try (EventSubscription events = client.follow("sess_1", 0)) {
            assertThat(drain(events)).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(events.lastSeq()).isEqualTo(5);
            assertThat(events.hasNext()).isFalse();
        }
        assertThat(fake.seen).hasSize(2);
        assertThat(fake.seen.get(0).query()).isEqualTo("after=0");
        assertThat(fake.seen.get(0).header("Last-Event-ID")).isNull();
        assertThat(fake.seen.get(1).header("Last-Event-ID")).isEqualTo("2");
        assertThat(fake.seen.get(1).query()).isNull();
        assertThat(fake.seen.get(1).header("Accept")).isEqualTo("text/event-stream");
    }

    /**
     * Fakes a server that, after a drop, replays from before the client's cursor (which the real one
     * never does): the client still delivers each seq once, so a proxy's replay cannot duplicate work.
     */
    @Test
    void replayedEventsAfterAReconnectAreNotDeliveredTwice() {
        fake.route(STREAM, (n, ex) -> {
            OutputStream out = startStream(ex);
            if (n == 0) {
                write(out, frame(3, "in", "input") + frame(4, "out", "echo"));
                return;
            }
            for (long s = 2; s <= 5; s++) write(out, frame(s, "out", "echo"));
            write(out, frame(6, "system", "session_ended"));
        });

        try (EventSubscription events = client.follow("sess_1", 2)) {
            assertThat(drain(events)).containsExactly(3L, 4L, 5L, 6L);
        }
        assertThat(fake.seen.get(0).query()).isEqualTo("after=2");
        assertThat(fake.seen.get(1).header("Last-Event-ID")).isEqualTo("4");
    }

    /**
     * Fakes a connection that goes silent without closing (no events, no keep-alives): after the idle
     * timeout the client gives it up and resumes; keep-alive comments, on the other hand, keep a quiet
     * stream open; and {@code close()} from another thread ends a blocked {@code hasNext()}.
     */
    @Test
    void silentConnectionIsReplacedButKeepAlivesHoldItAndCloseWakesTheReader() throws Exception {
        CountDownLatch keepAliveConnection = new CountDownLatch(1);
        fake.route(STREAM, (n, ex) -> {
            OutputStream out = startStream(ex);
            if (n == 0) {
                write(out, frame(1, "in", "input"));
                release.await(); // silent until the test ends
                return;
            }
            if (n == 1) write(out, frame(2, "out", "echo"));
            keepAliveConnection.countDown();
            while (!release.await(100, TimeUnit.MILLISECONDS)) write(out, ": keep-alive\n\n");
        });
        client.close();
        client = BosunClient.builder(fake.baseUrl())
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .streamIdleTimeout(Duration.ofMillis(400))
                .build();

        EventSubscription events = client.follow("sess_1", 0);
        assertThat(events.next().seq()).isEqualTo(1);
        assertThat(events.next().seq()).isEqualTo(2);
        assertThat(fake.seen.get(1).header("Last-Event-ID")).isEqualTo("1");

        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(events::hasNext);
        assertThat(keepAliveConnection.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1_200); // three idle timeouts, bridged by keep-alives
        assertThat(fake.calls("GET", STREAM))
                .as("keep-alives hold the connection")
                .isEqualTo(2);
        assertThat(blocked).isNotDone();

        events.close();
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isFalse();
    }

    /** Fakes a 503 for exactly one call: a GET is retried and succeeds, with the API key on each attempt. */
    @Test
    void getIsRetriedAfterUnavailable() {
        fake.route(SESSION, (n, ex) -> {
            if (n == 0) json(ex, 503, UNAVAILABLE);
            else json(ex, 200, sessionJson("running", 3));
        });

        Session s = client.getSession("sess_1");

        assertThat(s.sessionId()).isEqualTo("sess_1");
        assertThat(s.lastSeq()).isEqualTo(3);
        assertThat(fake.calls("GET", SESSION)).isEqualTo(2);
        assertThat(fake.seen)
                .allSatisfy(seen -> assertThat(seen.header("Authorization")).isEqualTo("Bearer k-123"));
    }

    /**
     * Fakes a 503 then a dropped connection for a send: it is retried with the same Idempotency-Key on
     * every attempt (the server applies it once), and a second send gets a key of its own.
     */
    @Test
    void sendIsRetriedWithOneIdempotencyKeyPerLogicalCall() {
        fake.route(SESSION + "/events", (n, ex) -> {
            if (n == 0) json(ex, 503, UNAVAILABLE);
            else if (n == 1) throw new java.io.IOException("connection dropped by the fake"); // no answer at all
            else json(ex, 202, "{\"seq\": 7}");
        });

        assertThat(client.send(
                        "sess_1", "input", WireJson.MAPPER.createObjectNode().put("text", "hi")))
                .isEqualTo(7);
        assertThat(fake.calls("POST", SESSION + "/events")).isEqualTo(3);
        assertThat(fake.seen).allSatisfy(seen -> {
            assertThat(seen.body()).isEqualTo("{\"event_type\":\"input\",\"payload\":{\"text\":\"hi\"}}");
            assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        });
        String key = fake.seen.get(0).header("Idempotency-Key");
        assertThat(java.util.UUID.fromString(key)).as("a random UUID").isNotNull();
        assertThat(fake.seen).extracting(seen -> seen.header("Idempotency-Key")).containsOnly(key);

        client.send("sess_1", "input", WireJson.MAPPER.createObjectNode().put("text", "hi"));
        assertThat(fake.seen.get(3).header("Idempotency-Key"))
                .as("a new logical call, a new key")
                .isNotEqualTo(key);
    }

    /** A key still being answered (409 with Retry-After) is retried; the answer then is the stored one. */
    @Test
    void aKeyInProgressIsRetriedAfterItsRetryAfter() {
        fake.route(SESSION + "/emit", (n, ex) -> {
            if (n == 0) {
                json(
                        ex,
                        409,
                        "{\"error\":{\"code\":\"IDEMPOTENCY_KEY_IN_PROGRESS\",\"message\":\"in use\","
                                + "\"details\":{\"field\":\"Idempotency-Key\",\"retry_after_seconds\":1}}}",
                        "Retry-After",
                        "1");
            } else {
                json(ex, 202, "{\"seq\": 3}", "Idempotent-Replayed", "true");
            }
        });
        assertThat(client.emit("sess_1", "echo", WireJson.MAPPER.createObjectNode()))
                .isEqualTo(3);
        assertThat(fake.calls("POST", SESSION + "/emit")).isEqualTo(2);
    }

    /** The attempts are bounded: maxAttempts(2) gives up after the second 503. */
    @Test
    void maxAttemptsBoundsTheRetriesOfAPost() {
        fake.route(SESSION + "/tasks", (n, ex) -> json(ex, 503, UNAVAILABLE));
        client.close();
        client = BosunClient.builder(fake.baseUrl())
                .maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .build();
        assertThatThrownBy(() -> client.addTask("sess_1", dev.bosun.wire.AddTask.of("t")))
                .isInstanceOfSatisfying(
                        BosunClientException.class,
                        e -> assertThat(e.getMessage()).endsWith("(gave up after 2 attempts)"));
        assertThat(fake.calls("POST", SESSION + "/tasks")).isEqualTo(2);
    }

    /** Fakes the per-key rate limit on a GET: the client waits the Retry-After second, then succeeds. */
    @Test
    void tooManyRequestsIsWaitedOutForAGet() {
        List<Long> at = new CopyOnWriteArrayList<>();
        fake.route(SESSION, (n, ex) -> {
            at.add(System.nanoTime());
            if (n == 0) {
                json(
                        ex,
                        429,
                        "{\"error\":{\"code\":\"LIMIT_REACHED\",\"message\":\"rate limit\",\"details\":{}}}",
                        "Retry-After",
                        "1");
            } else {
                json(ex, 200, sessionJson("running", 0));
            }
        });

        assertThat(client.getSession("sess_1").sessionId()).isEqualTo("sess_1");

        assertThat(at).hasSize(2);
        assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    /** Fakes the rate limit on an emit with a Retry-After past the client's bound: handed to the caller at once. */
    @Test
    void tooManyRequestsOnAPostIsHandedToTheCaller() {
        fake.route(
                SESSION + "/emit",
                (n, ex) -> json(
                        ex,
                        429,
                        "{\"error\":{\"code\":\"LIMIT_REACHED\",\"message\":\"rate limit of 10/s reached\",\"details\":{\"limit\":10}}}",
                        "Retry-After",
                        "120"));

        assertThatThrownBy(() -> client.emit("sess_1", "echo", WireJson.MAPPER.createObjectNode()))
                .isInstanceOfSatisfying(BosunClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED);
                    assertThat(e.details())
                            .containsEntry("retry_after_seconds", 120L)
                            .containsEntry("limit", 10);
                });
        assertThat(fake.calls("POST", SESSION + "/emit")).isEqualTo(1);
    }

    /** Fakes a gateway answering with an HTML page: UNAVAILABLE naming the status, after the retries. */
    @Test
    void htmlBadGatewayIsUnavailableWithoutErrorBody() {
        fake.route(
                SESSION,
                (n, ex) -> FakeServer.send(
                        ex,
                        502,
                        "text/html",
                        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"));
        client.close();
        client = client(2);

        assertThatThrownBy(() -> client.getSession("sess_1")).isInstanceOfSatisfying(BosunClientException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage())
                    .isEqualTo("server answered 502 without an error body (gave up after 3 attempts)");
            assertThat(e.details()).containsEntry("http_status", 502);
        });
        assertThat(fake.calls("GET", SESSION)).isEqualTo(3);
    }

    /** Fakes nothing at all: a closed port. The error is UNAVAILABLE and names the URL. */
    @Test
    void refusedConnectionIsUnavailableNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BosunClient nobody = BosunClient.builder(URI.create("http://127.0.0.1:" + port + "/"))
                .retries(1)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .build()) {
            assertThatThrownBy(() -> nobody.getSession("sess_1"))
                    .isInstanceOfSatisfying(BosunClientException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage())
                                .startsWith("Bosun at http://127.0.0.1:" + port
                                        + "/v1/sessions/sess_1 is unreachable (GET)")
                                .endsWith("(gave up after 2 attempts)");
                        assertThat(e.getMessage()).doesNotContain("\tat ").doesNotContain("Exception:");
                    });
            // A follower keeps reconnecting by default (it outlives restarts); with a limit it gives up the same way.
            assertThatThrownBy(() -> nobody.follow(
                                    "sess_1", 0, FollowOptions.defaults().maxReconnects(1))
                            .hasNext())
                    .isInstanceOfSatisfying(
                            BosunClientException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }
}
