package dev.bosun.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.json.Json;
import dev.bosun.store.NewSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A database that cannot be reached is UNAVAILABLE, at open and later, and no message carries the password. */
class PostgresUnavailableTest {

    @Test
    void openingAgainstNothingIsUnavailableWithoutThePassword() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        PgUrl url = PgUrl.parse("postgresql://bosun:s3cret@127.0.0.1:" + port + "/bosun?schema=x&connectTimeout=2");
        var e = catchThrowableOfType(
                BosunException.class, () -> PostgresStore.open(PostgresStore.Options.of(url, "n")));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("127.0.0.1:" + port).doesNotContain("s3cret");
    }

    @Test
    void aDatabaseThatGoesAwayMakesCallsUnavailableAndTheyRecoverWhenItIsBack() throws Exception {
        PgTesting.require();
        String schema = PgTesting.freshSchema();
        try (var proxy = new Proxy(PgTesting.BASE.port())) {
            PgUrl url = PgTesting.BASE.withSchema(schema);
            url = new PgUrl("127.0.0.1", proxy.port(), url.database(), url.user(), url.password(), schema, Map.of());
            try (var store =
                    PostgresStore.open(PostgresStore.Options.of(url, "n").withPoolSize(2))) {
                Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
                store.createSession(
                        new NewSession(
                                "s1",
                                "default",
                                "n",
                                "a",
                                List.of(),
                                Json.object(),
                                Optional.empty(),
                                "n",
                                t0,
                                Duration.ofMinutes(1),
                                Duration.ofHours(1),
                                10,
                                Duration.ofMinutes(5),
                                Optional.empty(),
                                Optional.empty()),
                        10);
                proxy.cut();
                var e = catchThrowableOfType(BosunException.class, () -> store.getSession("s1"));
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("PostgreSQL");
                assertThat(store.healthy()).isFalse();
                proxy.resume();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(store::healthy);
                assertThat(store.getSession("s1")).isPresent();
            }
        }
    }

    @Test
    void anOutageIsSeenWithoutCallsOpensTheCircuitSoCallsFailAtOnceAndClosesWhenTheDatabaseAnswers() throws Exception {
        PgTesting.require();
        String schema = PgTesting.freshSchema();
        try (var proxy = new Proxy(PgTesting.BASE.port())) {
            PgUrl base = PgTesting.BASE.withSchema(schema);
            PgUrl url = new PgUrl(
                    "127.0.0.1", proxy.port(), base.database(), base.user(), base.password(), schema, Map.of());
            try (var store =
                    PostgresStore.open(PostgresStore.Options.of(url, "n").withPoolSize(2))) {
                assertThat(store.health().ready()).isTrue();
                proxy.cut();
                // No call is made: the background probe alone finds the outage, and readiness reads what it found.
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> !store.health().ready());
                assertThat(store.health().state()).isEqualTo(dev.bosun.store.StoreHealth.State.UNREACHABLE);
                assertThat(store.health().detail()).contains("unreachable").doesNotContain("127.0.0.1");
                // The probe that failed opened the circuit: a call fails at once, without waiting for a connection.
                long began = System.nanoTime();
                var e = catchThrowableOfType(BosunException.class, () -> store.getSession("s1"));
                long tookMs = (System.nanoTime() - began) / 1_000_000;
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("calls fail at once");
                assertThat(e.details()).containsEntry("retry_after_seconds", PgCircuit.RETRY_AFTER_SECONDS);
                System.out.println("a call during the outage, circuit open, failed after " + tookMs + " ms");
                proxy.resume();
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> store.health().ready());
                assertThat(store.getSession("s1")).isEmpty();
            }
        }
    }

    /** A loopback TCP proxy to PostgreSQL that can drop every connection and refuse new ones for a while. */
    private static final class Proxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private volatile boolean down;
        private final int target;

        Proxy(int target) throws IOException {
            this.target = target;
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        void cut() {
            down = true;
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    /* already gone */
                }
            }
        }

        void resume() {
            down = false;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    if (down) {
                        client.close();
                        continue;
                    }
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    Thread.ofVirtual().start(() -> pump(client, upstream));
                    Thread.ofVirtual().start(() -> pump(upstream, client));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed: close the other
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    /* closing */
                }
            }
        }

        @Override
        public void close() throws IOException {
            cut();
            server.close();
        }
    }
}
