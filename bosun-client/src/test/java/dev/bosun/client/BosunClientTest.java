package dev.bosun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.wire.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the client decides before anything is sent; the address used is never contacted. */
class BosunClientTest {
    private static final URI NOWHERE = URI.create("http://127.0.0.1:9/prefix/");

    @Test
    void builderRefusesWhatCannotWork() {
        assertThatThrownBy(() -> BosunClient.builder(URI.create("ftp://host/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BosunClient.builder(URI.create("/relative")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BosunClient.builder(URI.create("http://h/?x=1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BosunClient.builder(NOWHERE).retries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BosunClient.builder(NOWHERE).timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BosunClient.builder(NOWHERE).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urlsKeepTheBasePathAndEncodeIdsAndQueries() {
        Transport t = new Transport(NOWHERE, Optional.empty(), Duration.ofSeconds(1), RetryPolicy.DEFAULT);
        try (t) {
            assertThat(t.uri("/v1/sessions/" + Transport.segment("sess_01J"), Map.of()))
                    .isEqualTo(URI.create("http://127.0.0.1:9/prefix/v1/sessions/sess_01J"));
            assertThat(t.uri(
                            "/v1/sessions/" + Transport.segment("a/b?c"),
                            Transport.query("tag", "x y&z", "after", Optional.empty())))
                    .hasToString("http://127.0.0.1:9/prefix/v1/sessions/a%2Fb%3Fc?tag=x%20y%26z");
        }
        assertThatThrownBy(() -> Transport.segment(".."))
                .isInstanceOfSatisfying(
                        BosunClientException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void longPollWaitIsSentAsDecimalSeconds() {
        assertThat(Transport.decimalSeconds(Duration.ofMillis(1500))).isEqualTo("1.5");
        assertThat(Transport.decimalSeconds(Duration.ofSeconds(20))).isEqualTo("20");
        assertThat(Transport.decimalSeconds(Duration.ofMillis(250))).isEqualTo("0.25");
    }

    @Test
    void closedClientRefusesCalls() {
        BosunClient c = BosunClient.builder(NOWHERE).build();
        EventSubscription open = c.follow("sess_1", 0);
        c.close();
        assertThat(open.hasNext())
                .as("closing the client closes its subscriptions")
                .isFalse();
        assertThatThrownBy(() -> c.getSession("sess_1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.follow("sess_1", 0)).isInstanceOf(IllegalStateException.class);
    }
}
