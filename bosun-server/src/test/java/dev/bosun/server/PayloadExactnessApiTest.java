package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.client.BosunClient;
import dev.bosun.client.EventSubscription;
import dev.bosun.client.SessionFilter;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.contract.FaultLedger;
import dev.bosun.contract.Fixtures;
import dev.bosun.contract.Services;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.store.Store;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 (items 4 and 11): the worst JSON value of each kind that the server accepts reads back
 * exactly through every read path (create answer, session get and listing, poll, long-poll, SSE,
 * task answers, list and get, the Java client), on SQLite and on PostgreSQL; one past each limit is
 * a 400 naming the field and the rule, and leaves the log as it was.
 */
@Tag("faults")
class PayloadExactnessApiTest {
    /** The ceiling an operator may set: the deepest value any server can hold. */
    static final int DEPTH = 512;

    static final int STRING_BYTES = 64 * 1024;
    static final int MESSAGE_BYTES = 256 * 1024;
    static final int KEYS = 10_000;

    @TempDir
    Path dataDir;

    BosunConfig config;
    Store store;
    SessionManager manager;
    BosunServer server;
    BosunClient client;
    PgUrl schema;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    void start(String kind) {
        ConfigLoader loader = Fixtures.loader(dataDir)
                .set("port", 0)
                .set("max_json_depth", DEPTH)
                .set("max_json_keys", KEYS)
                .set("max_json_string_bytes", STRING_BYTES)
                .set("max_message_bytes", MESSAGE_BYTES);
        if (kind.equals("postgres")) {
            PgUrl base = PgSchemas.testUrl();
            Services.require("PostgreSQL at " + base, PgSchemas.unreachable(base));
            schema = base.withSchema(PgSchemas.fresh("bosun_px"));
            loader.set("store_url", schema.connectionString());
        }
        config = loader.load();
        store = Stores.open(config);
        manager = SessionManager.builder(config).store(store).build();
        server = BosunServer.start(config, manager, Duration.ofMillis(300));
        client = BosunClient.builder(server.url())
                .timeout(Duration.ofSeconds(60))
                .retries(0)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) client.close();
        if (server != null) server.close();
        if (manager != null) manager.close();
        if (store != null) store.close();
        if (schema != null) PgSchemas.drop(schema);
    }

    // ------------------------------------------------------------------------- the worst values

    /** Each kind at its limit, as JSON text objects (metadata must be an object). */
    static Map<String, String> worst() {
        var w = new LinkedHashMap<String, String>();
        w.put("depth", "{\"a\":".repeat(DEPTH - 1) + "{}" + "}".repeat(DEPTH - 1));
        w.put("mixed_depth", "{\"a\":" + "[".repeat(DEPTH - 1) + "]".repeat(DEPTH - 1) + "}");
        var keys = new StringBuilder("{");
        for (int i = 0; i < KEYS; i++)
            keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        w.put("keys", keys.append('}').toString());
        w.put("string", "{\"s\":\"" + text(STRING_BYTES) + "\"}");
        // exactly max_message_bytes as stored: strings of at most STRING_BYTES each
        var size = new StringBuilder("{");
        int part = 0;
        while (true) {
            String head = (part == 0 ? "" : ",") + "\"p" + part + "\":\"";
            int room = MESSAGE_BYTES - (size.length() + head.length() + 2); // its closing quote and the final }
            if (room <= 0) break;
            size.append(head).append("x".repeat(Math.min(room, STRING_BYTES))).append('"');
            part++;
        }
        w.put("size", size.append('}').toString());
        w.put(
                "numbers",
                "{\"big\":1e400,\"Big\":1E+400,\"tiny\":-1e-400,\"long\":0.1000000000000000055511151231257827,"
                        + "\"scale\":1.10,\"zeros\":100.000,\"int\":123456789012345678901234567890123456789,\"neg0\":-0.0,\"negint0\":-0,"
                        + "\"lmin\":-9223372036854775808,\"lmax\":9223372036854775807,\"over\":9223372036854775808,"
                        + "\"exp\":[1E2,1e-7,0.0000001,5e-324,1.7976931348623157e309],\"digits\":" + "9".repeat(1000)
                        + "}");
        w.put(
                "unicode",
                "{\"nul\":\"a\\u0000b\",\"ctl\":\"\\u0001\\u001f\\u007f\\u0080\\u009f\",\"seps\":\"\\u2028\\u2029\","
                        + "\"bom\":\"\\ufeff\",\"nonchars\":\"\\ufffe\\uffff\\ufdd0\",\"pair\":\"\\ud83d\\ude00\",\"raw\":\"😀𝄞中é\","
                        + "\"\\u0000\":\"nul key\",\"\":\"empty key\",\"😀\":\"astral key\",\"/~\":\"pointer chars\","
                        + "\"escapes\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"combining\":\"e\\u0301\",\"max\":\"\\udbff\\udfff\"}");
        return w;
    }

    /** {@code bytes} bytes of UTF-8 mixing 1-, 2-, 3- and 4-byte characters. */
    static String text(int bytes) {
        var b = new StringBuilder();
        String[] units = {"a", "é", "中", "😀"};
        int n = 0;
        for (int i = 0; ; i++) {
            String u = units[i % units.length];
            int len = u.getBytes(StandardCharsets.UTF_8).length;
            if (n + len > bytes) break;
            b.append(u);
            n += len;
        }
        b.append("a".repeat(bytes - n));
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void theWorstAcceptedValueOfEachKindReadsBackExactlyThroughEveryPath(String kind) throws Exception {
        start(kind);
        for (var e : worst().entrySet()) {
            String canonical = Json.write(Json.parse(e.getValue()));
            String what = e.getKey();
            if (what.equals("size"))
                assertThat(canonical.getBytes(StandardCharsets.UTF_8)).hasSize(MESSAGE_BYTES);
            if (what.equals("string")) {
                assertThat(Json.parse(e.getValue()).get("s").textValue().getBytes(StandardCharsets.UTF_8))
                        .hasSize(STRING_BYTES);
            }
            readsBackEverywhere(what, e.getValue(), canonical);
        }
    }

    private void readsBackEverywhere(String what, String json, String canonical) throws Exception {
        Res created = call("POST", "/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\",\"metadata\":" + json + "}");
        assertThat(created.status).as(what + ": " + created.text).isEqualTo(201);
        String id = created.json.get("session_id").asText();
        same(what + " create", created, "/metadata", canonical);
        same(what + " get", call("GET", "/v1/sessions/" + id, null), "/metadata", canonical);
        Res page = call("GET", "/v1/sessions?limit=1000", null);
        JsonNode mine = null;
        for (JsonNode s : page.json.get("items"))
            if (s.get("session_id").asText().equals(id)) mine = s;
        assertThat(mine).as(what + " listed").isNotNull();
        assertThat(Json.write(mine.get("metadata"))).as(what + " listing").isEqualTo(canonical);
        assertThat(page.text).contains(canonical);

        // long-poll waiting for the send, then poll and SSE after it
        long before =
                call("GET", "/v1/sessions/" + id, null).json.get("last_seq").asLong();
        CompletableFuture<Res> longPoll = CompletableFuture.supplyAsync(
                () -> call("GET", "/v1/sessions/" + id + "/events?after=" + before + "&wait=30", null));
        Res sent = call("POST", "/v1/sessions/" + id + "/events", "{\"event_type\":\"in\",\"payload\":" + json + "}");
        assertThat(sent.status).as(what + ": " + sent.text).isEqualTo(202);
        long seq = sent.json.get("seq").asLong();
        same(what + " long-poll", longPoll.get(60, TimeUnit.SECONDS), "/events/0/payload", canonical);
        same(
                what + " poll",
                call("GET", "/v1/sessions/" + id + "/events?after=" + (seq - 1) + "&limit=1", null),
                "/events/0/payload",
                canonical);
        String data = sseData(id, seq - 1);
        assertThat(data).as(what + " sse").contains(canonical);
        assertThat(Json.write(Json.parse(data).get("payload")))
                .as(what + " sse")
                .isEqualTo(canonical);
        Res emitted = call("POST", "/v1/sessions/" + id + "/emit", "{\"event_type\":\"out\",\"payload\":" + json + "}");
        assertThat(emitted.status).as(what + ": " + emitted.text).isEqualTo(202);
        same(
                what + " poll out",
                call("GET", "/v1/sessions/" + id + "/events?after=" + seq + "&limit=1", null),
                "/events/0/payload",
                canonical);

        Res task = call(
                "POST", "/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"t\",\"data\":" + json + "}");
        assertThat(task.status).as(what + ": " + task.text).isEqualTo(201);
        same(what + " task created", task, "/data", canonical);
        Res done = call(
                "POST",
                "/v1/sessions/" + id + "/tasks/t1/complete",
                "{\"outcome\":\"success\",\"result\":" + json + "}");
        assertThat(done.status).as(what + ": " + done.text).isEqualTo(200);
        same(what + " task completed", done, "/result", canonical);
        Res got = call("GET", "/v1/sessions/" + id + "/tasks/t1", null);
        same(what + " task get data", got, "/data", canonical);
        same(what + " task get result", got, "/result", canonical);
        Res list = call("GET", "/v1/sessions/" + id + "/tasks", null);
        same(what + " task list data", list, "/items/0/data", canonical);
        same(what + " task list result", list, "/items/0/result", canonical);

        // the Java client reads as exactly as the server writes
        assertThat(Json.write(client.getSession(id).metadata()))
                .as(what + " client session")
                .isEqualTo(canonical);
        assertThat(client.listSessions(SessionFilter.ALL, Optional.empty(), 1000)
                        .items())
                .filteredOn(s -> s.sessionId().equals(id))
                .singleElement()
                .satisfies(s -> assertThat(Json.write(s.metadata()))
                        .as(what + " client listing")
                        .isEqualTo(canonical));
        List<dev.bosun.wire.Event> events =
                client.poll(id, seq - 1, 2, Duration.ZERO).events();
        assertThat(events)
                .hasSize(2)
                .allSatisfy(ev -> assertThat(Json.write(ev.payload()))
                        .as(what + " client poll")
                        .isEqualTo(canonical));
        try (EventSubscription sub = client.follow(id, seq - 1)) {
            assertThat(Json.write(sub.next().payload()))
                    .as(what + " client follow")
                    .isEqualTo(canonical);
        }
        assertThat(Json.write(client.getTask(id, "t1").data()))
                .as(what + " client task")
                .isEqualTo(canonical);
        assertThat(Json.write(client.tasks(id, false).get(0).result()))
                .as(what + " client tasks")
                .isEqualTo(canonical);
        // the client also sends exactly: a value it read is stored again unchanged
        long again = client.send(id, "again", client.getTask(id, "t1").data());
        assertThat(Json.write(client.poll(id, again - 1, 1, Duration.ZERO)
                        .events()
                        .get(0)
                        .payload()))
                .isEqualTo(canonical);
        manager.terminate(id, "checked");
    }

    /**
     * The case: before the limits, a body could be 1000 deep, so a payload 999, and every
     * answer embedding it failed Jackson's write bound. Such rows, already stored, now read back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aPayloadStoredDeeperThanTheLimitsBeforeThemStillReadsThroughPollLongPollAndSse(String kind) throws Exception {
        start(kind);
        String id = call("POST", "/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\"}")
                .json
                .get("session_id")
                .asText();
        String legacy = "[".repeat(999) + "]".repeat(999);
        Event e = store.append(new dev.bosun.store.NewEvent(
                id,
                dev.bosun.event.Direction.IN,
                "old",
                Json.parse(legacy),
                Optional.empty(),
                true,
                java.time.Instant.now()));
        String canonical = Json.write(Json.parse(legacy));
        same(
                "poll",
                call("GET", "/v1/sessions/" + id + "/events?after=" + (e.seq() - 1), null),
                "/events/0/payload",
                canonical);
        same(
                "long-poll",
                call("GET", "/v1/sessions/" + id + "/events?after=" + (e.seq() - 1) + "&wait=5", null),
                "/events/0/payload",
                canonical);
        assertThat(Json.write(Json.parse(sseData(id, e.seq() - 1)).get("payload")))
                .isEqualTo(canonical);
        assertThat(Json.write(client.poll(id, e.seq() - 1, 1, Duration.ZERO)
                        .events()
                        .get(0)
                        .payload()))
                .isEqualTo(canonical);
        assertThat(call("GET", "/v1/sessions?limit=10", null).status).isEqualTo(200);
    }

    // ---------------------------------------------------------------------- one past each limit

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void onePastEachLimitIsA400NamingFieldRuleAndPathAndChangesNothing(String kind) throws Exception {
        start(kind);
        String id = call("POST", "/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\"}")
                .json
                .get("session_id")
                .asText();
        long last = call("GET", "/v1/sessions/" + id, null).json.get("last_seq").asLong();
        var keys = new StringBuilder("{");
        for (int i = 0; i <= KEYS; i++)
            keys.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":0");
        record Case(String json, String rule, String path) {}
        List<Case> cases = List.of(
                new Case("{\"a\":" + "[".repeat(DEPTH) + "]".repeat(DEPTH) + "}", "max_json_depth", null),
                new Case("[" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "]", "max_json_depth", null),
                new Case(keys.append('}').toString(), "max_json_keys", ""),
                new Case("{\"x\":[\"" + text(STRING_BYTES + 1) + "\"]}", "max_json_string_bytes", "/x/0"),
                new Case("{\"" + "k".repeat(STRING_BYTES + 1) + "\":1}", "max_json_string_bytes", null),
                new Case("{\"a\":{\"b\":1,\"b\":1}}", "duplicate_key", "/a/b"),
                new Case("{\"s\":\"\\ud800\"}", "valid_unicode", "/s"),
                new Case("{\"s\":\"\\udc00\\ud800\"}", "valid_unicode", "/s"),
                new Case("{\"\\ude00\":1}", "valid_unicode", null),
                new Case("[" + "1".repeat(Json.MAX_NUMBER_CHARS + 1) + "]", "max_json_number_length", "/0"));
        for (Case c : cases) {
            for (String field : List.of("payload", "metadata", "data", "result")) {
                if (field.equals("metadata") && !c.json.startsWith("{")) continue;
                Res r = switch (field) {
                    case "payload" ->
                        call(
                                "POST",
                                "/v1/sessions/" + id + "/events",
                                "{\"event_type\":\"x\",\"payload\":" + c.json + "}");
                    case "metadata" ->
                        call("POST", "/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\",\"metadata\":" + c.json + "}");
                    case "data" ->
                        call("POST", "/v1/sessions/" + id + "/tasks", "{\"name\":\"t\",\"data\":" + c.json + "}");
                    default ->
                        call(
                                "POST",
                                "/v1/sessions/" + id + "/tasks/none/complete",
                                "{\"outcome\":\"success\",\"result\":" + c.json + "}");
                };
                String as = field + " " + c.rule + ": " + r.text.substring(0, Math.min(300, r.text.length()));
                assertThat(r.status).as(as).isEqualTo(400);
                assertThat(r.json.at("/error/code").asText()).as(as).isEqualTo("INVALID_ARGUMENT");
                assertThat(r.json.at("/error/details/field").asText()).as(as).isEqualTo(field);
                assertThat(r.json.at("/error/details/rule").asText()).as(as).isEqualTo(c.rule);
                assertThat(r.json.at("/error/message").asText())
                        .as(as)
                        .startsWith(field + " ")
                        .contains(c.rule);
                if (c.path != null && c.path.isEmpty())
                    assertThat(r.json.at("/error/details").has("path")).as(as).isFalse();
                if (c.path != null && !c.path.isEmpty())
                    assertThat(r.json.at("/error/details/path").asText()).as(as).isEqualTo(c.path);
            }
        }
        Res big = call(
                "POST",
                "/v1/sessions/" + id + "/events",
                "{\"event_type\":\"x\",\"payload\":[\"" + "x".repeat(STRING_BYTES) + "\","
                        + "\"x\",".repeat((MESSAGE_BYTES - STRING_BYTES) / 4 + 10) + "1]}");
        assertThat(big.status).as(big.text).isEqualTo(413);
        assertThat(big.json.at("/error/details/field").asText()).isEqualTo("payload");
        // a lone surrogate anywhere in a body is refused, not stored as '?'
        Res name = call("POST", "/v1/sessions", "{\"name\":\"half \\ud83d\",\"agent_id\":\"a\"}");
        assertThat(name.status).isEqualTo(400);
        assertThat(name.json.at("/error/details/field").asText()).isEqualTo("name");
        assertThat(name.json.at("/error/details/rule").asText()).isEqualTo("valid_unicode");
        Res dupTop =
                call("POST", "/v1/sessions/" + id + "/events", "{\"event_type\":\"x\",\"payload\":1,\"payload\":2}");
        assertThat(dupTop.json.at("/error/details/field").asText()).isEqualTo("payload");
        assertThat(dupTop.json.at("/error/details/rule").asText()).isEqualTo("duplicate_key");

        assertThat(call("GET", "/v1/sessions/" + id, null).json.get("last_seq").asLong())
                .isEqualTo(last);
        assertThat(call("GET", "/v1/sessions?limit=1000", null).json.get("items"))
                .hasSize(1);
        assertThat(call("GET", "/v1/sessions/" + id + "/tasks", null).json.get("items"))
                .isEmpty();
    }

    // ------------------------------------------------------------------------------- helpers

    record Res(int status, JsonNode json, String text) {}

    private static void same(String as, Res r, String pointer, String canonical) {
        assertThat(r.status)
                .as(as + ": " + r.text.substring(0, Math.min(300, r.text.length())))
                .isBetween(200, 299);
        assertThat(Json.write(r.json.at(pointer))).as(as).isEqualTo(canonical);
        // byte for byte in the answer as sent, not only once re-read
        assertThat(r.text).as(as + " (raw)").contains(canonical);
    }

    Res call(String method, String path, String body) {
        var b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (body != null) FaultLedger.inputs(1); // a worst accepted value, or one past a limit
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception:");
            return new Res(r.statusCode(), Json.parse(r.body()), r.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** The data of the first event SSE sends after {@code after}. */
    private String sseData(String id, long after) throws Exception {
        var req = HttpRequest.newBuilder(
                        URI.create(server.url() + "/v1/sessions/" + id + "/events/stream?after=" + after))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (var in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) return line.substring("data: ".length());
            }
        }
        throw new AssertionError("the stream ended before an event");
    }
}
