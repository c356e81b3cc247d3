package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.contract.Fixtures;
import dev.bosun.json.Json;
import dev.bosun.store.sqlite.SqliteStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A real Bosun server on an ephemeral loopback port over a real SQLite store, and an HTTP client for it. */
abstract class ServerHarness {
    @TempDir
    Path dataDir;

    BosunConfig config;
    SqliteStore store;
    SessionManager manager;
    BosunServer server;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String apiKey;
    /** How the server resolves webhook hosts; a test may set its own before {@link #start}. */
    dev.bosun.delivery.HostResolver webhookResolver = dev.bosun.delivery.HostResolver.SYSTEM;

    /** The clock the server's rate limits refill by; a test that counts tokens stops it. */
    LongSupplier nanoTime = System::nanoTime;

    /** Starts the server; {@code change} adjusts the config loader (keys, limits). */
    void start(UnaryOperator<ConfigLoader> change) {
        config = change.apply(Fixtures.loader(dataDir).set("port", 0).set("sse_keepalive", "300ms"))
                .load();
        store = (SqliteStore) Stores.open(config); // as the server opens it: the disk reserve follows min_free_disk
        manager = SessionManager.builder(config)
                .store(store)
                .webhookResolver(webhookResolver)
                .build();
        server = BosunServer.start(config, manager, config.server().sseKeepAlive(), nanoTime);
    }

    void start() {
        start(l -> l);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (manager != null) {
            try {
                for (var s : manager.active()) manager.terminate(s.id(), "test over");
            } catch (dev.bosun.error.BosunException e) {
                // a test closed the store on purpose; its workers are stopped by the next start's reconciliation
            }
            manager.close();
        }
        if (store != null) store.close();
    }

    record Res(int status, JsonNode json, String text, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        String code() {
            return json.at("/error/code").asText();
        }
    }

    Res call(String method, String path, String body) {
        return call(method, path, body, apiKey);
    }

    Res call(String method, String path, String body, String key, String... headers) {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (headers.length > 0) b.headers(headers);
        if (key != null) b.header("Authorization", "Bearer " + key);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"))
                json = Json.parse(r.body());
            assertNoLeaks(r.body());
            return new Res(r.statusCode(), json, r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    Res get(String path) {
        return call("GET", path, null);
    }

    Res post(String path, String body) {
        return call("POST", path, body);
    }

    /** No response may carry a stack trace or a host path. */
    void assertNoLeaks(String body) {
        assertThat(body).doesNotContain("\tat ").doesNotContain("Exception:").doesNotContain(dataDir.toString());
    }

    String createSession(String json) {
        Res r = post("/v1/sessions", json);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("session_id").asText();
    }
}
