package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.server.ui.UiRoutes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's files as the server serves them at {@code /ui}, asked without a browser. */
class DashboardAssetsTest extends ServerHarness {
    @BeforeEach
    void up() {
        start();
    }

    HttpResponse<String> fetch(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void indexIsServedWithStrictHeaders() throws Exception {
        for (String path : List.of("/ui", "/ui/", "/ui/index.html")) {
            var r = fetch(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(header(r, "Content-Type")).as(path).startsWith("text/html");
            assertThat(r.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
            assertThat(header(r, "Content-Security-Policy"))
                    .isEqualTo(UiRoutes.CSP)
                    .contains("default-src 'self'")
                    .contains("script-src 'self'")
                    .doesNotContain("unsafe-inline")
                    .doesNotContain("unsafe-eval")
                    .contains("frame-ancestors 'none'");
            assertThat(header(r, "X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(header(r, "Cache-Control")).isEqualTo("no-cache");
            assertThat(header(r, "ETag")).matches("\"[A-Za-z0-9_-]{27}\"");
        }
        assertThat(fetch("/ui/app.js").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        assertThat(fetch("/ui/app.css").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/css");
    }

    @Test
    void theDashboardsRequestsAreLoggedUnderOneRouteNotAsUnmatched() throws Exception {
        try (var logs = new LogCapture()) {
            assertThat(fetch("/ui/app.js").statusCode()).isEqualTo(200);
            assertThat(fetch("/ui/").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> logs.lines().stream()
                                    .filter(j -> j.path("log.logger").asText().equals("bosun.access"))
                                    .count()
                            >= 2);
            assertThat(logs.lines())
                    .filteredOn(j -> j.path("log.logger").asText().equals("bosun.access"))
                    .extracting(j -> j.path("http.route").asText())
                    .containsOnly("/ui/*");
        }
    }

    @Test
    void aMatchingETagIsA304WithoutBody() throws Exception {
        var first = fetch("/ui/app.js");
        String etag = header(first, "ETag");
        assertThat(fetch("/ui/app.js").headers().firstValue("ETag")).contains(etag);

        var again = fetch("/ui/app.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(header(again, "ETag")).isEqualTo(etag);
        assertThat(fetch("/ui/app.js", "If-None-Match", "\"other\", " + etag).statusCode())
                .isEqualTo(304);
        assertThat(fetch("/ui/app.js", "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);
        assertThat(header(fetch("/ui/index.html"), "ETag"))
                .as("each file has its own tag")
                .isNotEqualTo(etag);
    }

    @Test
    void unknownPagesUnderUiFallBackToTheApp() throws Exception {
        String index = fetch("/ui/index.html").body();
        for (String path : List.of("/ui/sessions", "/ui/sessions/sess_01JABC", "/ui/fleet/", "/ui/deliveries")) {
            var r = fetch(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).isEqualTo(index);
            assertThat(header(r, "Content-Security-Policy")).isEqualTo(UiRoutes.CSP);
        }
        // the API keeps its own answers: no fallback outside /ui
        var api = fetch("/v1/nothing-here");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(header(api, "Content-Type")).startsWith("application/json");
        assertThat(fetch("/uix").statusCode()).isEqualTo(404);
        assertThat(fetch("/v1/sessions").statusCode())
                .as("the API, not the page")
                .isEqualTo(200);
        assertThat(header(fetch("/v1/sessions"), "Content-Type")).startsWith("application/json");
    }

    @Test
    void aMissingFileIsA404InTheErrorEnvelope() throws Exception {
        for (String path : List.of("/ui/nope.js", "/ui/views/nope.js", "/ui/app.exe", "/ui/views")) {
            var r = fetch(path);
            if (path.equals("/ui/views")) {
                // a folder of the app's files is no file: it is a page name, answered with the app
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("/ui/app.js");
                continue;
            }
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(header(r, "Content-Type")).startsWith("application/json");
            assertThat(r.body()).contains("\"NOT_FOUND\"");
        }
    }

    @Test
    void noPathLeavesTheUiFolder() throws Exception {
        int port = server.port();
        for (String path : List.of(
                "/ui/../pom.xml",
                "/ui/..%2fpom.xml",
                "/ui/%2e%2e/pom.xml",
                "/ui/%2E%2E%2Fpom.xml",
                "/ui/..%5cpom.xml",
                "/ui/.%2e/openapi.json",
                "/ui/%252e%252e/openapi.json",
                "/ui/..;/openapi.json",
                "/ui/.hidden.js",
                "/ui//etc/passwd.txt",
                "/ui/%00.js",
                "/ui/../../../../etc/passwd",
                "/ui/..%c0%af..%c0%afetc/passwd.txt",
                "/ui/views/../../openapi.json",
                "/ui/dev/bosun/server/BosunServer.class")) {
            String response =
                    RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            int status = RawHttp.status(response);
            String body = RawHttp.body(response);
            assertThat(body)
                    .as(path)
                    .doesNotContain("<project")
                    .doesNotContain("root:x:0")
                    .doesNotContain("\"openapi\"")
                    .doesNotContain("\tat ")
                    .doesNotContain(dataDir.toString());
            if (status == 200) {
                // a path Jetty canonicalised back into /ui may only ever be answered with the app itself
                assertThat(body).as(path).contains("/ui/app.js");
            } else {
                assertThat(status).as(path + ": " + response).isBetween(400, 404);
            }
        }
    }

    @Test
    void onlyGetAndHeadAreServed() throws Exception {
        var head = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/ui/app.js"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        Res post = call("POST", "/ui/app.js", "{}");
        assertThat(post.status()).isEqualTo(404);
        assertThat(post.code()).isEqualTo("NOT_FOUND");
    }
}
