package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.json.Json;
import java.io.IOException;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What Jetty answers before Bosun's routes see a request (malformed lines, a URI or headers over
 * the limits) is the JSON error envelope too; and connections cannot be held by trickling headers.
 */
class ProtocolEdgeTest extends ServerHarness {

    static JsonNode envelope(String response) {
        assertThat(response).containsIgnoringCase("Content-Type: application/json");
        JsonNode body = Json.parseTrusted(RawHttp.body(response));
        assertThat(body.at("/error/code").isTextual()).as(response).isTrue();
        assertThat(body.at("/error/message").isTextual()).isTrue();
        assertThat(response).doesNotContainIgnoringCase("<html");
        return body;
    }

    @Test
    void jettysOwnRefusalsAreJsonEnvelopes() throws Exception {
        start();
        int port = server.port();
        String longUri = RawHttp.exchange(
                port,
                "GET /v1/sessions/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(longUri)).isEqualTo(414);
        assertThat(envelope(longUri).at("/error/code").asText()).isEqualTo("URI_TOO_LONG");

        String bigHeaders = RawHttp.exchange(
                port,
                "GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + "b".repeat(20_000)
                        + "\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(bigHeaders)).isEqualTo(431);
        assertThat(envelope(bigHeaders).at("/error/code").asText()).isEqualTo("HEADERS_TOO_LARGE");

        String badLine = RawHttp.exchange(
                port, "GET /v1/sessions HTTP/1.1 extra\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(badLine)).isEqualTo(400);
        assertThat(envelope(badLine).at("/error/code").asText()).isEqualTo("INVALID_ARGUMENT");

        String badEncoding =
                RawHttp.exchange(port, "GET /v1/sessions/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(badEncoding)).isEqualTo(400);
        envelope(badEncoding);

        // Jetty drops a connection after such a request: the answer must say so, or a client reuses it and fails
        String nul = RawHttp.exchange(port, "DELETE /v1/agents/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(RawHttp.status(nul)).isEqualTo(400);
        assertThat(nul).containsIgnoringCase("Connection: close");
        envelope(nul);

        String badHeader = RawHttp.exchange(
                port, "GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(badHeader)).isEqualTo(400);
        envelope(badHeader);
    }

    @Test
    void pathErrorsCausedByTheClientAreNever500() throws Exception {
        start();
        int port = server.port();
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        var wrong = new java.util.ArrayList<String>();
        for (String path : new String[] {
            "/v1/sessions/%u0041",
            "/v1/sessions/" + id + "/tasks/%u0041",
            "/v1/agents/%u0041",
            "/v1/sessions?limit=%zz",
            "/v1/sessions?after=%",
            "/v1/sessions/%00",
            "/v1/sessions/%C0%AF",
            "/v1/sessions/%ff",
            "/v1/sessions/a%2Fb",
            "/v1/sessions/" + "s".repeat(2000),
            "/v1/sessions/" + id + "/tasks/%00",
            "/v1/sessions/" + id + "/tasks/%ff",
            "/v1/tiles/%ff",
            "/v1/webhooks/%ff",
            "/v1/agents/%ff",
            "/v1/agents/" + "a".repeat(3000),
            "/v1/sessions/..%2F..",
            "/v1/sessions/%2e%2e",
            "/v1/sessions/" + id + "/events?after=99999999999999999999",
            "/v1/sessions/" + id + "/events?wait=1e999",
            "/v1/sessions/" + id + "/events/stream?after=%ff",
            "/v1/sessions/" + id + "/logs?max_bytes=-1",
            "/v1/tiles?limit=1e3"
        }) {
            String r =
                    RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            if (RawHttp.status(r) < 400 || RawHttp.status(r) > 499) wrong.add(path + " -> " + r);
            else envelope(r);
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void headersTricklingInAreCutOffAtTheHeaderTimeout() throws Exception {
        start(l -> l.set("http_header_timeout", "500ms").set("http_idle_timeout", "30s"));
        try (var slow = new RawHttp(server.port())) {
            var dribbling = new AtomicBoolean(true);
            // a byte every 100 ms: never idle, and the headers would take a minute to arrive
            var writer = CompletableFuture.runAsync(() -> {
                String head = "GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "x".repeat(600) + "\r\n\r\n";
                try {
                    for (int i = 0; i < head.length() && dribbling.get(); i++) {
                        slow.send(head.substring(i, i + 1));
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: what the test waits for
                }
            });
            int read;
            try {
                read = slow.socket
                        .getInputStream()
                        .read(); // blocks until the server answers or closes (20 s socket timeout)
            } catch (SocketException reset) {
                read = -1;
            }
            dribbling.set(false);
            writer.join();
            assertThat(read).as("the server closed the trickling connection").isEqualTo(-1);
        }
        assertThat(get("/v1/sessions").status())
                .as("a normal request is still served")
                .isEqualTo(200);
    }

    @Test
    void aLongPollOutlivesTheIdleTimeout() {
        start(l -> l.set("http_idle_timeout", "1s"));
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        Res r = get("/v1/sessions/" + id + "/events?after=1&wait=2.5");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("events")).isEmpty();
    }

    @Test
    void aRefusedBodyClosesTheConnectionAndSaysSo() throws Exception {
        start(l -> l.set("max_message_bytes", "4KiB").set("max_request_bytes", "16KiB"));
        try (var raw = new RawHttp(server.port())) {
            raw.send(
                    "POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{");
            String r = raw.readToClose();
            assertThat(RawHttp.status(r)).isEqualTo(413);
            assertThat(r).containsIgnoringCase("Connection: close");
        }
    }

    @Test
    void anIdleConnectionIsClosedAtTheIdleTimeout() throws Exception {
        start(l -> l.set("http_idle_timeout", "1s"));
        try (var idle = new RawHttp(server.port())) {
            idle.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(idle.readHeaders()).startsWith("HTTP/1.1 200");
            // the connection stays open for another request until the idle timeout closes it
            byte[] rest = idle.socket.getInputStream().readAllBytes();
            assertThat(new String(rest)).isEqualTo("{\"status\":\"ok\",\"version\":\"" + BuildInfo.version() + "\"}");
        }
    }
}
