package dev.bosun.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinned client against real local servers: it connects to the address it is given, whatever the
 * URL's host resolves to, yet the request names that host and TLS verifies the certificate against it.
 */
class PinnedPostTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Long enough never to be reached where an answer comes, on however loaded a machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** For the receiver that never answers: the deadline is what ends the call. */
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " host="
                + ex.getRequestHeaders().getFirst("Host") + " sig="
                + ex.getRequestHeaders().getFirst("Bosun-Signature") + " body="
                + new String(body, StandardCharsets.UTF_8));
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static int post(PinnedPost http, String url, List<InetAddress> to) throws Exception {
        return post(http, url, to, TIMEOUT);
    }

    private static int post(PinnedPost http, String url, List<InetAddress> to, Duration timeout) throws Exception {
        return http.post(
                URI.create(url),
                to,
                Map.of("Bosun-Signature", "v1=ab"),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
                timeout);
    }

    @Test
    void theRequestGoesToTheGivenAddressAndNamesTheUrlsHost() throws Exception {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 8);
        server.createContext("/", this::handle);
        server.start();
        int status = post(new PinnedPost(), "http://receiver.example:" + port() + "/hook?x=1", List.of(LOOPBACK));
        assertThat(status).isEqualTo(204);
        assertThat(seen)
                .containsExactly("POST /hook?x=1 host=receiver.example:" + port() + " sig=v1=ab body={\"a\":1}");
    }

    @Test
    void anAddressThatRefusesIsPassedOverForTheNextAndNoneLeftIsUnreachable() throws Exception {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 8);
        server.createContext("/", this::handle);
        server.start();
        InetAddress other = InetAddress.getByName("127.0.0.2"); // loopback too, but nothing listens there
        assertThat(post(new PinnedPost(), "http://r.example:" + port() + "/", List.of(other, LOOPBACK)))
                .isEqualTo(204);
        assertThatThrownBy(() -> post(new PinnedPost(), "http://r.example:" + port() + "/", List.of(other)))
                .isInstanceOf(PinnedPost.Unreachable.class);
    }

    @Test
    void aReceiverThatAcceptsButNeverAnswersIsCutOffAtTheDeadline() throws Exception {
        try (var silent = new ServerSocket(0, 8, LOOPBACK)) {
            var held = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (IOException e) {
                    return null;
                }
            });
            assertThatThrownBy(() -> post(
                            new PinnedPost(),
                            "http://r.example:" + silent.getLocalPort() + "/",
                            List.of(LOOPBACK),
                            SHORT))
                    .isInstanceOf(TimeoutException.class);
            Socket s = held.get(5, TimeUnit.SECONDS);
            if (s != null) s.close();
        }
    }

    @Test
    void interimAnswersAreSkippedAndAnAnswerThatIsNotHttpIsAnError() throws IOException {
        assertThat(PinnedPost.status(
                        stream("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")))
                .isEqualTo(201);
        assertThat(PinnedPost.status(stream("HTTP/1.0 410 Gone\nX: y\n\n"))).isEqualTo(410);
        for (String bad : List.of(
                "SSH-2.0-OpenSSH_9.6\r\n", "HTTP/1.1 20 OK\r\n\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.1 200 OK\r\nX: y")) {
            assertThatThrownBy(() -> PinnedPost.status(stream(bad))).as(bad).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> PinnedPost.status(stream("HTTP/1.1 200 " + "x".repeat(PinnedPost.MAX_LINE) + "\r\n")))
                .hasMessageContaining("too long");
    }

    /**
     * TLS to a pinned address: the certificate is for receiver.example and the connection goes to
     * 127.0.0.1; it is verified against the URL's host, so another name is refused.
     */
    @Test
    void tlsVerifiesTheCertificateAgainstTheUrlsHostNotTheAddress() throws Exception {
        Path ks = dir.resolve("receiver.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "receiver",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=receiver.example",
                        "-ext",
                        "SAN=dns:receiver.example",
                        "-validity",
                        "2",
                        "-keystore",
                        ks.toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(out).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);

        HttpsServer https = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 8);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/", this::handle);
        https.start();
        server = https;
        var http = new PinnedPost(clientTls.getSocketFactory());

        assertThat(post(http, "https://receiver.example:" + port() + "/tls", List.of(LOOPBACK)))
                .isEqualTo(204);
        assertThat(seen).containsExactly("POST /tls host=receiver.example:" + port() + " sig=v1=ab body={\"a\":1}");
        assertThatThrownBy(() -> post(http, "https://elsewhere.example:" + port() + "/tls", List.of(LOOPBACK)))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(
                        () -> post(new PinnedPost(), "https://receiver.example:" + port() + "/tls", List.of(LOOPBACK)))
                .as("a certificate the default trust store does not know")
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(seen).hasSize(1);
    }

    private static InputStream stream(String s) {
        return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
