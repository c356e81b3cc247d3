package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.server.http.Api;
import dev.bosun.server.http.ApiErrors;
import dev.bosun.server.http.RouteTable.Route;
import dev.bosun.server.http.WireMapping;
import dev.bosun.session.EndReason;
import dev.bosun.session.LogStream;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskStatus;
import dev.bosun.tile.TileKind;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holds the served {@code /openapi.json} to the running server: the same routes, the request fields
 * the routes accept and require, the Java enums' wire values, and real responses that fit the schemas.
 */
class OpenApiTest extends ServerHarness {
    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    JsonNode doc;
    Shapes shapes;
    /** Every JSON answer checked against its schema is also read into its wire record and written again. */
    final RecordRoundTrip roundTrip = new RecordRoundTrip();

    /**
     * With the fleet-h1-router's bare paths on, so that the route table holds every route the document
     * describes; one agent, so that the documented routing examples can be routed; and private webhook
     * targets allowed, so that the documented webhook example is accepted without resolving its host.
     */
    @BeforeEach
    void up() {
        start(l -> l.set("fleet_compat_paths", true).set("webhook_private_targets", true));
        assertThat(post("/v1/agents", "{\"agent_id\":\"researcher\",\"capabilities\":[\"research\",\"summarize\"]}")
                        .status())
                .isEqualTo(201);
        Res r = get("/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).as("/openapi.json is served as JSON").isNotNull();
        doc = r.json();
        shapes = new Shapes(doc);
    }

    @Test
    void isAnOpenApi31Document() {
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.at("/info/title").isTextual()).isTrue();
        assertThat(doc.at("/info/version").asText()).isEqualTo("0.1.0");
        var ids = new HashSet<String>();
        for (Route route : documentedRoutes()) {
            String id = operation(route).path("operationId").asText();
            assertThat(id).as("operationId of %s", route).isNotEmpty();
            assertThat(ids.add(id)).as("operationId %s is unique", id).isTrue();
        }
    }

    @Test
    void documentsExactlyTheRoutesTheServerServes() {
        assertThat(server.routes()).doesNotHaveDuplicates();
        assertThat(documentedRoutes())
                .as("documented routes (actual) against served routes (expected)")
                .containsExactlyInAnyOrderElementsOf(server.routes());
        // The recorder is only as good as its coverage: nothing may be registered on Javalin around it.
        Set<Route> javalin = server.javalin().unsafe.internalRouter.allHttpHandlers().stream()
                .map(p -> p.endpoint)
                .filter(e -> e.method.isHttpMethod())
                .map(e -> new Route(e.method.name(), e.path))
                .collect(Collectors.toSet());
        assertThat(javalin)
                .as("routes Javalin serves (actual) against routes recorded by RouteTable (expected)")
                .containsExactlyInAnyOrderElementsOf(server.routes());
    }

