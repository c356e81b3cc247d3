package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A web page in a local browser must not be able to drive a keyless Bosun: no form or text/plain
 * posts, no DNS-rebound Host, no cross-site Origin that CORS does not allow.
 */
class BrowserGuardTest extends ServerHarness {
    static final String CREATE = "{\"name\":\"x\",\"agent_id\":\"a\"}";

    Res send(String method, String path, String body, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            return new Res(r.statusCode(), json ? Json.parse(r.body()) : null, r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bodiesMustBeDeclaredJson() {
        start();
        for (String type : List.of(
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/json; charset=latin1",
                "application/jsonp")) {
            Res r = send("POST", "/v1/sessions", CREATE, "Content-Type", type);
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(r.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo("Content-Type");
            assertThat(r.json().at("/error/details/rule").asText()).isEqualTo("application/json");
        }
        Res untyped = send("POST", "/v1/sessions", CREATE);
        assertThat(untyped.status()).as("a body without a Content-Type").isEqualTo(415);
        assertThat(manager.active()).as("nothing refused was created").isEmpty();

        assertThat(send("POST", "/v1/sessions", CREATE, "Content-Type", "application/json")
                        .status())
                .isEqualTo(201);
        assertThat(send("POST", "/v1/sessions", CREATE, "Content-Type", "Application/JSON;charset=UTF-8")
                        .status())
                .isEqualTo(201);
        String id = createSession(CREATE);
        assertThat(send("POST", "/v1/sessions/" + id + "/heartbeat", null).status())
                .as("no body, no type")
                .isEqualTo(200);
        Res formTerminate = send(
                "POST", "/v1/sessions/" + id + "/terminate", "", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(formTerminate.status()).as("an empty form post").isEqualTo(415);
        assertThat(manager.get(id).status().isLive()).isTrue();
    }

    @Test
    void aForeignHostIsRefusedLoopbackAndAllowedNamesAreServed() throws Exception {
        start(l -> l.set("allowed_hosts", "bosun.internal"));
        int port = server.port();
        String rebound = RawHttp.exchange(
                port,
                "POST /v1/sessions HTTP/1.1\r\nHost: evil.example:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + CREATE.length()
                        + "\r\nConnection: close\r\n\r\n" + CREATE);
        assertThat(RawHttp.status(rebound)).isEqualTo(403);
        var err = Json.parseTrusted(RawHttp.body(rebound));
        assertThat(err.at("/error/code").asText()).isEqualTo("FORBIDDEN");
        assertThat(err.at("/error/details/field").asText()).isEqualTo("Host");
        assertThat(err.at("/error/details/rule").asText()).isEqualTo("allowed_hosts");
        assertThat(manager.active()).isEmpty();
        assertThat(RawHttp.status(RawHttp.exchange(
                        port, "GET /metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")))
                .as("even public routes: a rebound page must not read them")
                .isEqualTo(403);

        for (String host : List.of(
                "127.0.0.1:" + port,
                "localhost:" + port,
                "LOCALHOST",
                "127.0.0.2",
                "[::1]:" + port,
                "app.localhost",
                "bosun.internal:" + port)) {
            String ok = RawHttp.exchange(
                    port, "GET /v1/sessions HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(RawHttp.status(ok)).as(host).isEqualTo(200);
        }
    }

    @Test
    void withKeysAndNoAllowedHostsAnyHostIsServed() throws Exception {
        start(l -> l.set("api_keys", List.of("t:" + dev.bosun.server.auth.ApiKeys.sha256("k"))));
        String ok = RawHttp.exchange(
                server.port(),
                "GET /v1/sessions HTTP/1.1\r\nHost: bosun.example.com\r\n"
                        + "Authorization: Bearer k\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(ok)).isEqualTo(200);
    }

    @Test
    void aCrossSiteOriginIsRefusedUnlessCorsAllowsIt() {
        start(l -> l.set("cors_origins", List.of("https://console.example.com")));
        Res evil = send(
                "POST", "/v1/sessions", CREATE, "Content-Type", "application/json", "Origin", "https://evil.example");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.code()).isEqualTo("FORBIDDEN");
        assertThat(evil.json().at("/error/details/field").asText()).isEqualTo("Origin");
        assertThat(evil.json().at("/error/details/rule").asText()).isEqualTo("cors_origins");
        assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
        assertThat(send("POST", "/v1/sessions", CREATE, "Content-Type", "application/json", "Origin", "null")
                        .status())
                .as("an opaque origin (a sandboxed frame, a file)")
                .isEqualTo(403);
        assertThat(manager.active()).isEmpty();

        String self = server.url().toString();
        assertThat(send("POST", "/v1/sessions", CREATE, "Content-Type", "application/json", "Origin", self)
                        .status())
                .as("same origin")
                .isEqualTo(201);

        String console = "https://console.example.com";
        Res preflight = send(
                "OPTIONS",
                "/v1/sessions",
                null,
                "Origin",
                console,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "content-type, authorization");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(console);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST", "DELETE");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type", "Authorization");
        Res allowed = send("POST", "/v1/sessions", CREATE, "Content-Type", "application/json", "Origin", console);
        assertThat(allowed.status()).isEqualTo(201);
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(console);
        Res evilPreflight = send(
                "OPTIONS",
                "/v1/sessions",
                null,
                "Origin",
                "https://evil.example",
                "Access-Control-Request-Method",
                "POST");
        assertThat(evilPreflight.status()).isEqualTo(403);
        assertThat(evilPreflight.header("Access-Control-Allow-Origin")).isNull();
    }
}
