package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Fixtures;
import dev.bosun.json.Json;
import dev.bosun.server.cli.Main;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code bosun serve} process gets a real SIGTERM while it holds an SSE stream, a long-poll and
 * a request whose body is still arriving: the stream gets a final {@code retry:}, the long-poll is
 * answered, new requests get 503 with {@code Retry-After} (health still answers) while the request in
 * flight holds the drain open, and the process exits with the drain logged.
 */
class ShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("Bosun listening on (http://\\S+) ");

    @TempDir
    Path dir;

    private Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) process.destroyForcibly();
    }

    @Test
    void sigtermDrainsStreamsLongPollsAndInFlightRequestsThenExits() throws Exception {
        Path log = dir.resolve("serve.log");
        var cmd = List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--port",
                "0");
        var pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("BOSUN_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("BOSUN_SHUTDOWN_GRACE", "60s");
        pb.environment().put("BOSUN_SSE_KEEPALIVE", "300ms");
        pb.environment().put("BOSUN_PROFILES", "{\"echo\":{\"command\":[\"sh\",\"" + Fixtures.echoWorker() + "\"]}}");
        process = pb.start();
        URI base = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            assertThat(process.isAlive())
                                    .as(Files.readString(log))
                                    .isTrue();
                            Matcher m = LISTENING.matcher(Files.readString(log));
                            return m.find() ? URI.create(m.group(1)) : null;
                        },
                        u -> u != null);

        String id = Json.parseTrusted(send(base, "POST", "/v1/sessions", "{\"name\":\"drain\",\"agent_id\":\"a\"}")
                        .body())
                .get("session_id")
                .asText();
        long last = Json.parseTrusted(
                        send(base, "GET", "/v1/sessions/" + id, null).body())
                .path("last_seq")
                .asLong();

        var sse = new CopyOnWriteArrayList<String>();
        CompletableFuture<Void> stream = http.sendAsync(
                        HttpRequest.newBuilder(base.resolve("/v1/sessions/" + id + "/events/stream"))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(sse::add));
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(
                HttpRequest.newBuilder(base.resolve("/v1/sessions/" + id + "/events?after=" + last + "&wait=25"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        String body =
                "{\"event_type\":\"input\",\"payload\":{\"text\":\"sent before the SIGTERM, finished after it\"}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket slow = new Socket(base.getHost(), base.getPort())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/sessions/" + id
                            + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, 0, 10);
            out.flush();
            // the stream, the long-poll, the slow request and this scrape are all inside the server
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(send(base, "GET", "/metrics", null).body())
                                    .contains("bosun_streams_open 2.0")
                                    .contains("bosun_http_in_flight 4.0"));

            process.destroy(); // SIGTERM

            stream.get(20, TimeUnit.SECONDS);
            assertThat(sse).as("the stream's last lines").contains("retry: 1000");
            HttpResponse<String> answered = poll.get(20, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(Json.parseTrusted(answered.body()).get("events")).isEmpty();

            HttpResponse<String> refused = send(base, "GET", "/v1/sessions/" + id, null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(Json.parseTrusted(refused.body()).at("/error/code").asText())
                    .isEqualTo("UNAVAILABLE");
            assertThat(send(base, "GET", "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(process.isAlive())
                    .as("the slow request holds the drain open")
                    .isTrue();

            out.write(bytes, 10, bytes.length - 10);
            out.flush();
            InputStream in = slow.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // The answer itself, not just a closed connection: the drain counts the request until Jetty
            // has sent its last byte, so the server cannot stop between the handler and the flush.
            assertThat(response).startsWith("HTTP/1.1 202");
            long seq = Json.parseTrusted(response.substring(response.indexOf("\r\n\r\n") + 4))
                    .get("seq")
                    .asLong();
            assertThat(seq).isGreaterThan(last);
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS))
                .as(Files.readString(log))
                .isTrue();
        assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
        String lines = Files.readString(log);
        assertThat(lines).contains("shutting down").contains("drained in");
        // the order of the node's own record: the slow request was answered, then the drain ended
        assertThat(lines.indexOf("POST /v1/sessions/{id}/events 202"))
                .as(lines)
                .isPositive()
                .isLessThan(lines.indexOf("drained in"));
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        var b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