    @Test
    void everyRefResolves() {
        var refs = new TreeSet<String>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).as("local $ref").startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode())
                    .as("$ref %s resolves", ref)
                    .isFalse();
        }
    }

    @Test
    void requestBodiesDeclareExactlyTheFieldsTheRoutesAccept() {
        var withBody = new HashSet<Route>();
        for (Route route : server.routes()) {
            JsonNode body = operation(route).path("requestBody");
            Set<String> accepted = Api.requestFields().get(route);
            if (accepted == null) {
                assertThat(body.isMissingNode())
                        .as("%s reads no JSON body, so documents none", route)
                        .isTrue();
                continue;
            }
            withBody.add(route);
            JsonNode schema = requestSchema(route);
            assertThat(fieldNames(schema.get("properties")))
                    .as("properties of the %s body", route)
                    .isEqualTo(accepted);
            assertThat(schema.path("additionalProperties").isBoolean()
                            && !schema.get("additionalProperties").asBoolean())
                    .as("%s refuses unknown fields, so its schema has additionalProperties: false", route)
                    .isTrue();
        }
        assertThat(withBody).isEqualTo(Api.requestFields().keySet());
    }

    /**
     * {@link Api#requestFields()} is kept by hand, so the server is asked which routes really read a
     * JSON body: those refuse an unknown field by name, the others ignore it. An ended session keeps
     * every route quick (the stream closes, nothing waits).
     */
    @Test
    void exactlyTheRoutesWithFieldSetsReadABody() {
        String id = createSession("{\"name\":\"probe\",\"agent_id\":\"probe\"}");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"probe\"}")
                        .status())
                .isEqualTo(201);
        assertThat(post("/v1/sessions/" + id + "/terminate", null).status()).isEqualTo(200);
        for (Route route : server.routes()) {
            String path = route.path()
                    .replace("{id}", id)
                    .replace("{task_id}", "t1")
                    .replace("{agent_id}", "nobody")
                    .replace("{delivery_id}", "whd_nobody");
            Res r = call(route.method(), path, "{\"bogus_field\":1}");
            boolean read = r.status() == 400
                    && r.json() != null
                    && r.json().at("/error/details/field").asText().equals("bogus_field");
            assertThat(read)
                    .as("%s reads a JSON body? answered %s: %s", route, r.status(), r.text())
                    .isEqualTo(Api.requestFields().containsKey(route));
        }
    }

    /**
     * The server is asked: the schema's example is accepted, so is the example cut down to the
     * required fields (nothing else is required), and leaving out any required field is a 400
     * naming it (each is really required).
     */
    @Test
    void requiredFieldsAreExactlyTheOnesTheServerRequires() {
        for (Route route : Api.requestFields().keySet()) {
            JsonNode schema = requestSchema(route);
            ObjectNode example = (ObjectNode) schema.path("examples").path(0);
            assertThat(example.isObject()).as("%s has an example body", route).isTrue();
            assertThat(shapes.violations(schema, example, route.toString())).isEmpty();
            assertThat(fieldNames(example))
                    .as("the %s example shows every field", route)
                    .isEqualTo(fieldNames(schema.get("properties")));
            Set<String> required = new LinkedHashSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));

            assertThat(send(route, example).status())
                    .as("%s accepts its example", route)
                    .isBetween(200, 299);
            ObjectNode minimal = example.deepCopy();
            minimal.retain(required);
            Res ok = send(route, minimal);
            assertThat(ok.status())
                    .as("%s with only %s: %s", route, required, ok.text())
                    .isBetween(200, 299);
            for (String field : required) {
                ObjectNode without = example.deepCopy();
                without.remove(field);
                Res bad = send(route, without);
                assertThat(bad.status())
                        .as("%s without %s: %s", route, field, bad.text())
                        .isEqualTo(400);
                assertThat(bad.json().at("/error/details/field").asText()).isEqualTo(field);
            }
        }
    }

    @Test
    void enumsAreTheWireValuesOfTheJavaEnums() {
        assertEnum("SessionStatus", SessionStatus.values(), SessionStatus::wire);
        assertEnum("SessionOutcome", SessionOutcome.values(), SessionOutcome::value);
        assertEnum("EndReason", EndReason.values(), EndReason::code);
        assertEnum("TaskPriority", TaskPriority.values(), TaskPriority::value);
        assertEnum("TaskStatus", TaskStatus.values(), TaskStatus::value);
        assertEnum("TaskOutcome", TaskOutcome.values(), TaskOutcome::value);
        assertEnum("Direction", Direction.values(), Direction::value);
        assertEnum("ErrorCode", ErrorCode.values(), ErrorCode::name);
        assertEnum("DeliveryState", DeliveryState.values(), DeliveryState::wire);
        assertEnum(
                "TileKind",
                TileKind.values(),
                k -> WireMapping.tileKind(k.eventType()).wire());
        assertThat(strings(doc.at("/components/schemas/CheckpointEventType/enum")))
                .as("webhook event types")
                .isEqualTo(Stream.concat(SystemEvents.CHECKPOINTS.stream(), Stream.of(Webhook.ALL))
                        .collect(Collectors.toSet()));
        JsonNode stream = parameter(new Route("GET", "/v1/sessions/{id}/logs"), "stream");
        assertThat(strings(stream.at("/schema/enum")))
                .isEqualTo(Arrays.stream(LogStream.values())
                        .map(s -> s.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.toSet()));
    }

    /** What the auth filter does to every route behind it (auth, rate limit, store) must show on every such route. */
    @Test
    void securityAndCommonErrorsAreDocumentedPerRoute() {
        assertThat(doc.at("/components/securitySchemes/bearerAuth/type").asText())
                .isEqualTo("http");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText())
                .isEqualTo("bearer");
        Set<String> statuses = Arrays.stream(ErrorCode.values())
                .map(c -> Integer.toString(ApiErrors.status(c)))
                .collect(Collectors.toSet());
        for (Route route : server.routes()) {
            JsonNode op = operation(route);
            JsonNode responses = op.get("responses");
            // answered in front of every route: a malformed request, a refused Host or Origin, a URI or headers too
            // large
            assertThat(fieldNames(responses))
                    .as("%s documents the edge's errors", route)
                    .contains("400", "403", "414", "431");
            if (Api.authenticated(route.path()) && !route.method().equals("GET")) {
                assertThat(fieldNames(responses))
                        .as("%s documents the media-type rule", route)
                        .contains("413", "415");
            }
            if (Api.authenticated(route.path())) {
                assertThat(op.get("security"))
                        .as("%s needs a key", route)
                        .isEqualTo(Json.parseTrusted("[{\"bearerAuth\":[]}]"));
                assertThat(fieldNames(responses))
                        .as("%s documents the filter's errors", route)
                        .contains("401", "429", "500", "503");
                assertThat(shapes.resolve(responses.get("429")).has("headers")).isTrue();
                assertThat(shapes.resolve(responses.get("429")).get("headers").has("Retry-After"))
                        .as("%s 429 Retry-After", route)
                        .isTrue();
                for (String status : fieldNames(responses)) {
                    if (status.startsWith("2")) continue;
                    assertThat(statuses)
                            .as("%s: %s is a status some error code maps to", route, status)
                            .contains(status);
                }
            } else {
                assertThat(op.get("security")).as("%s is public", route).isEqualTo(Json.parseTrusted("[]"));
            }
        }
    }

    /** Every route is called for real; each answer's status, media type and body must be the documented ones. */
    @Test
    void realResponsesFitTheirSchemas() {
        var called = new HashSet<Route>();
        conform(called, "GET", "/healthz", "/healthz", null);
        conform(called, "GET", "/readyz", "/readyz", null);
        conform(called, "GET", "/metrics", "/metrics", null);
        conform(called, "GET", "/openapi.json", "/openapi.json", null);

        String id = conform(
                        called,
                        "POST",
                        "/v1/sessions",
                        "/v1/sessions",
                        "{\"name\":\"research\",\"agent_id\":\"oracle1\",\"tags\":[\"h1\"],\"metadata\":{\"team\":\"a\"},\"profile\":\"echo\"}")
                .json()
                .get("session_id")
                .asText();
        String s = "/v1/sessions/" + id;
        String plain = createSession("{\"name\":\"plain\",\"agent_id\":\"a\"}");
        conform(called, "GET", "/v1/sessions", "/v1/sessions?limit=1", null);
        conform(called, "GET", "/v1/sessions/{id}", s, null);
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/events",
                s + "/events",
                "{\"event_type\":\"input\",\"payload\":{\"q\":1}}");
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/emit",
                s + "/emit",
                "{\"event_type\":\"thought\",\"payload\":\"hmm\"}");
        conform(called, "GET", "/v1/sessions/{id}/events", s + "/events?after=0", null);
        conform(called, "GET", "/v1/sessions/{id}/events", s + "/events?after=1&limit=1&wait=0.2", null);
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/tasks",
                s + "/tasks",
                "{\"task_id\":\"t1\",\"name\":\"analyze\",\"data\":{\"x\":1},\"priority\":\"high\",\"required_capabilities\":[\"research\"]}");
        conform(called, "POST", "/v1/sessions/{id}/tasks", s + "/tasks", "{\"name\":\"second\"}");
        conform(called, "GET", "/v1/sessions/{id}/tasks", s + "/tasks?active=true", null);
        conform(called, "GET", "/v1/sessions/{id}/tasks/{task_id}", s + "/tasks/t1", null);
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/tasks/{task_id}/complete",
                s + "/tasks/t1/complete",
                "{\"outcome\":\"success\",\"duration_ms\":2340,\"result\":{\"found\":5}}");
        conform(called, "GET", "/v1/sessions/{id}/tasks", s + "/tasks", null);
        conform(called, "POST", "/v1/sessions/{id}/heartbeat", s + "/heartbeat", null);
        conform(called, "GET", "/v1/sessions/{id}/logs", s + "/logs?stream=stderr&max_bytes=100", null);

        // errors are answers too
        conform(called, "GET", "/v1/sessions/{id}", "/v1/sessions/sess_nope", null);
        conform(called, "POST", "/v1/sessions", "/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"bogus\":1}");
        conform(called, "GET", "/v1/sessions/{id}/logs", "/v1/sessions/" + plain + "/logs", null);
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/tasks/{task_id}/complete",
                s + "/tasks/t1/complete",
                "{\"outcome\":\"failed\"}");
        conform(called, "GET", "/v1/sessions/{id}/events", s + "/events?wait=-1", null);

        conform(called, "POST", "/v1/sessions/{id}/end", s + "/end", "{\"outcome\":\"success\"}");
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/events",
                s + "/events",
                "{\"event_type\":\"late\",\"payload\":null}");
        Res sse = conform(called, "GET", "/v1/sessions/{id}/events/stream", s + "/events/stream?after=0", null);
        JsonNode event = doc.at("/components/schemas/Event");
        List<String> data = sse.text()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(data).as("the stream of an ended session sends its log").isNotEmpty();
        for (String d : data) {
            assertThat(shapes.violations(event, Json.parseTrusted(d), "sse data"))
                    .isEmpty();
            assertThat(roundTrip.problems(Json.object().put("$ref", "#/components/schemas/Event"), d, "sse data"))
                    .isEmpty();
        }
        conform(
                called,
                "POST",
                "/v1/sessions/{id}/terminate",
                "/v1/sessions/" + plain + "/terminate",
                "{\"reason\":\"operator\"}");
        conform(
                called,
                "DELETE",
                "/v1/sessions/{id}",
                "/v1/sessions/" + createSession("{\"name\":\"d\",\"agent_id\":\"a\"}"),
                null);
        conform(called, "GET", "/v1/sessions", "/v1/sessions?outcome=cancelled&name=d&order=oldest&profile=echo", null);
        conform(called, "GET", "/v1/stats", "/v1/stats", null);

        fleetResponsesFitTheirSchemas(called);
        deliveryResponsesFitTheirSchemas(called, id);

        assertThat(called).as("every documented route was called").isEqualTo(documentedRoutes());
        assertThat(roundTrip.tripped)
                .as("every documented answer's record had a real answer round-tripped through it")
                .containsAll(RecordRoundTrip.documented(doc, shapes))
                .contains("Event");
    }

    /** The fleet routes, the fleet-h1-router contract's included, answering and failing. */
    private void fleetResponsesFitTheirSchemas(Set<Route> called) {
        conform(
                called,
                "POST",
                "/v1/agents",
                "/v1/agents",
                "{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\",\"llvm\"]}");
        conform(
                called,
                "POST",
                "/v1/agents",
                "/v1/agents",
                "{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\"]}");
        conform(called, "POST", "/v1/agents", "/v1/agents", "{\"agent_id\":\"coder\",\"capabilities\":[\"\"]}");
        conform(
                called,
                "POST",
                "/v1/fleet/register/agent",
                "/v1/fleet/register/agent",
                "{\"agent_id\":\"writer\",\"capabilities\":[\"publishing\"]}");
        conform(called, "POST", "/register/agent", "/register/agent", "{\"agent_id\":\"doomed\",\"capabilities\":[]}");
        conform(called, "GET", "/v1/agents", "/v1/agents", null);
        conform(called, "GET", "/v1/agents/{agent_id}", "/v1/agents/coder", null);
        conform(called, "GET", "/v1/agents/{agent_id}", "/v1/agents/ghost", null);
        conform(called, "DELETE", "/v1/agents/{agent_id}", "/v1/agents/doomed", null);
        conform(called, "DELETE", "/v1/agents/{agent_id}", "/v1/agents/doomed", null);
        conform(
                called,
                "POST",
                "/v1/route",
                "/v1/route",
                "{\"task_id\":\"r1\",\"required_capabilities\":[\"compilation\"]}");
        conform(
                called,
                "POST",
                "/v1/route",
                "/v1/route",
                "{\"task_id\":\"r2\",\"required_capabilities\":[\"gpu\"],\"fallback\":\"any\"}");
        conform(called, "POST", "/v1/route", "/v1/route", "{\"task_id\":\"r3\",\"required_capabilities\":[\"gpu\"]}");
        conform(
                called,
                "POST",
                "/v1/fleet/route",
                "/v1/fleet/route",
                "{\"task_id\":\"r4\",\"required_capabilities\":[\"publishing\"]}");
        conform(called, "POST", "/route", "/route", "{\"task_id\":\"r5\",\"required_capabilities\":[\"research\"]}");
        conform(called, "POST", "/route", "/route", "{\"task_id\":\"r5\"}");
        conform(called, "GET", "/v1/fleet/status", "/v1/fleet/status", null);
        conform(called, "GET", "/status", "/status", null);
        conform(called, "GET", "/agents", "/agents", null);
        Res snapshot = conform(called, "GET", "/v1/fleet/h1-snapshot", "/v1/fleet/h1-snapshot", null);
        assertThat(snapshot.json().get("edges"))
                .as("a snapshot after routing has edges to check")
                .isNotEmpty();
        conform(called, "GET", "/h1-snapshot", "/h1-snapshot", null);
        conform(called, "POST", "/v1/fleet/reset", "/v1/fleet/reset", null);
    }

    /**
     * Tiles and webhooks. Without a PLATO server the tiles are {@code local}, so a retry is the
     * documented 409 (TilesApiTest holds a retried tile's 200 to the schema); the subscription's URL
     * does not resolve, so its deliveries are pending with an error to show.
     */
    private void deliveryResponsesFitTheirSchemas(Set<Route> called, String sessionId) {
        Res hook = conform(
                called,
                "POST",
                "/v1/webhooks",
                "/v1/webhooks",
                "{\"url\":\"https://hooks.example.com/bosun\",\"events\":[\"*\"],\"secret\":\"a-long-random-shared-secret\"}");
        String w = "/v1/webhooks/" + hook.json().get("webhook_id").asText();
        conform(
                called,
                "POST",
                "/v1/webhooks",
                "/v1/webhooks",
                "{\"url\":\"ftp://hooks.example.com\",\"events\":[\"*\"]}");
        String later = createSession("{\"name\":\"hooked\",\"agent_id\":\"a\"}");
        assertThat(post("/v1/sessions/" + later + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get(w + "/deliveries").json().get("items").size() == 2);
        conform(called, "GET", "/v1/webhooks", "/v1/webhooks", null);
        conform(called, "GET", "/v1/webhooks/{id}", w, null);
        conform(called, "GET", "/v1/webhooks/{id}", "/v1/webhooks/wh_nope", null);
        Res deliveries = conform(called, "GET", "/v1/webhooks/{id}/deliveries", w + "/deliveries?limit=1", null);
        String delivery = deliveries.json().at("/items/0/delivery_id").asText();
        conform(called, "GET", "/v1/webhooks/{id}/deliveries", w + "/deliveries?state=sent", null);
        conform(
                called,
                "POST",
                "/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
                w + "/deliveries/" + delivery + "/retry",
                null);
        conform(
                called,
                "POST",
                "/v1/webhooks/{id}/deliveries/{delivery_id}/retry",
                w + "/deliveries/whd_nope/retry",
                null);
        conform(called, "DELETE", "/v1/webhooks/{id}", w, null);
        conform(called, "DELETE", "/v1/webhooks/{id}", w, null);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/v1/sessions/" + sessionId + "/tiles")
                                .json()
                                .get("items")
                                .size()
                        >= 4);
        Res tiles =
                conform(called, "GET", "/v1/sessions/{id}/tiles", "/v1/sessions/" + sessionId + "/tiles?limit=2", null);
        assertThat(tiles.json().get("has_more").asBoolean()).isTrue();
        conform(called, "GET", "/v1/sessions/{id}/tiles", "/v1/sessions/sess_nope/tiles", null);
        conform(called, "GET", "/v1/tiles", "/v1/tiles?state=local", null);
        conform(called, "GET", "/v1/tiles", "/v1/tiles?limit=0", null);
        String tile = tiles.json().at("/items/0/tile_id").asText();
        conform(called, "GET", "/v1/tiles/{id}", "/v1/tiles/" + tile, null);
        conform(called, "GET", "/v1/tiles/{id}", "/v1/tiles/tile_nope", null);
        conform(called, "POST", "/v1/tiles/{id}/retry", "/v1/tiles/" + tile + "/retry", null);
        conform(called, "POST", "/v1/tiles/resume", "/v1/tiles/resume", null);
    }

    // ---------------------------------------------------------------------------------------------

    /** Calls {@code path}, documented as {@code template}, and checks the answer against the document. */
    private Res conform(Set<Route> called, String method, String template, String path, String body) {
        Route route = new Route(method, template);
        called.add(route);
        Res r = call(method, path, body);
        assertThat(mismatches(route, path, r)).isEmpty();
        return r;
    }

    /** How an answer from {@code route} departs from the document: its status, media type and body. */
    private List<String> mismatches(Route route, String path, Res r) {
        var out = new java.util.ArrayList<String>();
        String method = route.method();
        JsonNode responses = operation(route).get("responses");
        String status = Integer.toString(r.status());
        String text = r.text().length() > 300 ? r.text().substring(0, 300) + "…" : r.text();
        if (!responses.has(status)) {
            out.add(method + " " + path + " answered " + status + ", which is not documented: " + text);
            return out;
        }
        JsonNode content = shapes.resolve(responses.get(status)).path("content");
        if (r.header("Content-Type") == null) {
            if (!content.isMissingNode())
                out.add(method + " " + path + " answered " + status + " without content; documented " + content);
            if (!r.text().isEmpty())
                out.add(method + " " + path + " answered " + status + " with a body but no Content-Type");
            return out;
        }
        String type = r.header("Content-Type").split(";")[0].strip();
        if (!content.has(type)) {
            out.add(method + " " + path + " answered " + status + " as " + type + "; documented "
                    + fieldNames(content));
        } else if (type.equals("application/json")) {
            out.addAll(
                    shapes.violations(content.get(type).get("schema"), r.json(), method + " " + path + " " + status));
            out.addAll(
                    roundTrip.problems(content.get(type).get("schema"), r.text(), method + " " + path + " " + status));
        }
        return out;
    }

    /**
     * Generated requests, most of them wrong, to every route: unknown, unsafe and over-long ids, every
     * documented query parameter with values of the wrong type or range, bodies of the wrong shape,
     * type or media type. Every answer must be one the document describes, with the described body.
     */
    @Test
    void generatedRequestsGetDocumentedAnswers() {
        String id = createSession("{\"name\":\"probe\",\"agent_id\":\"probe\"}");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"probe\"}")
                        .status())
                .isEqualTo(201);
        String hook = post("/v1/webhooks", "{\"url\":\"https://hooks.example.com/x\",\"events\":[\"*\"]}")
                .json()
                .get("webhook_id")
                .asText();
        String ended = createSession("{\"name\":\"ended\",\"agent_id\":\"probe\"}");
        assertThat(post("/v1/sessions/" + ended + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        List<String> ids =
                List.of("nope", "sess_nope", "x".repeat(300), "..%2F..", "%2e%2e", "%00", "%E2%80%AE", "a.b");
        List<String> values =
                List.of("", "abc", "-1", "0", "1.5", "99999999999999999999", "true", "%00", "1e9", "x".repeat(600));
        List<String> bodies = List.of(
                "{",
                "[]",
                "null",
                "\"text\"",
                "{}",
                "{\"bogus\":1}",
                "{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}");
        var wrong = new java.util.ArrayList<String>();
        int tried = 0;
        for (Route route : documentedRoutes()) {
            if (route.path().equals("/v1/fleet/reset")) continue; // wipes the graph other probes read; called above
            List<String> paths = concretePaths(route, id, ended, hook, ids);
            for (String path : paths) {
                // the first path is the one that exists: it gets every query and body; the others one plain call
                boolean main = path.equals(paths.get(0));
                List<String> queries = new java.util.ArrayList<>(List.of(""));
                if (main)
                    for (String q : queryParameters(route)) for (String v : values) queries.add("?" + q + "=" + v);
                for (String q : queries) {
                    for (String body : main && q.isEmpty()
                            ? bodyVariants(route, bodies)
                            : java.util.Collections.<String>singletonList(null)) {
                        String type =
                                body == null ? null : body.startsWith("TEXT:") ? "text/plain" : "application/json";
                        String b = body == null ? null : body.replaceFirst("^TEXT:", "");
                        Res r = callTyped(route.method(), path + q, b, type);
                        tried++;
                        wrong.addAll(mismatches(route, path + q, r));
                    }
                }
            }
        }
        assertThat(tried).isGreaterThan(500);
        assertThat(wrong)
                .as("%s of %s generated requests got undocumented answers", wrong.size(), tried)
                .isEmpty();
    }

    private List<String> concretePaths(Route route, String session, String ended, String hook, List<String> bad) {
        String p = route.path();
        var out = new java.util.ArrayList<String>();
        // a live session's stream never ends: the ended one's sends its log and closes
        String live = p.endsWith("/events/stream") ? ended : session;
        String good = p.replace(
                        "{id}", p.startsWith("/v1/webhooks") ? hook : p.startsWith("/v1/tiles") ? "tile_nope" : live)
                .replace("{task_id}", "t1")
                .replace("{agent_id}", "researcher")
                .replace("{delivery_id}", "whd_nope");
        out.add(good);
        if (p.contains("{id}") && p.startsWith("/v1/sessions"))
            out.add(p.replace("{id}", ended).replace("{task_id}", "t1"));
        for (String b : bad) {
            if (p.contains("{")) out.add(p.replaceAll("\\{[a-z_]+}", b));
        }
        return out;
    }

    private List<String> queryParameters(Route route) {
        var out = new java.util.ArrayList<String>();
        JsonNode item = doc.path("paths").path(route.path());
        for (JsonNode list : List.of(operation(route).path("parameters"), item.path("parameters"))) {
            for (JsonNode p : list) {
                JsonNode resolved = shapes.resolve(p);
                if (resolved.path("in").asText().equals("query"))
                    out.add(resolved.path("name").asText());
            }
        }
        return out;
    }

    /** No body, and for routes that read one: each shape in {@code bodies}, a wrong type per field, a text/plain one. */
    private List<String> bodyVariants(Route route, List<String> bodies) {
        var out = new java.util.ArrayList<String>();
        out.add(null);
        out.add("{\"big\":\"" + "x".repeat((int) config.server().maxRequestBytes()) + "\"}");
        if (!route.method().equals("GET")) out.add("TEXT:{}");
        if (!Api.requestFields().containsKey(route)) return out;
        out.addAll(bodies);
        JsonNode schema = requestSchema(route);
        ObjectNode example = (ObjectNode) schema.path("examples").path(0);
        out.add("TEXT:" + Json.write(example));
        for (String f : fieldNames(schema.get("properties"))) {
            for (JsonNode v : List.of(
                    Json.parseTrusted("123"),
                    Json.parseTrusted("\"s\""),
                    Json.parseTrusted("[1]"),
                    Json.parseTrusted("{\"k\":1}"),
                    Json.parseTrusted("true"),
                    Json.parseTrusted("-1"),
                    Json.parseTrusted("1e400"))) {
                ObjectNode b = example.deepCopy();
                b.set(f, v);
                out.add(Json.write(b));
            }
        }
        return out;
    }

    private Res callTyped(String method, String path, String body, String contentType) {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        try {
            var r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"))
                json = Json.parse(r.body());
            assertNoLeaks(r.body());
            return new Res(r.statusCode(), json, r.body(), r);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** Sends {@code body} to {@code route} on a fresh session (and task), so each probe starts from the same state. */
    private Res send(Route route, JsonNode body) {
        String path = route.path();
        if (path.contains("{id}")) {
            String id = createSession("{\"name\":\"probe\",\"agent_id\":\"probe\"}");
            path = path.replace("{id}", id);
            if (path.contains("{task_id}")) {
                Res t = post("/v1/sessions/" + id + "/tasks", "{\"name\":\"probe\"}");
                assertThat(t.status()).as(t.text()).isEqualTo(201);
                path = path.replace("{task_id}", t.json().get("task_id").asText());
            }
        }
        return call(route.method(), path, Json.write(body));
    }

    private Set<Route> documentedRoutes() {
        var out = new HashSet<Route>();
        doc.get("paths")
                .fields()
                .forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
                    if (HTTP_METHODS.contains(m)) out.add(new Route(m.toUpperCase(Locale.ROOT), p.getKey()));
                }));
        return out;
    }

    private JsonNode operation(Route route) {
        JsonNode op = doc.path("paths").path(route.path()).path(route.method().toLowerCase(Locale.ROOT));
        assertThat(op.isObject()).as("%s is documented", route).isTrue();
        return op;
    }

    private JsonNode requestSchema(Route route) {
        JsonNode schema = operation(route).at("/requestBody/content/application~1json/schema");
        assertThat(schema.isMissingNode()).as("%s documents a JSON body", route).isFalse();
        return shapes.resolve(schema);
    }

    /** A parameter by name: the operation's own, or the path item's. */
    private JsonNode parameter(Route route, String name) {
        JsonNode item = doc.path("paths").path(route.path());
        for (JsonNode list : List.of(operation(route).path("parameters"), item.path("parameters"))) {
            for (JsonNode p : list) {
                JsonNode resolved = shapes.resolve(p);
                if (resolved.path("name").asText().equals(name)) return resolved;
            }
        }
        throw new AssertionError(route + " documents no parameter " + name);
    }

    private <E extends Enum<E>> void assertEnum(String schema, E[] values, Function<E, String> wire) {
        JsonNode node = doc.at("/components/schemas/" + schema + "/enum");
        assertThat(node.isArray()).as("components.schemas.%s.enum", schema).isTrue();
        assertThat(strings(node))
                .as("the %s enum", schema)
                .isEqualTo(Arrays.stream(values).map(wire).collect(Collectors.toSet()));
        assertThat(node.size()).as("the %s enum has no duplicates", schema).isEqualTo(values.length);
    }

    private static Set<String> strings(JsonNode array) {
        var out = new HashSet<String>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static Set<String> fieldNames(JsonNode object) {
        var out = new TreeSet<String>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void collectRefs(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) out.add(e.getValue().asText());
                else collectRefs(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
