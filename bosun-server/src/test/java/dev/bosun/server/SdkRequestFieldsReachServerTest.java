package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.client.BosunClient;
import dev.bosun.client.BosunClientException;
import dev.bosun.json.Json;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.CreateWebhook;
import dev.bosun.wire.EndSession;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.RegisterAgent;
import dev.bosun.wire.RouteRequest;
import dev.bosun.wire.SendEvent;
import dev.bosun.wire.Terminate;
import dev.bosun.wire.WireJson;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Walks every request schema of openapi.json and proves that each of its fields can be set through
 * the Java SDK and reaches a real server on loopback: the SDK is pointed at a recording relay in front
 * of the server, each field is set on the SDK's request record (built from the schema's property name,
 * so a record without that property cannot pass), and the test sees the field in the bytes the server
 * received, the server accept it, and the server act on it (the answer echoes it, or the stored state
 * or the server's refusal shows it was read). This is the check that would have caught
 * {@code SessionConfig.sandbox(...)} being dropped by the SDK (issue 15).
 */
class SdkRequestFieldsReachServerTest extends ServerHarness {
    /** Request schemas with no SDK call, and why. */
    private static final Map<String, String> NOT_SDK_CALLS = Map.of(
            "RouteRequestCompat",
                    "the fleet-h1-router's own POST /route, served for that router's clients; RouteRequest is the SDK's",
            "RegisterAgentCompat", "the fleet-h1-router's own POST /register/agent; RegisterAgent is the SDK's");

    private HttpServer relay;
    private final AtomicReference<Exchange> last = new AtomicReference<>();
    private BosunClient client;

    /** One request as the server received it, and its answer. */
    record Exchange(String method, String path, JsonNode body, int status, JsonNode answer) {}

    /** One SDK call: the record type it sends, a valid request without the field, and the call. */
    record Call(Class<? extends Record> type, ObjectNode base, BiConsumer<BosunClient, Record> send) {}

    @AfterEach
    void closeRelay() {
        if (client != null) client.close();
        if (relay != null) relay.stop(0);
    }

    @Test
    void everyFieldOfEveryRequestSchemaIsSentByTheSdkAndReadByTheServer() throws Exception {
        start(l -> l.set("webhook_private_targets", true));
        startRelay();
        client = BosunClient.builder(
                        URI.create("http://127.0.0.1:" + relay.getAddress().getPort()))
                .timeout(Duration.ofSeconds(30))
                .retries(0)
                .build();
        client.registerAgent("coder", List.of("compilation"));
        client.registerAgent("writer", List.of("compilation", "publishing"));

        Map<String, Call> calls = calls();
        JsonNode schemas = openApi().at("/components/schemas");
        Set<String> requestSchemas = requestSchemas(openApi());
        Set<String> covered = new TreeSet<>(calls.keySet());
        covered.addAll(NOT_SDK_CALLS.keySet());
        assertThat(covered)
                .as("every request schema has an SDK call here or a reason it has none")
                .isEqualTo(requestSchemas);

        List<String> checked = new ArrayList<>();
        for (String schema : calls.keySet()) {
            Call call = calls.get(schema);
            for (var it = schemas.get(schema).get("properties").fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode value = sample(schema, field);
                ObjectNode json = call.base().deepCopy();
                // The fallback only shows when no agent has every required capability.
                if (schema.equals("RouteRequest") && field.equals("fallback"))
                    json.putArray("required_capabilities").add("gpu");
                json.set(field, value);
                Record request =
                        WireJson.read(json, call.type()); // the SDK's record, with the field set by its wire name
                String what = schema + "." + field;
                last.set(null);
                observe(schema, field, value, () -> call.send().accept(client, request), what);
                checked.add(what);
            }
        }
        assertThat(checked).as("fields walked").hasSizeGreaterThan(30).contains("CreateSession.sandbox");
    }

    /** Sends, then checks the field on the wire, and that the server acted on it. */
    private void observe(String schema, String field, JsonNode value, Runnable send, String what) {
        if (schema.equals("CreateSession") && field.equals("sandbox")) {
            // Read by the server: a profile with a fixed runtime refuses another one, naming the field (D88).
            assertThatThrownBy(send::run).as(what).isInstanceOfSatisfying(BosunClientException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.details().get("field")).asString().startsWith("sandbox");
            });
            assertThat(last.get().body().get(field)).as(what + " on the wire").isEqualTo(value);
            return;
        }
        send.run();
        Exchange x = last.get();
        assertThat(x).as(what + " reached the server").isNotNull();
        assertThat(x.body().get(field))
                .as(what + " in the body the server received")
                .isEqualTo(value);
        assertThat(x.status() / 100).as(what + " accepted").isEqualTo(2);
        JsonNode echoed = echo(schema, field, x);
        assertThat(echoed).as(what + " acted on by the server").isEqualTo(value);
    }

    /** Where the server's answer or state shows the field: its own property, or what it turned into. */
    private JsonNode echo(String schema, String field, Exchange x) {
        JsonNode a = x.answer();
        return switch (schema + "." + field) {
            case "CompleteTask.outcome" -> a.get("status");
            case "Terminate.reason" -> a.get("error");
            case "SendEvent.event_type", "SendEvent.payload" -> {
                String session = x.path().split("/")[3];
                var r = client.poll(session, a.get("seq").asLong() - 1, 1, Duration.ZERO);
                JsonNode e = WireJson.tree(r.events().get(0));
                yield e.get(field);
            }
            case "RouteRequest.required_capabilities" ->
                a.get("capability_match_score").asDouble() == 1.0
                                && a.get("agent_id").asText().equals("coder")
                        ? Json.MAPPER.valueToTree(List.of("compilation"))
                        : a;
            case "RouteRequest.prefer_agents" ->
                Json.MAPPER.valueToTree(List.of(a.get("agent_id").asText()));
            case "RouteRequest.fallback" ->
                a.get("capability_match_score").asDouble() < 1.0 ? Json.MAPPER.valueToTree("any") : a;
            default -> a.get(field);
        };
    }

    private Map<String, Call> calls() {
        var m = new java.util.LinkedHashMap<String, Call>();
        m.put(
                "CreateSession",
                new Call(
                        CreateSession.class,
                        obj("{\"name\":\"n\",\"agent_id\":\"a\"}"),
                        (c, r) -> c.createSession((CreateSession) r)));
        m.put(
                "AddTask",
                new Call(AddTask.class, obj("{\"name\":\"t\"}"), (c, r) -> c.addTask(newSession(c), (AddTask) r)));
        m.put("CompleteTask", new Call(CompleteTask.class, obj("{\"outcome\":\"success\"}"), (c, r) -> {
            String s = newSession(c);
            c.addTask(s, new AddTask("t1", "t", null, null, null));
            c.completeTask(s, "t1", (CompleteTask) r);
        }));
        m.put(
                "EndSession",
                new Call(
                        EndSession.class,
                        obj("{\"outcome\":\"success\"}"),
                        (c, r) -> c.endSession(newSession(c), (EndSession) r)));
        m.put("Terminate", new Call(Terminate.class, obj("{}"), (c, r) -> c.terminate(newSession(c), (Terminate) r)));
        m.put(
                "SendEvent",
                new Call(
                        SendEvent.class,
                        obj("{\"event_type\":\"input\",\"payload\":{}}"),
                        (c, r) -> c.send(newSession(c), (SendEvent) r)));
        m.put(
                "RegisterAgent",
                new Call(
                        RegisterAgent.class,
                        obj("{\"agent_id\":\"reader\",\"capabilities\":[]}"),
                        (c, r) -> c.registerAgent((RegisterAgent) r)));
        m.put(
                "RouteRequest",
                new Call(
                        RouteRequest.class,
                        obj("{\"task_id\":\"r1\",\"required_capabilities\":[]}"),
                        (c, r) -> c.route((RouteRequest) r)));
        m.put(
                "CreateWebhook",
                new Call(
                        CreateWebhook.class,
                        obj("{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"*\"]}"),
                        (c, r) -> c.createWebhook((CreateWebhook) r)));
        return m;
    }

    private static int sessions;

    private static String newSession(BosunClient c) {
        return c.createSession(CreateSession.of("s" + (++sessions), "a")).sessionId();
    }

    /** A valid value for each field that differs from the server's default, so acting on it shows. */
    private static JsonNode sample(String schema, String field) {
        String v = switch (schema + "." + field) {
            case "CreateSession.name", "AddTask.name" -> "\"probe-name\"";
            case "CreateSession.agent_id" -> "\"probe-agent\"";
            case "CreateSession.tags" -> "[\"h1\",\"probe\"]";
            case "CreateSession.metadata" -> "{\"build\":42,\"exact\":1.10}";
            case "CreateSession.profile" -> "\"echo\"";
            case "CreateSession.idle_timeout_seconds" -> "600";
            case "CreateSession.ttl_seconds" -> "7200";
            case "CreateSession.max_tasks" -> "7";
            case "CreateSession.task_timeout_seconds" -> "90";
            case "CreateSession.scout_room" -> "\"probe-room\"";
            case "CreateSession.emit_tiles" -> "false";
            case "CreateSession.sandbox" -> "{\"runtime\":\"docker\"}"; // with the base's profile left out: see observe
            case "AddTask.task_id" -> "\"probe-task\"";
            case "AddTask.data" -> "{\"x\":[1,2.50,\"y\"]}";
            case "AddTask.priority" -> "\"critical\"";
            case "AddTask.required_capabilities" -> "[\"research\"]";
            case "CompleteTask.outcome" -> "\"failed\"";
            case "CompleteTask.duration_ms" -> "1234";
            case "CompleteTask.result", "SendEvent.payload" -> "{\"ok\":true,\"n\":3.0}";
            case "CompleteTask.error", "EndSession.error" -> "\"probe error\"";
            case "EndSession.outcome" -> "\"timeout\"";
            case "Terminate.reason" -> "\"probe reason\"";
            case "SendEvent.event_type" -> "\"probe_type\"";
            case "RegisterAgent.agent_id" -> "\"probe-agent\"";
            case "RegisterAgent.capabilities" -> "[\"llvm\",\"publishing\"]";
            case "RouteRequest.task_id" -> "\"probe-route\"";
            case "RouteRequest.required_capabilities" -> "[\"compilation\"]";
            case "RouteRequest.prefer_agents" -> "[\"writer\"]";
            case "RouteRequest.fallback" -> "\"any\"";
            case "CreateWebhook.url" -> "\"http://127.0.0.1:9/probe\"";
            case "CreateWebhook.events" -> "[\"session_ended\",\"error\"]";
            case "CreateWebhook.secret" -> "\"probe-secret-0123456789\"";
            default ->
                throw new AssertionError("no sample value for " + schema + "." + field
                        + ": a new request field needs one here, and a way the test can see the server read it");
        };
        try {
            return Json.parse(v);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode obj(String json) {
        try {
            return (ObjectNode) Json.parse(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode openApi() throws Exception {
        try (InputStream in = SdkRequestFieldsReachServerTest.class.getResourceAsStream("/openapi.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    private static Set<String> requestSchemas(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        for (JsonNode path : doc.get("paths")) {
            for (JsonNode op : path) {
                JsonNode ref = op.at("/requestBody/content/application~1json/schema/$ref");
                if (!ref.isMissingNode())
                    out.add(ref.asText().substring(ref.asText().lastIndexOf('/') + 1));
            }
        }
        return out;
    }

    /** A relay on loopback that forwards to the server and keeps the last write it passed on. */
    private void startRelay() throws Exception {
        HttpClient forward = HttpClient.newHttpClient();
        relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        relay.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            var b = HttpRequest.newBuilder(URI.create(server.url().toString() + ex.getRequestURI()))
                    .method(
                            ex.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : List.of("Content-Type", "Idempotency-Key", "Authorization", "Accept")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) b.header(h, v);
            }
            HttpResponse<byte[]> r;
            try {
                r = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.sendResponseHeaders(502, -1);
                return;
            }
            if (ex.getRequestMethod().equals("POST") && body.length > 0) {
                last.set(new Exchange(
                        ex.getRequestMethod(),
                        ex.getRequestURI().getPath(),
                        Json.MAPPER.readTree(body),
                        r.statusCode(),
                        r.body().length == 0 ? Json.object() : Json.MAPPER.readTree(r.body())));
            }
            r.headers()
                    .firstValue("Content-Type")
                    .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) ex.getResponseBody().write(r.body());
            ex.close();
        });
        relay.start();
    }
}
