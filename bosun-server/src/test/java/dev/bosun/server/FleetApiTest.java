package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.server.auth.ApiKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Fleet routing over HTTP against a real server: the registry, decisions, the graph, the compat contract, metrics. */
class FleetApiTest extends ServerHarness {
    static final String KEY_A = "bsn_fleet_key_a";
    static final String KEY_B = "bsn_fleet_key_b";

    private Res register(String agent, String... capabilities) {
        return post("/v1/agents", "{\"agent_id\":\"" + agent + "\",\"capabilities\":" + array(capabilities) + "}");
    }

    private Res route(String task, String... required) {
        return post("/v1/route", "{\"task_id\":\"" + task + "\",\"required_capabilities\":" + array(required) + "}");
    }

    private Res routePreferring(String task, String agent, String... required) {
        return post(
                "/v1/route",
                "{\"task_id\":\"" + task + "\",\"required_capabilities\":" + array(required) + ",\"prefer_agents\":[\""
                        + agent + "\"]}");
    }

    private static String array(String... values) {
        return IntStream.range(0, values.length)
                .mapToObj(i -> "\"" + values[i] + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static List<String> ids(JsonNode items) {
        var out = new ArrayList<String>();
        items.forEach(a -> out.add(a.get("agent_id").asText()));
        return out;
    }

    private static JsonNode json(String text) {
        try {
            return dev.bosun.json.Json.parse(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> fields(JsonNode o) {
        var out = new TreeSet<String>();
        o.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------------------ registry

    @Test
    void agentsAreRegisteredUpdatedListedAndRemoved() {
        start();
        Res created = register("coder", "compilation", "llvm");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo("/v1/agents/coder");
        JsonNode a = created.json();
        assertThat(fields(a))
                .containsExactlyInAnyOrder(
                        "agent_id", "capabilities", "load", "registered_at", "updated_at", "last_seen_at");
        assertThat(a.get("agent_id").asText()).isEqualTo("coder");
        assertThat(a.get("capabilities").toString()).isEqualTo("[\"compilation\",\"llvm\"]");
        assertThat(a.get("load").asInt()).isZero();
        Instant registered = Instant.parse(a.get("registered_at").asText());

        assertThat(register("writer", "publishing").status()).isEqualTo(201);
        Res updated = register("coder", "compilation", "compilation", "rust");
        assertThat(updated.status()).as("an update of a registered agent").isEqualTo(200);
        assertThat(updated.header("Location")).isNull();
        assertThat(updated.json().get("capabilities").toString()).isEqualTo("[\"compilation\",\"rust\"]");
        assertThat(Instant.parse(updated.json().get("registered_at").asText())).isEqualTo(registered);

        Res list = get("/v1/agents");
        assertThat(list.status()).isEqualTo(200);
        assertThat(ids(list.json().get("items")))
                .as("registration order, an update keeps its place")
                .containsExactly("coder", "writer");
        Res one = get("/v1/agents/writer");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("capabilities").toString()).isEqualTo("[\"publishing\"]");

        Res removed = call("DELETE", "/v1/agents/writer", null);
        assertThat(removed.status()).isEqualTo(204);
        assertThat(removed.text()).isEmpty();
        assertThat(removed.header("Content-Type")).isNull();
        assertThat(get("/v1/agents/writer").status()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/agents/writer", null).status()).isEqualTo(404);
        assertThat(ids(get("/v1/agents").json().get("items"))).containsExactly("coder");
        assertThat(manager.fleet().agents("default")).extracting(x -> x.id()).containsExactly("coder");
    }

    // ------------------------------------------------------------------------------ routing

    @Test
    void aBareRouteDecidesLinksAndPersistsTheEdge() {
        start();
        register("coder", "compilation", "llvm");
        register("writer", "publishing");
        Res r = route("c1", "compilation");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode d = r.json();
        assertThat(fields(d))
                .containsExactlyInAnyOrder(
                        "agent_id",
                        "task_id",
                        "h1_before",
                        "h1_after",
                        "confidence",
                        "emergence_risk",
                        "capability_match_score",
                        "reasoning");
        assertThat(d.get("agent_id").asText()).isEqualTo("coder");
        assertThat(d.get("task_id").asText()).isEqualTo("c1");
        assertThat(d.get("h1_before").asLong()).isZero();
        assertThat(d.get("h1_after").asLong()).isZero();
        assertThat(d.get("capability_match_score").asDouble()).isEqualTo(1.0);
        assertThat(d.get("emergence_risk").asDouble()).isEqualTo(0.0);
        assertThat(d.get("confidence").asDouble()).isEqualTo(1.0);
        assertThat(d.get("reasoning").asText()).contains("coder").contains("β₁");

        // the contract's path is the same route
        Res compat = post("/v1/fleet/route", "{\"task_id\":\"p1\",\"required_capabilities\":[\"publishing\"]}");
        assertThat(compat.status()).as(compat.text()).isEqualTo(200);
        assertThat(compat.json().get("agent_id").asText()).isEqualTo("writer");

        // a preference among the capable is obeyed; fallback=any takes a partial match
        register("coder2", "compilation");
        assertThat(routePreferring("c2", "coder2", "compilation")
                        .json()
                        .get("agent_id")
                        .asText())
                .isEqualTo("coder2");
        Res any = post(
                "/v1/route", "{\"task_id\":\"g1\",\"required_capabilities\":[\"gpu\",\"llvm\"],\"fallback\":\"any\"}");
        assertThat(any.status()).as(any.text()).isEqualTo(200);
        assertThat(any.json().get("agent_id").asText()).isEqualTo("coder");
        assertThat(any.json().get("capability_match_score").asDouble()).isEqualTo(0.5);

        JsonNode status = get("/v1/fleet/status").json();
        assertThat(status.get("edges").asInt()).isEqualTo(4);
        assertThat(status.get("tasks").asInt()).isEqualTo(4);
        assertThat(status.get("agents").asInt()).isEqualTo(3);
        // A bare decision is not a running task: no agent's load grows.
        assertThat(get("/v1/agents").json().get("items").findValues("load")).allMatch(l -> l.asInt() == 0);
        // The edges were written, not only cached: a graph rebuilt from the store has them.
        manager.fleet().invalidate("default");
        assertThat(get("/v1/fleet/status").json().get("edges").asInt()).isEqualTo(4);
        assertThat(manager.store().fleetEdges("default", Instant.EPOCH))
                .extracting(e -> e.agentId() + "-" + e.taskKey())
                .containsExactlyInAnyOrder("coder-c1", "writer-p1", "coder2-c2", "coder-g1");
    }

    @Test
    void theDefaultFallbackIsTheServersRouteFallback() {
        start(l -> l.set("route_fallback", "any"));
        register("cpu", "python");
        Res any = route("t", "gpu");
        assertThat(any.status()).as(any.text()).isEqualTo(200);
        assertThat(any.json().get("agent_id").asText()).isEqualTo("cpu");
        assertThat(any.json().get("capability_match_score").asDouble()).isEqualTo(0.0);
        Res strict =
                post("/v1/route", "{\"task_id\":\"u\",\"required_capabilities\":[\"gpu\"],\"fallback\":\"ERROR\"}");
        assertThat(strict.status()).as(strict.text()).isEqualTo(409);
        assertThat(strict.code()).isEqualTo("NO_CAPABLE_AGENT");
    }

    @Test
    void statusResetAndSnapshot() {
        start();
        register("a", "x");
        register("b", "x");
        route("t1", "x");
        route("t2", "x");
        JsonNode st = get("/v1/fleet/status").json();
        assertThat(fields(st))
                .containsExactlyInAnyOrder(
                        "agents",
                        "tasks",
                        "edges",
                        "vertices",
                        "h1",
                        "components",
                        "threshold",
                        "margin",
                        "emergence",
                        "laman_margin",
                        "laman_satisfied",
                        "description");
        // a–t1, a–t2 and b alone: V 4, E 2, C 2, β₁ 0; threshold V − 2 = 2; Laman 2 − 5 = −3
        assertThat(st.get("vertices").asInt()).isEqualTo(4);
        assertThat(st.get("components").asInt()).isEqualTo(2);
        assertThat(st.get("h1").asLong()).isZero();
        assertThat(st.get("threshold").asLong()).isEqualTo(2);
        assertThat(st.get("margin").asLong()).isEqualTo(-2);
        assertThat(st.get("emergence").asBoolean()).isFalse();
        assertThat(st.get("laman_margin").asLong()).isEqualTo(-3);
        assertThat(st.get("laman_satisfied").asBoolean()).isFalse();
        assertThat(st.get("description").asText()).contains("2 agents, 2 tasks, 2 edges");

        JsonNode snap = get("/v1/fleet/h1-snapshot").json();
        assertThat(fields(snap)).containsExactlyInAnyOrder("status", "agents", "edges", "window_seconds", "taken_at");
        assertThat(snap.at("/status/n_edges").asInt()).isEqualTo(2);
        assertThat(snap.get("agents").toString())
                .isEqualTo(
                        "[{\"agent_id\":\"a\",\"capabilities\":[\"x\"],\"load\":0},{\"agent_id\":\"b\",\"capabilities\":[\"x\"],\"load\":0}]");
        // Bare decisions add no load, so with β₁ equal the first registered agent takes both.
        assertThat(snap.get("edges").toString()).isEqualTo("[[\"a\",\"t1\"],[\"a\",\"t2\"]]");
        assertThat(snap.get("window_seconds").asLong())
                .isEqualTo(Duration.ofHours(24).toSeconds());

        Res reset = post("/v1/fleet/reset", null);
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().get("edges").asInt()).isZero();
        assertThat(reset.json().get("tasks").asInt()).isZero();
        assertThat(reset.json().get("agents").asInt())
                .as("agents stay registered")
                .isEqualTo(2);
        assertThat(get("/v1/fleet/h1-snapshot").json().get("edges")).isEmpty();
        assertThat(manager.store().fleetEdges("default", Instant.EPOCH)).isEmpty();
    }

    @Test
    void aSessionTaskIsRoutedOnAddWhenTheRouterIsOn() {
        start(l -> l.set("h1_router_enabled", true));
        register("coder", "compilation");
        String id = createSession("{\"name\":\"build\",\"agent_id\":\"planner\"}");
        Res t = post(
                "/v1/sessions/" + id + "/tasks",
                "{\"task_id\":\"c1\",\"name\":\"compile\",\"required_capabilities\":[\"compilation\"]}");
        assertThat(t.status()).as(t.text()).isEqualTo(201);
        assertThat(t.json().get("assigned_agent").asText()).isEqualTo("coder");
        JsonNode started = null;
        for (JsonNode e : get("/v1/sessions/" + id + "/events?after=0").json().get("events")) {
            if (e.get("event_type").asText().equals("task_started")) started = e;
        }
        assertThat(started).isNotNull();
        assertThat(started.at("/payload/routing/agent_id").asText()).isEqualTo("coder");
        assertThat(started.at("/payload/routing/task_id").asText()).isEqualTo("c1");
        assertThat(get("/v1/agents/coder").json().get("load").asInt())
                .as("a running session task is load")
                .isEqualTo(1);

        Res none = post(
                "/v1/sessions/" + id + "/tasks",
                "{\"task_id\":\"g1\",\"name\":\"train\",\"required_capabilities\":[\"gpu\"]}");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.code()).isEqualTo("NO_CAPABLE_AGENT");
        assertThat(none.json().at("/error/message").asText()).contains("gpu");
        assertThat(get("/v1/sessions/" + id + "/tasks").json().get("items"))
                .as("the task was not added")
                .hasSize(1);

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(get("/metrics").text())
                        .contains("holodeck_h1_routing_decisions_total{agent_id=\"coder\"} 1.0"));
    }

    // ------------------------------------------------------------------------------ emergence and metrics

    /**
     * As RoutingContract's crossing, over HTTP, where bare routes publish their alerts too. Building
     * K(3,4) crosses once (β₁ 6 > 5 when p3 reaches C); linking k to A adds a vertex and drops the graph
     * back to β₁ 6 = V − 2; a session's task k that needs w closes a cycle and crosses again. Each
     * crossing is one alert; each decision is counted once, whether from /v1/route (counted directly)
     * or a session's task (counted from its task_started event).
     */
    @Test
    void emergenceCrossingsAreAlertedAndEveryDecisionCountedOnce() {
        start(l -> l.set("h1_router_enabled", true));
        assertThat(get("/metrics").text())
                .as("the alert counter exists before any alert")
                .contains("holodeck_emergence_alerts_total 0.0");
        register("A", "y");
        register("B", "y", "w");
        register("C", "y", "w");
        buildK34();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(get("/metrics").text()).contains("holodeck_emergence_alerts_total 1.0"));
        assertThat(routePreferring("k", "A", "y").json().get("agent_id").asText())
                .isEqualTo("A");
        JsonNode below = get("/v1/fleet/status").json();
        assertThat(below.get("h1").asLong()).isEqualTo(6);
        assertThat(below.get("threshold").asLong()).isEqualTo(6);
        assertThat(below.get("emergence").asBoolean()).isFalse();

        String id = createSession("{\"name\":\"crossing\",\"agent_id\":\"planner\"}");
        Res t = post(
                "/v1/sessions/" + id + "/tasks",
                "{\"task_id\":\"k\",\"name\":\"k\",\"required_capabilities\":[\"w\"]}");
        assertThat(t.status()).as(t.text()).isEqualTo(201);
        assertThat(t.json().get("assigned_agent").asText()).isEqualTo("B");
        JsonNode above = get("/v1/fleet/status").json();
        assertThat(above.get("h1").asLong()).isEqualTo(7);
        assertThat(above.get("emergence").asBoolean()).isTrue();
        JsonNode alert = null;
        for (JsonNode e : get("/v1/sessions/" + id + "/events?after=0").json().get("events")) {
            if (e.get("event_type").asText().equals("emergence_alert")) alert = e;
        }
        assertThat(alert).as("the alert is in the session's log").isNotNull();
        assertThat(alert.at("/payload/headline").asText()).isEqualTo("[EMERGENCE ALERT] β₁=7 > V-2=6");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String m = get("/metrics").text();
            assertThat(m).contains("holodeck_emergence_alerts_total 2.0");
            assertThat(m).contains("holodeck_h1_routing_decisions_total{agent_id=\"A\"} 5.0");
            assertThat(m).contains("holodeck_h1_routing_decisions_total{agent_id=\"B\"} 5.0"); // 4 bare + the task
            assertThat(m).contains("holodeck_h1_routing_decisions_total{agent_id=\"C\"} 4.0");
            assertThat(m).contains("holodeck_h1_before_routing{agent_id=\"B\"} 6.0");
            assertThat(m).contains("holodeck_h1_after_routing{agent_id=\"B\"} 7.0");
            assertThat(m).contains("holodeck_h1_before_routing{agent_id=\"A\"} 6.0");
            assertThat(m).contains("holodeck_h1_after_routing{agent_id=\"A\"} 6.0");
        });
        // Exactly these names: the Prometheus registry may not suffix or rename any of them.
        String text = get("/metrics").text();
        assertThat(seriesNames(text, "holodeck_(h1|emergence)"))
                .containsExactlyInAnyOrder(
                        "holodeck_h1_routing_decisions_total", "holodeck_emergence_alerts_total",
                        "holodeck_h1_before_routing", "holodeck_h1_after_routing");
        assertThat(text)
                .contains(
                        "# TYPE holodeck_h1_before_routing gauge",
                        "# TYPE holodeck_h1_after_routing gauge",
                        "# TYPE holodeck_h1_routing_decisions_total counter",
                        "# TYPE holodeck_emergence_alerts_total counter");

        // While the graph stays above the threshold, decisions do not alert again.
        Res again = route("k", "w");
        assertThat(again.json().get("agent_id").asText())
                .as("B is linked to k already: β₁ stays")
                .isEqualTo("B");
        assertThat(again.json().get("emergence_risk").asDouble()).isEqualTo(0.3);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(get("/metrics").text())
                        .contains("holodeck_h1_routing_decisions_total{agent_id=\"B\"} 6.0"));
        assertThat(get("/metrics").text()).contains("holodeck_emergence_alerts_total 2.0");

