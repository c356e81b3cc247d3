package dev.bosun.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP remote router client against an in-test server that speaks the fleet-h1-router contract
 * ({@code POST /route}, {@code POST /register/agent}, {@code GET /status}, {@code GET /h1-snapshot}).
 * It stands in for a real fleet-h1-router, which cannot run here; each test gives it the answer, or
 * the misbehaviour, it needs.
 */
class HttpRemoteRouterTest {
    private static final Duration TIMEOUT = Duration.ofMillis(700);
    /** For calls whose answer is the point: a cold JVM on a loaded machine can take longer than TIMEOUT to send one. */
    private static final Duration PATIENT = Duration.ofSeconds(30);

    private record Request(String method, String path, String contentType, JsonNode body) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, HttpHandler> answers = new ConcurrentHashMap<>();
    private ExecutorService executor;
    private HttpServer server;
    private HttpRemoteRouter router;
    private HttpRemoteRouter quick;
    private String origin;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool(); // a handler that stalls must not hold up the next test's
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    in.length == 0 ? null : Json.parse(new String(in, StandardCharsets.UTF_8))));
            HttpHandler h = answers.get(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            if (h == null) send(exchange, 404, "application/json", "{\"detail\":\"Not Found\"}");
            else h.handle(exchange);
        });
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
        router = new HttpRemoteRouter(URI.create(origin), PATIENT);
        quick = new HttpRemoteRouter(URI.create(origin), TIMEOUT);
    }

    @AfterEach
    void stop() {
        router.close();
        quick.close();
        server.stop(0);
        executor.shutdownNow();
    }

    private void answer(String route, int status, String contentType, String body) {
        answers.put(route, exchange -> send(exchange, status, contentType, body));
    }

    private void answerJson(String route, JsonNode body) {
        answer(route, 200, "application/json", Json.write(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    private static ObjectNode decision() {
        return Json.object()
                .put("agent_id", "coder-2")
                .put("task_id", "compile")
                .put("h1_before", 2)
                .put("h1_after", 3)
                .put("confidence", 0.7)
                .put("emergence_risk", 0.3)
                .put("capability_match_score", 1.0)
                .put("reasoning", "coder-2 keeps the graph thin");
    }

    // ---- the contract, answered correctly ----

    @Test
    void aDecisionIsSentAndParsed() {
        answerJson("POST /route", decision());
        RemoteDecision d = router.route("compile", List.of("compilation", "llvm"));
        assertThat(d).isEqualTo(new RemoteDecision("coder-2", 2, 3, 0.7, 0.3, 1.0, "coder-2 keeps the graph thin"));
        Request r = requests.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/route");
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.body())
                .isEqualTo(Json.object()
                        .put("task_id", "compile")
                        .set("required_capabilities", Json.MAPPER.valueToTree(List.of("compilation", "llvm"))));
    }

    @Test
    void aDecisionWithoutReasoningSaysWhoMadeIt() {
        ObjectNode d = decision();
        d.remove("reasoning");
        d.put("h1_after", 3.0); // an int written as a float is still an int
        answerJson("POST /route", d);
        RemoteDecision decided = router.route("compile", List.of());
        assertThat(decided.reasoning()).isEqualTo("routed by the remote router at " + origin);
        assertThat(decided.h1After()).isEqualTo(3);
    }

    @Test
    void theReferencesAnswerWhenItHasNoAgentIsADecisionForNobody() {
        // fleet-h1-router 0.1.0 with an empty registry: 200, agent_id "", confidence 0.0, β₁ unchanged (C = 1)
        answerJson(
                "POST /route",
                Json.object()
                        .put("agent_id", "")
                        .put("task_id", "compile")
                        .put("h1_before", 0)
                        .put("h1_after", 0)
                        .put("confidence", 0.0)
                        .put("emergence_risk", 0.0)
                        .put("capability_match_score", 1.0)
                        .put("reasoning", "No agents available"));
        RemoteDecision d = router.route("compile", List.of("x"));
        assertThat(d.noAgent()).isTrue();
        assertThat(d.reasoning()).isEqualTo("No agents available");
    }

    @Test
    void theRegistryIsReadFromGetAgents() {
        answer(
                "GET /agents",
                200,
                "application/json",
                "[{\"agent_id\": \"oracle1\", \"capabilities\": [\"plato\", "
                        + "\"coordination\"], \"n_tasks\": 2}, {\"agent_id\": \"ccc\", \"capabilities\": [], \"n_tasks\": 0}]");
        assertThat(router.agents())
                .containsExactly(
                        new RemoteRouter.RegisteredAgent("oracle1", List.of("plato", "coordination")),
                        new RemoteRouter.RegisteredAgent("ccc", List.of()));
        answer("GET /agents", 200, "application/json", "{\"agents\": []}");
        assertThat(unavailable(() -> router.agents(), "bad_answer").getMessage())
                .contains("something other than a JSON array");
        answer("GET /agents", 200, "application/json", "[{\"agent_id\": \"x\"}]");
        assertThat(unavailable(() -> router.agents(), "bad_answer").getMessage())
                .contains("without a capabilities array");
    }

    @Test
    void registrationIsForwardedWithTheAgentAndItsCapabilities() {
        answerJson("POST /register/agent", Json.object().put("status", "registered"));
        router.registerAgent("coder-2", List.of("compilation", "llvm"));
        answers.put("POST /register/agent", exchange -> send(exchange, 204, "text/plain", "")); // no body is fine too
        router.registerAgent("writer", List.of());
        assertThat(requests).extracting(Request::path).containsExactly("/register/agent", "/register/agent");
        assertThat(requests.get(0).body())
                .isEqualTo(Json.object()
                        .put("agent_id", "coder-2")
                        .set("capabilities", Json.MAPPER.valueToTree(List.of("compilation", "llvm"))));
        assertThat(requests.get(1).body())
                .isEqualTo(Json.object().put("agent_id", "writer").set("capabilities", Json.MAPPER.createArrayNode()));
    }

    @Test
    void statusAndSnapshotArePassedThroughAsAnswered() {
        ObjectNode status = Json.object()
                .put("n_agents", 3)
                .put("n_tasks", 5)
                .put("n_edges", 7)
                .put("n_vertices", 8)
                .put("h1_dimension", -2)
                .put("n_components", 1)
                .put("description", "a thin graph")
                .put("emergence_detected", false)
                .put("margin", -6);
        ObjectNode snapshot = Json.object().put("h1", 0);
        snapshot.putArray("edges").addArray().add("a").add("t");
        answerJson("GET /status", status);
        answerJson("GET /h1-snapshot", snapshot);
        assertThat(router.status()).isEqualTo(status);
        assertThat(router.snapshot()).isEqualTo(snapshot);
        assertThat(requests).extracting(Request::method).containsExactly("GET", "GET");
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() {
        router.close();
        router = new HttpRemoteRouter(URI.create(origin + "/fleet/"), PATIENT);
        answerJson("POST /fleet/route", decision());
        assertThat(router.route("compile", List.of("x")).agentId()).isEqualTo("coder-2");
        assertThat(requests.get(0).path()).isEqualTo("/fleet/route");
    }

    // ---- every way the router can fail ----

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (var down = new HttpRemoteRouter(URI.create("http://127.0.0.1:" + closed + "/base"), TIMEOUT)) {
            var e = unavailable(() -> down.route("compile", List.of("x")), "refused");
            assertThat(e.getMessage())
                    .isEqualTo("remote router at http://127.0.0.1:" + closed + " (POST /route): connection refused");
            assertThat(e.details()).containsEntry("router_url", "http://127.0.0.1:" + closed);
            unavailable(down::status, "refused");
            unavailable(() -> down.registerAgent("a", List.of("x")), "refused");
        }
    }

    @Test
    void aRouterThatNeverAnswersTimesOutInTime() {
        answers.put("POST /route", exchange -> sleep(Duration.ofSeconds(10)));
        var e = within(
                TIMEOUT.plusSeconds(1), () -> unavailable(() -> quick.route("compile", List.of("x")), "timeout"));
        assertThat(e.getMessage()).contains("within 700ms");
    }

    @Test
    void aSocketThatAcceptsAndStaysSilentTimesOutInTime() throws IOException {
        // Never accept()ed: the kernel completes the handshake from the backlog and nobody ever reads.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                var r = new HttpRemoteRouter(URI.create("http://127.0.0.1:" + silent.getLocalPort()), TIMEOUT)) {
            within(TIMEOUT.plusSeconds(1), () -> unavailable(r::snapshot, "timeout"));
        }
    }

    @Test
    void aBodyThatStallsHalfWayTimesOutInTime() {
        answers.put("POST /route", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write("{\"agent_id\":".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            sleep(Duration.ofSeconds(10));
        });
        within(TIMEOUT.plusSeconds(1), () -> unavailable(() -> quick.route("compile", List.of("x")), "timeout"));
    }

    @Test
    void aConnectionDroppedMidAnswerIsUnavailable() {
        answers.put("POST /route", exchange -> {
            exchange.sendResponseHeaders(200, 1000); // promises 1000 bytes, sends a few, then the connection goes
            exchange.getResponseBody().write("{\"agent_id\":\"coder".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            exchange.close();
        });
        var e = within(TIMEOUT, () -> unavailable(() -> quick.route("compile", List.of("x")), "dropped"));
        assertThat(e.getMessage()).endsWith("(POST /route): the connection broke before a complete answer arrived");
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsUnavailable() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread closer = Thread.ofVirtual().start(() -> {
                try (var s = rude.accept()) {
                    s.getInputStream().read(new byte[4096]); // the request arrives; the answer never does
                } catch (IOException ignored) {
                    // the test fails on the client's side if this goes wrong
                }
            });
            try (var r = new HttpRemoteRouter(URI.create("http://127.0.0.1:" + rude.getLocalPort()), TIMEOUT)) {
                within(TIMEOUT, () -> unavailable(() -> r.route("compile", List.of("x")), "dropped"));
            }
            closer.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerErrorIsUnavailable() {
        answer("POST /route", 500, "text/plain", "Internal Server Error");
        var e = unavailable(() -> router.route("compile", List.of("x")), "http_status");
        assertThat(e.getMessage()).endsWith("(POST /route): answered HTTP 500");
        assertThat(e.details()).containsEntry("status", 500);
        answer("GET /status", 503, "application/json", "{\"error\":\"warming up\"}");
        assertThat(unavailable(router::status, "http_status").getMessage()).endsWith("answered HTTP 503: warming up");
    }

    @Test
    void anHtmlPageIsNotAnAnswer() {
        answer("POST /route", 200, "text/html; charset=utf-8", "<html><body>Welcome to nginx!</body></html>");
        var e = unavailable(() -> router.route("compile", List.of("x")), "not_json");
        assertThat(e.getMessage()).contains("not JSON").contains("text/html").doesNotContain("nginx");
        answer("POST /register/agent", 200, "text/html", "<html>captive portal</html>");
        unavailable(() -> router.registerAgent("a", List.of("x")), "not_json");
    }

    @Test
    void jsonThatIsNotAnObjectIsNotAnAnswer() {
        answer("POST /route", 200, "application/json", "[\"coder-2\"]");
        assertThat(unavailable(() -> router.route("compile", List.of("x")), "not_object")
                        .getMessage())
                .endsWith("answered JSON that is not an object (array)");
        answer("GET /h1-snapshot", 200, "application/json", "42");
        unavailable(router::snapshot, "not_object");
        answer("GET /status", 200, "application/json", "");
        unavailable(router::status, "not_object");
    }

    @Test
    void aDecisionWithoutARequiredFieldIsNotAnAnswer() {
        for (String field : List.of(
                "agent_id",
                "task_id",
                "h1_before",
                "h1_after",
                "confidence",
                "emergence_risk",
                "capability_match_score")) {
            ObjectNode d = decision();
            d.remove(field);
            answerJson("POST /route", d);
            var e = unavailable(() -> router.route("compile", List.of("x")), "bad_answer");
            assertThat(e.getMessage()).as(field).endsWith("(POST /route): answered without " + field);
            assertThat(e.details()).containsEntry("field", field);
        }
    }

    @Test
    void aDecisionWithAMistypedFieldIsNotAnAnswer() {
        Map<String, JsonNode> wrong = Map.of(
                "agent_id", Json.MAPPER.valueToTree(7),
                "h1_after", Json.MAPPER.valueToTree(2.5),
                "h1_before", Json.MAPPER.valueToTree("2"),
                "confidence", Json.MAPPER.valueToTree("high"));
        wrong.forEach((field, value) -> {
            answerJson("POST /route", decision().set(field, value));
            var e = unavailable(() -> router.route("compile", List.of("x")), "bad_answer");
            assertThat(e.getMessage()).as(field).contains("answered " + field + " as something other than");
        });
        answerJson("POST /route", decision().put("agent_id", "../etc"));
        assertThat(unavailable(() -> router.route("compile", List.of("x")), "bad_answer")
                        .getMessage())
                .contains("not a valid agent id");
        answerJson("POST /route", decision().put("task_id", "someone-else"));
        assertThat(unavailable(() -> router.route("compile", List.of("x")), "bad_answer")
                        .getMessage())
                .contains("another task");
    }

    @Test
    void aRefusalThatExplainsItselfIsPassedOnAndOneThatDoesNotIsUnavailable() {
        answer(
                "POST /route",
                422,
                "application/json",
                "{\"detail\":[{\"msg\":\"field required\",\"loc\":[\"body\"]}]}");
        var e = catchThrowableOfType(BosunException.class, () -> router.route("compile", List.of("x")));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage())
                .isEqualTo("remote router at " + origin + " (POST /route): answered HTTP 422: field required");
        assertThat(e.details()).containsEntry("reason", "rejected").containsEntry("router_error", "field required");
        answer("POST /route", 400, "application/json", "{\"error\":\"no agents registered\"}");
        assertThat(catchThrowableOfType(BosunException.class, () -> router.route("compile", List.of("x")))
                        .getMessage())
                .endsWith("answered HTTP 400: no agents registered");
        answer("POST /route", 400, "text/plain", "Bad Request");
        unavailable(() -> router.route("compile", List.of("x")), "http_status");
        answers.remove("POST /route"); // the server's 404 {"detail":"Not Found"}: a wrong URL, not a wrong request
        assertThat(unavailable(() -> router.route("compile", List.of("x")), "http_status")
                        .getMessage())
                .endsWith("answered HTTP 404: Not Found");
    }

    // ---- helpers ----

    private BosunException unavailable(ThrowingCallable call, String reason) {
        BosunException e = catchThrowableOfType(BosunException.class, call);
        assertThat(e).as("a BosunException").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.details()).as(e.getMessage()).containsEntry("reason", reason);
        assertThat(e.getMessage()).startsWith("remote router at " + e.details().get("router_url") + " (");
        return e;
    }

    private static <T> T within(Duration limit, java.util.function.Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time taken").isLessThanOrEqualTo(limit);
        return result;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
