package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.client.BosunClient;
import dev.bosun.json.Json;
import dev.bosun.session.SessionFilter;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.Session;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A create whose answer is lost on the way back (issue 15): the server committed it, the client saw
 * its connection close without an answer, and the SDK's retry with the same Idempotency-Key gets the
 * first answer: exactly one session.
 */
class LostAnswerTest extends ServerHarness {

    @Test
    void aCreateWhoseAnswerIsLostIsRetriedIntoExactlyOneSession() throws Exception {
        start();
        try (var proxy = new AnswerDroppingProxy(server.url(), 1);
                var client = BosunClient.builder(proxy.url())
                        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build()) {
            Session s = client.createSession(CreateSession.of("lost", "a"));

            assertThat(proxy.dropped()).as("the first answer was lost").isEqualTo(1);
            var all = manager.list(SessionFilter.ALL, Optional.empty(), 100).items();
            assertThat(all).extracting(dev.bosun.session.Session::id).containsExactly(s.sessionId());
            var key = store.idempotency()
                    .find(
                            "default",
                            "POST /v1/sessions",
                            // the one key the SDK used, found through the stored row
                            keyOf(s.sessionId()))
                    .orElseThrow();
            assertThat(key.response()).as("the first answer was stored").isPresent();
        }
    }

    @Test
    void appendsWhoseAnswersAreLostAreAppliedOnce() throws Exception {
        start();
        String id = createSession("{\"name\":\"n\",\"agent_id\":\"a\"}");
        try (var proxy = new AnswerDroppingProxy(server.url(), 2);
                var client = BosunClient.builder(proxy.url())
                        .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                        .build()) {
            long seq = client.send(id, "input", Json.object().put("n", 1));
            assertThat(proxy.dropped()).isEqualTo(2);
            assertThat(seq).isEqualTo(2);
            assertThat(manager.store().readEvents(id, 0, 100))
                    .extracting(e -> e.type())
                    .containsExactly("session_started", "input");
        }
    }

    /** The SDK's key is random; the test finds it from the session the key row names. */
    private String keyOf(String sessionId) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file());
                var ps = c.prepareStatement("SELECT idem_key FROM idempotency_keys WHERE session_id = ?")) {
            ps.setString(1, sessionId);
            try (var r = ps.executeQuery()) {
                assertThat(r.next()).as("a key row names the session").isTrue();
                String key = r.getString(1);
                assertThat(r.next()).as("one key row").isFalse();
                return key;
            }
        }
    }
}