        // A reset re-arms the alert: the next crossing, from bare routes, alerts again.
        assertThat(post("/v1/fleet/reset", null).json().get("emergence").asBoolean())
                .isFalse();
        buildK34();
        assertThat(get("/metrics").text()).contains("holodeck_emergence_alerts_total 3.0");
    }

    /** K(3,4): tasks p0..p3 each routed to A, B and C in turn. */
    private void buildK34() {
        for (int task = 0; task < 4; task++) {
            for (String agent : List.of("A", "B", "C")) {
                Res r = routePreferring("p" + task, agent, "y");
                assertThat(r.json().get("agent_id").asText()).as(r.text()).isEqualTo(agent);
            }
        }
    }

    /** The distinct series names (labels and suffix-free) of the samples whose names match {@code prefix}. */
    private static Set<String> seriesNames(String scrape, String prefix) {
        var out = new TreeSet<String>();
        Matcher m = Pattern.compile("(?m)^(" + prefix + "[a-z0-9_]*)[{ ]").matcher(scrape);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    // ------------------------------------------------------------------------------ tenants

    @Test
    void eachTenantSeesOnlyItsOwnFleet() {
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B))));
        assertThat(call("GET", "/v1/agents", null, null).status()).isEqualTo(401);
        assertThat(call("POST", "/v1/route", "{\"task_id\":\"t\",\"required_capabilities\":[]}", "wrong")
                        .status())
                .isEqualTo(401);

        apiKey = KEY_A;
        assertThat(register("a1", "x").status()).isEqualTo(201);
        assertThat(register("shared", "x").status()).isEqualTo(201);
        apiKey = KEY_B;
        assertThat(register("b1", "y").status()).isEqualTo(201);
        assertThat(register("shared", "y").status())
                .as("the same id in another tenant is another agent")
                .isEqualTo(201);
        assertThat(route("t1", "y").status()).isEqualTo(200);
        assertThat(route("t2", "x").code())
                .as("tenant A's capabilities are not B's")
                .isEqualTo("NO_CAPABLE_AGENT");

        apiKey = KEY_A;
        assertThat(ids(get("/v1/agents").json().get("items"))).containsExactly("a1", "shared");
        assertThat(get("/v1/agents/b1").status()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/agents/b1", null).status()).isEqualTo(404);
        assertThat(get("/v1/agents/shared").json().get("capabilities").toString())
                .isEqualTo("[\"x\"]");
        JsonNode a = get("/v1/fleet/status").json();
        assertThat(a.get("agents").asInt()).isEqualTo(2);
        assertThat(a.get("edges").asInt())
                .as("B's decision is not in A's graph")
                .isZero();
        assertThat(post("/v1/fleet/reset", null).status()).isEqualTo(200);

        apiKey = KEY_B;
        assertThat(ids(get("/v1/agents").json().get("items"))).containsExactly("b1", "shared");
        assertThat(get("/v1/fleet/status").json().get("edges").asInt())
                .as("A's reset left B's graph alone")
                .isEqualTo(1);
        assertThat(get("/v1/fleet/h1-snapshot").json().get("edges").toString()).isEqualTo("[[\"b1\",\"t1\"]]");
    }

    // ------------------------------------------------------------------------------ the fleet-h1-router contract

    @Test
    void theBarePathsAreNotServedByDefault() {
        start();
        for (String[] r : List.of(
                new String[] {"POST", "/route"},
                new String[] {"GET", "/status"},
                new String[] {"GET", "/h1-snapshot"},
                new String[] {"POST", "/register/agent"},
                new String[] {"GET", "/agents"})) {
            Res res = call(r[0], r[1], r[0].equals("POST") ? "{}" : null);
            assertThat(res.status()).as("%s %s", r[0], r[1]).isEqualTo(404);
            assertThat(res.code()).isEqualTo("NOT_FOUND");
        }
        assertThat(server.routes())
                .noneMatch(r -> !r.path().startsWith("/v1/")
                        && r.path().matches("/(route|status|h1-snapshot|register/agent|agents)"));
    }

    @Test
    void theBarePathsServeTheContractBehindTheKeys() {
        start(l -> l.set("fleet_compat_paths", true)
                .set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B))));
        String register = "{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\"]}";
        String route = "{\"task_id\":\"c1\",\"required_capabilities\":[\"compilation\"]}";
        for (String[] r : List.of(
                new String[] {"POST", "/route", route},
                new String[] {"GET", "/status", null},
                new String[] {"GET", "/h1-snapshot", null},
                new String[] {"POST", "/register/agent", register},
                new String[] {"GET", "/status/", null})) {
            assertThat(call(r[0], r[1], r[2], null).status())
                    .as("%s %s without a key", r[0], r[1])
                    .isEqualTo(401);
            assertThat(call(r[0], r[1], r[2], "wrong").status())
                    .as("%s %s with a wrong key", r[0], r[1])
                    .isEqualTo(401);
        }
        assertThat(manager.fleet().agents("team-a"))
                .as("a refused request changes nothing")
                .isEmpty();

        apiKey = KEY_A;
        // the reference's answers: 200 {"status": "registered"}, new or not
        Res registered = post("/register/agent", register);
        assertThat(registered.status()).as(registered.text()).isEqualTo(200);
        assertThat(registered.json()).isEqualTo(json("{\"status\": \"registered\"}"));
        assertThat(post("/register/agent", register).json()).isEqualTo(json("{\"status\": \"registered\"}"));
        assertThat(post("/register/agent", "{\"agent_id\":\"bare\"}").status())
                .as("capabilities default to none")
                .isEqualTo(200);
        Res decided = post("/route", route);
        assertThat(decided.status()).as(decided.text()).isEqualTo(200);
        assertThat(fields(decided.json()))
                .containsExactly(
                        "agent_id",
                        "capability_match_score",
                        "confidence",
                        "emergence_risk",
                        "h1_after",
                        "h1_before",
                        "reasoning",
                        "task_id");
        assertThat(decided.json().get("agent_id").asText()).isEqualTo("coder");
        assertThat(decided.json().get("confidence").asDouble()).isEqualTo(1.0);
        assertThat(decided.json().get("h1_before").isIntegralNumber()).isTrue();
        assertThat(decided.json().get("confidence").isFloatingPointNumber()).isTrue();

        Res status = get("/status");
        assertThat(status.status()).isEqualTo(200);
        JsonNode s = status.json();
        assertThat(fields(s))
                .containsExactlyInAnyOrder(
                        "n_agents",
                        "n_tasks",
                        "n_edges",
                        "n_vertices",
                        "h1_dimension",
                        "n_components",
                        "description",
                        "emergence_detected",
                        "margin");
        assertThat(s.get("n_agents").asInt()).isEqualTo(2);
        assertThat(s.get("n_tasks").asInt()).isEqualTo(1);
        assertThat(s.get("n_edges").asInt()).isEqualTo(1);
        assertThat(s.get("n_vertices").asInt()).isEqualTo(3);
        assertThat(s.get("h1_dimension").asLong())
                .as("true β₁ (the reference would say 1 − 3 + 1 = −1)")
                .isZero();
        assertThat(s.get("n_components").asInt()).isEqualTo(2);
        assertThat(s.get("emergence_detected").asBoolean()).isFalse();
        assertThat(s.get("margin").asLong()).isEqualTo(-1); // β₁ 0 against V − 2 = 1
        assertThat(s.get("description").asText()).isEqualTo("under-constrained"); // the reference's words: E < 2V − 3
        assertThat(get("/v1/fleet/status").json().has("n_agents"))
                .as("/v1/fleet/status keeps Bosun's shape")
                .isFalse();

        Res snapshot = get("/h1-snapshot");
        assertThat(fields(snapshot.json()))
                .containsExactlyInAnyOrder(
                        "n_vertices",
                        "n_edges",
                        "n_components",
                        "h1_dimension",
                        "threshold",
                        "emergence",
                        "laman_rigid",
                        "laman_margin",
                        "n_agents",
                        "n_tasks",
                        "description");
        assertThat(snapshot.json().get("h1_dimension").asLong()).isZero();
        assertThat(snapshot.json().get("threshold").asLong()).isEqualTo(1);
        assertThat(snapshot.json().get("laman_margin").asLong()).isEqualTo(1 - (2 * 3 - 3));
        assertThat(snapshot.json().get("laman_rigid").asBoolean()).isFalse();
        assertThat(get("/v1/fleet/h1-snapshot").json().get("edges").toString())
                .as("/v1 keeps Bosun's snapshot")
                .isEqualTo("[[\"coder\",\"c1\"]]");

        Res agents = get("/agents");
        assertThat(agents.status()).isEqualTo(200);
        assertThat(agents.json())
                .isEqualTo(json("[{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\"],\"n_tasks\":1},"
                        + "{\"agent_id\":\"bare\",\"capabilities\":[],\"n_tasks\":0}]"));

        apiKey = KEY_B;
        assertThat(get("/status").json())
                .as("another tenant's key, another fleet: empty, as the reference says it")
                .isEqualTo(json("{\"n_agents\":0,\"n_tasks\":0,\"n_edges\":0,\"n_vertices\":0,\"h1_dimension\":0,"
                        + "\"n_components\":0,\"description\":\"empty\",\"emergence_detected\":false,\"margin\":0}"));
        // no agent at all: the reference's 200 with agent_id "" and confidence 0.0, linking nothing
        Res nobody = post("/route", route);
        assertThat(nobody.status()).as(nobody.text()).isEqualTo(200);
        assertThat(nobody.json().get("agent_id").asText()).isEmpty();
        assertThat(nobody.json().get("confidence").asDouble()).isZero();
        assertThat(nobody.json().get("reasoning").asText()).isEqualTo("No agents available");
        assertThat(manager.fleet().agents("team-a")).extracting(a -> a.id()).containsExactly("coder", "bare");
    }

    @Test
    void onTheBarePathsAnyAgentTakesAnUnmatchedTaskAndTiesAreSpreadAsTheReferenceDoes() {
        start(l -> l.set("fleet_compat_paths", true));
        post("/register/agent", "{\"agent_id\":\"w1\",\"capabilities\":[\"work\"]}");
        post("/register/agent", "{\"agent_id\":\"w2\",\"capabilities\":[\"work\"]}");
        var bare = new ArrayList<String>();
        for (int i = 1; i <= 4; i++) {
            bare.add(post("/route", "{\"task_id\":\"job" + i + "\",\"required_capabilities\":[\"work\"]}")
                    .json()
                    .get("agent_id")
                    .asText());
        }
        assertThat(bare).containsExactly("w1", "w2", "w1", "w2");
        // routing the same task again stays with the agent already linked to it, as the reference's β₁ prefers
        assertThat(post("/route", "{\"task_id\":\"job2\",\"required_capabilities\":[\"work\"]}")
                        .json()
                        .get("agent_id")
                        .asText())
                .isEqualTo("w2");
        // under /v1 Bosun's rule stays: a bare decision adds no load, so the first registered of equals wins
        var v1 = new ArrayList<String>();
        for (int i = 5; i <= 8; i++)
            v1.add(route("job" + i, "work").json().get("agent_id").asText());
        assertThat(v1).containsExactly("w1", "w1", "w1", "w1");

        Res unmatched = post("/route", "{\"task_id\":\"paint\",\"required_capabilities\":[\"brush\"]}");
        assertThat(unmatched.status())
                .as("the reference falls back to any agent, not 409")
                .isEqualTo(200);
        assertThat(unmatched.json().get("capability_match_score").asDouble()).isZero();
        assertThat(unmatched.json().get("confidence").asDouble()).isEqualTo(0.1); // max(min_confidence, 0)
        assertThat(route("paint2", "brush").status())
                .as("/v1 keeps route_fallback=error")
                .isEqualTo(409);
        assertThat(post(
                                "/route",
                                "{\"task_id\":\"paint3\",\"required_capabilities\":[\"brush\"],\"fallback\":\"error\"}")
                        .status())
                .as("an explicit fallback is honoured")
                .isEqualTo(409);
        assertThat(post("/route", "{\"task_id\":\"anything\"}")
                        .json()
                        .get("capability_match_score")
                        .asDouble())
                .as("required_capabilities may be left out")
                .isEqualTo(1.0);
    }

    @Test
    void aRemoteRoutersDriftShowsInFleetStatusAndMetrics() {
        try (var router = dev.bosun.contract.FleetH1RouterDouble.start()) {
            start(l -> l.set("h1_router_enabled", true)
                    .set("h1_router_url", router.url())
                    .set("router_sync_interval", "1h"));
            assertThat(register("coder", "compilation").status()).isEqualTo(201);
            assertThat(router.agents()).contains("coder");
            var sync = manager.fleet().remoteSync().orElseThrow();
            assertThat(sync.check().drift()).isZero();
            router.restart(); // the router forgets coder
            assertThat(sync.check().missing()).containsExactly("coder");
            assertThat(router.agents()).contains("coder");

            JsonNode remote = get("/v1/fleet/status").json().get("remote_router");
            assertThat(remote.get("reachable").asBoolean()).isTrue();
            assertThat(remote.get("drift").asInt()).isEqualTo(1);
            assertThat(remote.get("in_step").asBoolean()).isFalse();
            assertThat(remote.get("missing").toString()).isEqualTo("[\"coder\"]");
            assertThat(remote.get("router_only").toString()).isEqualTo("[\"ccc\",\"forgemaster\",\"oracle1\"]");
            assertThat(remote.get("resynced").asLong()).isEqualTo(1);
            String metrics = get("/metrics").text();
            assertThat(metrics).contains("bosun_router_drift_agents 1.0").contains("bosun_router_resyncs_total 1.0");

            assertThat(sync.check().drift()).isZero();
            assertThat(get("/v1/fleet/status")
                            .json()
                            .at("/remote_router/in_step")
                            .asBoolean())
                    .isTrue();
            assertThat(get("/metrics").text()).contains("bosun_router_drift_agents 0.0");
        }
    }

    @Test
    void theServerBringsARestartedRouterBackInStepOnItsOwn() {
        try (var router = dev.bosun.contract.FleetH1RouterDouble.startEmpty()) {
            start(l -> l.set("h1_router_enabled", true)
                    .set("h1_router_url", router.url())
                    .set("router_sync_interval", "1s"));
            register("coder", "compilation");
            register("writer", "publishing");
            router.restart();
            assertThat(router.agents()).isEmpty();
            // no decision is needed: the periodic check finds the loss and registers both again
            await().atMost(Duration.ofSeconds(30)).until(() -> router.agents().size() == 2);
            assertThat(router.agents()).containsExactlyInAnyOrder("coder", "writer");
            assertThat(router.capabilities("writer")).containsExactly("publishing");
        }
    }

    @Test
    void withoutKeysTheBarePathsActOnTheDefaultTenant() {
        start(l -> l.set("fleet_compat_paths", true));
        assertThat(post("/register/agent", "{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\"]}")
                        .status())
                .isEqualTo(200);
        assertThat(ids(get("/v1/agents").json().get("items"))).containsExactly("coder");
        assertThat(manager.fleet().agents("default")).extracting(a -> a.id()).containsExactly("coder");
        assertThat(get("/status").json().get("n_agents").asInt()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------ bad input

    @Test
    void badInputGetsAClearError() {
        start();
        assertField(post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":[\"\"]}"), "capabilities[0]");
        assertField(
                post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":[\"ok\",\"has space\"]}"), "capabilities[1]");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":[\"ok\",7]}"), "capabilities[1]");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":\"x\"}"), "capabilities");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\"}"), "capabilities");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":null}"), "capabilities");
        assertField(post("/v1/agents", "{\"capabilities\":[\"x\"]}"), "agent_id");
        assertField(post("/v1/agents", "{\"agent_id\":\"../etc\",\"capabilities\":[\"x\"]}"), "agent_id");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":[\"x\"],\"load\":3}"), "load");
        assertField(post("/v1/agents", "{\"agent_id\":\"a\","), "body");
        List<String> huge = IntStream.range(0, 257).mapToObj(i -> "cap" + i).toList();
        Res tooMany =
                post("/v1/agents", "{\"agent_id\":\"a\",\"capabilities\":" + array(huge.toArray(String[]::new)) + "}");
        assertField(tooMany, "capabilities");
        assertThat(tooMany.json().at("/error/message").asText()).contains("at most 256");
        assertThat(post(
                                "/v1/agents",
                                "{\"agent_id\":\"a\",\"capabilities\":"
                                        + array(huge.subList(0, 256).toArray(String[]::new)) + "}")
                        .status())
                .as("256 is allowed")
                .isEqualTo(201);
        assertThat(get("/v1/agents").json().get("items")).hasSize(1);

        assertThat(get("/v1/agents/ghost").code()).isEqualTo("NOT_FOUND");
        assertThat(get("/v1/agents/ghost").json().at("/error/message").asText()).contains("ghost");
        assertThat(call("DELETE", "/v1/agents/ghost", null).status()).isEqualTo(404);
        assertThat(get("/v1/agents/..%2Fetc").status()).isEqualTo(404);

        assertField(post("/v1/route", "{\"required_capabilities\":[\"x\"]}"), "task_id");
        assertField(post("/v1/route", "{\"task_id\":\"a b\",\"required_capabilities\":[\"x\"]}"), "task_id");
        assertField(post("/v1/route", "{\"task_id\":\"t\"}"), "required_capabilities");
        assertField(
                post("/v1/route", "{\"task_id\":\"t\",\"required_capabilities\":[\"cap0\",\"\"]}"),
                "required_capabilities[1]");
        assertField(
                post(
                        "/v1/route",
                        "{\"task_id\":\"t\",\"required_capabilities\":" + array(huge.toArray(String[]::new)) + "}"),
                "required_capabilities");
        assertField(
                post("/v1/route", "{\"task_id\":\"t\",\"required_capabilities\":[],\"prefer_agents\":[\"../x\"]}"),
                "prefer_agents[0]");
        assertField(
                post("/v1/route", "{\"task_id\":\"t\",\"required_capabilities\":[],\"fallback\":\"sometimes\"}"),
                "fallback");
        assertField(
                post("/v1/route", "{\"task_id\":\"t\",\"required_capabilities\":[],\"fallback\":true}"), "fallback");
        assertField(
                post("/v1/fleet/route", "{\"task_id\":\"t\",\"required_capabilities\":[],\"agent\":\"a\"}"), "agent");

        Res none = route("t", "gpu");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.code()).isEqualTo("NO_CAPABLE_AGENT");
        assertThat(none.json().at("/error/message").asText()).contains("gpu").contains("fallback=any");
        assertThat(none.json().at("/error/details/task_id").asText()).isEqualTo("t");
        call("DELETE", "/v1/agents/a", null);
        Res empty = route("t", "gpu");
        assertThat(empty.code()).isEqualTo("NO_CAPABLE_AGENT");
        assertThat(empty.json().at("/error/message").asText()).contains("no agents are registered");
        assertThat(get("/v1/fleet/status").json().get("edges").asInt())
                .as("failed decisions link nothing")
                .isZero();
    }

    private static void assertField(Res r, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.json().at("/error/details/field").asText()).as(r.text()).isEqualTo(field);
    }
}
