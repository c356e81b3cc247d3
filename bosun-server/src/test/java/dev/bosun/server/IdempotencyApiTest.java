package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.idempotency.IdempotencyClaim;
import dev.bosun.idempotency.IdempotencyScope;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code Idempotency-Key} header over HTTP (D78): replay, reuse, malformed keys, recovery. */
class IdempotencyApiTest extends ServerHarness {
    private static final String CREATE = "{\"name\":\"n\",\"agent_id\":\"a\"}";

    @BeforeEach
    void up() {
        start(l -> l.set("idempotency_window", "2h"));
    }

    private Res postKeyed(String path, String body, String idemKey) {
        return call("POST", path, body, apiKey, "Idempotency-Key", idemKey);
    }

    private int sessions() {
        return manager.list(SessionFilter.ALL, Optional.empty(), 100).items().size();
    }

    @Test
    void aRepeatedCreateIsReplayedAndMakesOneSession() {
        Res first = postKeyed("/v1/sessions", CREATE, "create-1");
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        Res again = postKeyed("/v1/sessions", CREATE, "create-1");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(sessions()).isEqualTo(1);

        var stored = store.idempotency()
                .find("default", "POST /v1/sessions", "create-1")
                .orElseThrow();
        assertThat(Duration.between(stored.claim().createdAt(), stored.claim().expiresAt()))
                .isEqualTo(Duration.ofHours(2));
        assertThat(stored.sessionId()).contains(first.json().get("session_id").asText());

        assertThat(postKeyed("/v1/sessions", CREATE, "create-2").status())
                .as("a new key is a new call")
                .isEqualTo(201);
        assertThat(post("/v1/sessions", CREATE).status())
                .as("no key, no idempotency")
                .isEqualTo(201);
        assertThat(sessions()).isEqualTo(3);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        assertThat(postKeyed("/v1/sessions", CREATE, "k").status()).isEqualTo(201);
        Res other = postKeyed("/v1/sessions", "{\"name\":\"other\",\"agent_id\":\"a\"}", "k");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(other.json().at("/error/details/field").asText()).isEqualTo("Idempotency-Key");
        assertThat(other.json().at("/error/message").asText()).contains("different request body");
        assertThat(sessions()).isEqualTo(1);
    }

    @Test
    void malformedKeysAreRefusedNamingTheHeaderAndTheRule() throws Exception {
        for (String bad : new String[] {"", "x".repeat(256)}) {
            Res r = postKeyed("/v1/sessions", CREATE, bad);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo("Idempotency-Key");
            assertThat(r.json().at("/error/message").asText())
                    .contains("Idempotency-Key")
                    .contains("1..255 printable ASCII");
        }
        // Bytes HttpClient would not send, over a raw socket: a control character (Jetty refuses it
        // before Bosun sees it, still 400) and a byte outside ASCII (Bosun's own rule).
        for (String bad : new String[] {"a\u007fb", "caf\u00e9"}) {
            String raw = RawHttp.exchange(
                    server.port(),
                    "POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\nIdempotency-Key: " + bad + "\r\nContent-Length: "
                            + CREATE.length()
                            + "\r\nConnection: close\r\n\r\n" + CREATE);
            assertThat(RawHttp.status(raw)).isEqualTo(400);
            if (bad.endsWith("\u00e9"))
                assertThat(RawHttp.body(raw)).contains("Idempotency-Key").contains("printable ASCII");
        }
        assertThat(postKeyed("/v1/sessions", CREATE, "x".repeat(255)).status()).isEqualTo(201);
        assertThat(sessions()).isEqualTo(1);
    }

    @Test
    void aRequestRefusedBeforeAnyEffectStoresNothing() {
        Res bad = postKeyed("/v1/sessions", "{\"name\":\"n\"}", "k");
        assertThat(bad.status()).isEqualTo(400);
        Res fixed = postKeyed("/v1/sessions", CREATE, "k");
        assertThat(fixed.status())
                .as("the key was not taken by a request that did nothing")
                .isEqualTo(201);
        assertThat(fixed.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void appendsTasksAndEndsAreReplayedWithoutASecondEffect() {
        String id = createSession(CREATE);
        String events = "/v1/sessions/" + id + "/events";
        String send = "{\"event_type\":\"input\",\"payload\":{\"q\":1}}";
        Res sent = postKeyed(events, send, "e1");
        Res resent = postKeyed(events, send, "e1");
        assertThat(resent.status()).isEqualTo(sent.status()).isEqualTo(202);
        assertThat(resent.json().get("seq")).isEqualTo(sent.json().get("seq"));
        assertThat(resent.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(get(events + "?after=0").json().get("events")).hasSize(2); // session_started + one input

        String tasks = "/v1/sessions/" + id + "/tasks";
        assertThat(postKeyed(tasks, "{\"task_id\":\"t1\",\"name\":\"x\"}", "t1").status())
                .isEqualTo(201);
        Res taskAgain = postKeyed(tasks, "{\"task_id\":\"t1\",\"name\":\"x\"}", "t1");
        assertThat(taskAgain.status())
                .as("not 409 task id taken: the stored answer")
                .isEqualTo(201);
        String complete = tasks + "/t1/complete";
        assertThat(postKeyed(complete, "{\"outcome\":\"success\"}", "c1").status())
                .isEqualTo(200);
        assertThat(postKeyed(complete, "{\"outcome\":\"success\"}", "c1").status())
                .isEqualTo(200);

        Res ended = postKeyed("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}", "end");
        Res endedAgain = postKeyed("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}", "end");
        assertThat(endedAgain.text()).isEqualTo(ended.text());
    }

    @Test
    void keysAreScopedToTheRequestPath() {
        String a = createSession(CREATE);
        String b = createSession(CREATE);
        String send = "{\"event_type\":\"input\",\"payload\":1}";
        assertThat(postKeyed("/v1/sessions/" + a + "/events", send, "same").header("Idempotent-Replayed"))
                .isNull();
        assertThat(postKeyed("/v1/sessions/" + b + "/events", send, "same").header("Idempotent-Replayed"))
                .isNull();
    }

    @Test
    void aCreateWhoseAnswerWasNeverStoredIsAnsweredFromItsSession() throws Exception {
        // As if the node had stopped between the commit and the answer: the key is written with the
        // session, but no answer was stored.
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(CREATE.getBytes(StandardCharsets.UTF_8)));
        Instant now = Instant.now();
        String id;
        try (var ignored = IdempotencyScope.open(
                new IdempotencyClaim("default", "POST /v1/sessions", "lost", hash, now, now.plusSeconds(60)))) {
            id = manager.createSession(
                            SessionConfig.builder("n", "a").tenant("default").build())
                    .id();
        }
        Res retried = postKeyed("/v1/sessions", CREATE, "lost");
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(retried.json().get("session_id").asText()).isEqualTo(id);
        assertThat(retried.header("Location")).isEqualTo("/v1/sessions/" + id);
        assertThat(sessions()).isEqualTo(1);
    }
}
