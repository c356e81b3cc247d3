package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FaultLedger;
import dev.bosun.json.Json;
import dev.bosun.mailbox.Workspace;
import dev.bosun.server.auth.ApiKeys;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Long-poll and SSE: wake-ups, resume after a dropped connection, the stream cap. */
class StreamsTest extends ServerHarness {

    /** Reads SSE events (id, data) from a stream until {@code n} events arrived or the stream ends. */
    static List<JsonNode> readEvents(BufferedReader in, int n) throws Exception {
        var out = new ArrayList<JsonNode>();
        String line;
        String data = null;
        while (out.size() < n && (line = in.readLine()) != null) {
            if (line.startsWith("data: ")) data = line.substring(6);
            else if (line.isEmpty() && data != null) {
                out.add(Json.parse(data));
                data = null;
            }
        }
        return out;
    }

    InputStream openStream(String id, String lastEventId) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(server.url() + "/v1/sessions/" + id + "/events/stream"))
                .GET();
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        return r.body();
    }

    @Test
    void sseResumesAfterADroppedConnectionWithNothingMissedOrRepeated() throws Exception {
        start();
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        for (int i = 0; i < 5; i++)
            post("/v1/sessions/" + id + "/events", "{\"event_type\":\"n\",\"payload\":" + i + "}");
        var seen = new ArrayList<Long>();
        InputStream first = openStream(id, null);
        var reader = new BufferedReader(new InputStreamReader(first, StandardCharsets.UTF_8));
        for (JsonNode e : readEvents(reader, 4)) seen.add(e.get("seq").asLong());
        first.close(); // the connection drops mid-stream
        for (int i = 5; i < 8; i++)
            post("/v1/sessions/" + id + "/events", "{\"event_type\":\"n\",\"payload\":" + i + "}");
        InputStream second = openStream(id, Long.toString(seen.get(seen.size() - 1)));
        reader = new BufferedReader(new InputStreamReader(second, StandardCharsets.UTF_8));
        for (JsonNode e : readEvents(reader, 5)) seen.add(e.get("seq").asLong());
        assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        post("/v1/sessions/" + id + "/terminate", null);
        List<JsonNode> tail = readEvents(reader, 10);
        assertThat(tail).extracting(e -> e.get("event_type").asText()).containsExactly("session_ended");
        assertThat(reader.readLine()).isNull(); // the server closed the stream after the end
        second.close();
    }

    /** A shutdown tells open streams to reconnect (SSE {@code retry:}) and ends them, rather than cutting them. */
    @Test
    void aShutdownEndsOpenStreamsWithARetryField() throws Exception {
        start();
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        var reader = new BufferedReader(new InputStreamReader(openStream(id, null), StandardCharsets.UTF_8));
        assertThat(readEvents(reader, 1))
                .extracting(e -> e.get("event_type").asText())
                .containsExactly("session_started");
        var closing = java.util.concurrent.CompletableFuture.runAsync(server::close);
        var rest = new ArrayList<String>();
        for (String line; (line = reader.readLine()) != null; ) rest.add(line);
        closing.get(30, java.util.concurrent.TimeUnit.SECONDS);
        server = null;
        assertThat(rest).as("the stream's last lines before it ended").contains("retry: 1000");
        assertThat(rest.get(rest.size() - 1)).as("the last frame is complete").isEmpty();
        assertThat(rest.stream().filter(l -> l.startsWith("data: ")))
                .as("no event after the cursor was lost")
                .isEmpty();
    }

    @Test
    void sseSendsKeepAlivesAndAcceptsAfterAsQuery() throws Exception {
        start();
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/sessions/" + id + "/events/stream?after=1"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        var reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        var lines = new ArrayList<String>();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until && lines.stream().noneMatch(l -> l.equals(": keep-alive")))
            lines.add(reader.readLine());
        assertThat(lines).contains(": keep-alive"); // the test server's heartbeat is 300 ms
        r.body().close();
        assertThat(get("/v1/sessions/" + id + "/events/stream?after=7").status())
                .isEqualTo(400);
    }

    @Test
    void aLongPollWakesOnASend() throws Exception {
        start();
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        var waiting = CompletableFuture.supplyAsync(() -> get("/v1/sessions/" + id + "/events?after=1&wait=20"));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        long t0 = System.nanoTime();
        post("/v1/sessions/" + id + "/events", "{\"event_type\":\"wake\",\"payload\":1}");
        Res r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5)); // woken, not timed out
        assertThat(r.json().at("/events/0/event_type").asText()).isEqualTo("wake");
        assertThat(get("/metrics").text()).contains("bosun_wake_seconds_count{kind=\"long_poll\"}");
    }

    @Test
    void aLongPollWakesOnAWorkersOutboxFile() throws Exception {
        start();
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\",\"profile\":\"echo\"}");
        // wait for the worker's own `ready` so that the only new event is the one written below
        long cursor = org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> {
                            JsonNode p = get("/v1/sessions/" + id + "/events?after=0")
                                    .json();
                            return p.get("events")
                                            .findValuesAsText("event_type")
                                            .contains("ready")
                                    ? p.get("next_cursor").asLong()
                                    : null;
                        },
                        java.util.Objects::nonNull);
        var waiting =
                CompletableFuture.supplyAsync(() -> get("/v1/sessions/" + id + "/events?after=" + cursor + "&wait=20"));
        Thread.sleep(200);
        Workspace ws = Workspace.at(dataDir, id);
        var tmp = ws.outbox().resolve("from-worker.tmp");
        Files.writeString(tmp, "{\"event_type\":\"note\",\"text\":\"hi\"}");
        long t0 = System.nanoTime();
        Files.move(tmp, ws.outbox().resolve("from-worker.json"), StandardCopyOption.ATOMIC_MOVE);
        Res r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.json().at("/events/0/event_type").asText()).isEqualTo("note");
    }

    @Test
    @Tag("faults")
    void aTenantAtItsCapGets429WhileAnotherTenantStillStreams() throws Exception {
        start(l -> l.set("api_keys", List.of("a:" + ApiKeys.sha256("key-a"), "b:" + ApiKeys.sha256("key-b")))
                .set("max_streams", 10)
                .set("max_streams_per_tenant", 2));
        apiKey = "key-a";
        String mine = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        apiKey = "key-b";
        String theirs = createSession("{\"name\":\"s\",\"agent_id\":\"b\"}");
        var held = new ArrayList<RawHttp>();
        try {
            held.add(rawStream(mine, "key-a"));
            held.add(rawStream(mine, "key-a"));
            apiKey = "key-a";
            Res refused = get("/v1/sessions/" + mine + "/events?after=1&wait=5");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().at("/error/details/field").asText()).isEqualTo("max_streams_per_tenant");
            held.add(rawStream(theirs, "key-b")); // another tenant still streams
            apiKey = "key-b";
            assertThat(get("/v1/sessions/" + theirs + "/events?after=1&wait=0.1")
                            .status())
                    .isEqualTo(200);
        } finally {
            for (RawHttp h : held) h.close();
        }
    }

    /**
     * Clients that vanish (reset, nothing more read or sent) hold their slots only until the next
     * keep-alive write fails: at the default keep-alive, well before a client that retries gives up.
     */
    @Test
    @Tag("faults")
    void vanishedStreamClientsFreeTheirSlotsWithinSeconds() throws Exception {
        start(l -> l.set("max_streams", 5).set("sse_keepalive", "3s"));
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        var clients = new ArrayList<RawHttp>();
        for (int i = 0; i < 5; i++) clients.add(rawStream(id, null));
        assertThat(get("/v1/sessions/" + id + "/events?after=1&wait=0.1").status())
                .as("every slot is held")
                .isEqualTo(429);
        for (RawHttp c : clients) c.vanish();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        get("/v1/sessions/" + id + "/events?after=1&wait=0.1").status() == 200);
        // and all of them: five new streams fit again
        var again = new ArrayList<RawHttp>();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try {
                        again.add(rawStream(id, null));
                    } catch (AssertionError refused) {
                        return false;
                    }
                    return again.size() == 5;
                });
        for (RawHttp c : again) c.close();
    }

    /** An SSE stream opened on a raw socket, read up to its first comment: the server holds its slot. */
    RawHttp rawStream(String id, String key) throws Exception {
        FaultLedger.inputs(1);
        var raw = new RawHttp(server.port());
        raw.send("GET /v1/sessions/" + id + "/events/stream?after=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n");
        String head = raw.readHeaders();
        if (!head.startsWith("HTTP/1.1 200")) {
            raw.close();
            throw new AssertionError("stream refused: " + head);
        }
        return raw;
    }

    @Test
    @Tag("faults")
    void theStreamCapRefusesWith429() throws Exception {
        start(l -> l.set("max_streams", 1));
        String id = createSession("{\"name\":\"s\",\"agent_id\":\"a\"}");
        InputStream open = openStream(id, null);
        FaultLedger.inputs(2); // the stream that fills the cap, the long-poll past it
        Res refused = get("/v1/sessions/" + id + "/events?after=1&wait=5");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(get("/v1/sessions/" + id + "/events?after=0").status()).isEqualTo(200); // plain polls are not capped
        open.close();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        get("/v1/sessions/" + id + "/events?after=1&wait=0.1").status() == 200);
    }
}
