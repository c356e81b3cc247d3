package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FakePlato;
import dev.bosun.server.auth.ApiKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tile routes end to end: a real server whose relay delivers to a PLATO {@code /submit} served
 * over loopback HTTP ({@link FakePlato}), read back through the API by two tenants.
 */
class TilesApiTest extends ServerHarness {
    static final String KEY_A = "bsn_tiles_team_a";
    static final String KEY_B = "bsn_tiles_team_b";
    static final Duration SETTLE = Duration.ofSeconds(30);

    FakePlato plato;
    Shapes shapes;
    JsonNode doc;

    @BeforeEach
    void up() throws IOException {
        plato = new FakePlato();
    }

    @AfterEach
    void down() {
        if (plato != null) plato.close();
    }

    private void startServer(String maxAge) {
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B)))
                .set("plato_url", plato.url().toString())
                .set("delivery_timeout", "2s")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms")
                .set("delivery_max_age", maxAge));
        apiKey = KEY_A;
        doc = get("/openapi.json").json();
        shapes = new Shapes(doc);
    }

    /** A session of two tasks (one fails), ended: six checkpoints, so six tiles. */
    private String sessionWithTasks(String body) {
        String id = createSession(body);
        for (String[] t : new String[][] {{"t1", "compile", "success"}, {"t2", "lint", "failed"}}) {
            assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"" + t[0] + "\",\"name\":\"" + t[1] + "\"}")
                            .status())
                    .isEqualTo(201);
            assertThat(post("/v1/sessions/" + id + "/tasks/" + t[0] + "/complete", "{\"outcome\":\"" + t[2] + "\"}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        return id;
    }

    private JsonNode tiles(String path) {
        Res r = get(path);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(shapes.violations(doc.at("/components/schemas/TilePage"), r.json(), path))
                .isEmpty();
        return r.json().get("items");
    }

    private static List<String> texts(JsonNode items, String pointer) {
        var out = new ArrayList<String>();
        items.forEach(i -> out.add(i.at(pointer).asText()));
        return out;
    }

    @Test
    void tilesAreDeliveredInOrderListedWithTheirStateAndARejectedOneIsRetried() {
        startServer("1h");
        plato.gateRefuses.add("[TASK_END] lint — FAILED");
        String id =
                sessionWithTasks("{\"name\":\"research\",\"agent_id\":\"oracle1\",\"scout_room\":\"fleet-research\"}");
        String s = "/v1/sessions/" + id + "/tiles";

        await().atMost(SETTLE).until(() -> {
            JsonNode items = tiles(s);
            return items.size() == 6 && texts(items, "/state").stream().noneMatch("pending"::equals);
        });
        JsonNode items = tiles(s);
        assertThat(texts(items, "/kind"))
                .as("log order")
                .containsExactly("session_start", "task_start", "task_end", "task_start", "task_end", "session_end");
        assertThat(texts(items, "/seq")).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(texts(items, "/state"))
                .containsExactly("delivered", "delivered", "delivered", "delivered", "rejected", "delivered");
        assertThat(texts(items, "/session_id")).containsOnly(id);
        assertThat(texts(items, "/tile/domain")).as("the session's scout_room").containsOnly("fleet-research");
        JsonNode end = items.get(5);
        assertThat(end.at("/tile/answer").isObject())
                .as("the answer is shown as an object")
                .isTrue();
        assertThat(end.at("/tile/answer/tasks/succeeded").asInt()).isEqualTo(1);
        assertThat(end.at("/tile/answer/tasks/failed").asInt()).isEqualTo(1);
        assertThat(end.at("/tile/question").asText()).isEqualTo("[SESSION_END] oracle1:research — SUCCESS");
        assertThat(end.get("plato_id").asText())
                .as("the Room Server's tile_hash")
                .matches("[0-9a-f]{16}");
        assertThat(end.get("note").isNull()).isTrue();
        assertThat(end.get("last_status").asInt()).isEqualTo(200);
        assertThat(end.get("delivered_at").isTextual()).isTrue();
        // PLATO got them one at a time in log order, each named by its tile id; the refused one too.
        List<String> sent =
                plato.requests().stream().map(FakePlato.Received::tileId).toList();
        assertThat(sent).containsExactlyElementsOf(texts(items, "/tile_id"));
        assertThat(plato.accepted()).hasSize(5);

        JsonNode rejected = items.get(4);
        assertThat(rejected.get("last_status").asInt()).isEqualTo(403);
        assertThat(rejected.get("last_error").asText()).contains("gate");
        assertThat(rejected.get("plato_id").isNull()).isTrue();
        String rejectedId = rejected.get("tile_id").asText();
        assertThat(texts(tiles("/v1/tiles?state=rejected"), "/tile_id")).containsExactly(rejectedId);
        assertThat(texts(tiles("/v1/tiles?state=DELIVERED"), "/tile_id"))
                .as("state is case-insensitive")
                .hasSize(5);
        assertThat(tiles("/v1/tiles?state=dead")).isEmpty();

        Res one = get("/v1/tiles/" + rejectedId);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(rejected);

        Res conflict = post("/v1/tiles/" + items.get(0).get("tile_id").asText() + "/retry", null);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("CONFLICT");
        assertThat(conflict.json().at("/error/details/state").asText()).isEqualTo("delivered");

        plato.gateRefuses.clear();
        Res retried = post("/v1/tiles/" + rejectedId + "/retry", null);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(shapes.violations(doc.at("/components/schemas/Tile"), retried.json(), "retry"))
                .isEmpty();
        assertThat(retried.json().get("state").asText()).isIn("pending", "delivered");
        assertThat(retried.json().get("last_error").isNull())
                .as("a retry starts afresh")
                .isTrue();
        await().atMost(SETTLE)
                .until(() -> get("/v1/tiles/" + rejectedId)
                        .json()
                        .get("state")
                        .asText()
                        .equals("delivered"));
        assertThat(plato.accepted()).hasSize(6);
        assertThat(post("/v1/tiles/" + rejectedId + "/retry", null).status())
                .as("delivered now")
                .isEqualTo(409);
    }

    /** A refused key: PLATO's health in GET /v1/tiles, a metric, and a resume on request. */
    @Test
    void aPausedPlatoIsShownCountedAndResumedOnRequest() throws IOException {
        plato.close();
        plato = FakePlato.platoServer("right-key");
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A)))
                .set("plato_url", plato.url().toString())
                .set("plato_api_key", "wrong-key")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms"));
        apiKey = KEY_A;
        doc = get("/openapi.json").json();
        shapes = new Shapes(doc);
        String id = createSession("{\"name\":\"keyed\",\"agent_id\":\"a\"}");
        await().atMost(SETTLE)
                .until(() ->
                        get("/v1/tiles").json().at("/plato/status").asText().equals("paused"));
        Res list = get("/v1/tiles");
        assertThat(shapes.violations(doc.at("/components/schemas/TilePage"), list.json(), "tiles"))
                .isEmpty();
        JsonNode health = list.json().get("plato");
        assertThat(health.get("cause").asText()).isEqualTo("auth");
        assertThat(health.get("detail").asText())
                .contains("HTTP 401")
                .doesNotContain("wrong-key")
                .doesNotContain("right-key");
        assertThat(health.get("since").isTextual()).isTrue();
        assertThat(get("/v1/sessions/" + id + "/tiles").json().has("plato"))
                .as("only the tenant listing")
                .isFalse();
        String metrics = get("/metrics").text();
        assertThat(metrics)
                .contains("bosun_delivery_targets_paused{kind=\"tile\"} 1.0")
                .contains("bosun_delivery_pauses_total{cause=\"auth\",kind=\"tile\"} 1.0");
        int sent = plato.requests().size();

        plato.apiKey = "wrong-key"; // PLATO's side fixed
        Res resumed = post("/v1/tiles/resume", null);
        assertThat(resumed.status()).as(resumed.text()).isEqualTo(200);
        assertThat(shapes.violations(doc.at("/components/schemas/TargetHealth"), resumed.json(), "resume"))
                .isEmpty();
        assertThat(resumed.json().get("resumed").asBoolean()).isTrue();
        assertThat(resumed.json().get("status").asText()).isEqualTo("up");
        await().atMost(SETTLE)
                .until(() -> tiles("/v1/sessions/" + id + "/tiles")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("delivered"));
        assertThat(plato.requests().size())
                .as("sent on the resume, not at a probe 30 s later")
                .isGreaterThan(sent);
        assertThat(get("/v1/tiles").json().at("/plato/status").asText()).isEqualTo("up");
        assertThat(post("/v1/tiles/resume", null).json().get("resumed").asBoolean())
                .as("nothing to resume")
                .isFalse();
    }

    @Test
    void anotherTenantsTilesAreNotFoundAndNeverListed() {
        startServer("1h");
        String id = sessionWithTasks("{\"name\":\"research\",\"agent_id\":\"oracle1\"}");
        await().atMost(SETTLE)
                .until(() -> tiles("/v1/sessions/" + id + "/tiles").size() == 6);
        String tile =
                tiles("/v1/sessions/" + id + "/tiles").get(0).get("tile_id").asText();

        Res list = call("GET", "/v1/tiles", null, KEY_B);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items")).isEmpty();
        for (Res r : List.of(
                call("GET", "/v1/tiles/" + tile, null, KEY_B),
                call("POST", "/v1/tiles/" + tile + "/retry", null, KEY_B),
                call("GET", "/v1/sessions/" + id + "/tiles", null, KEY_B))) {
            assertThat(r.status()).as(r.text()).isEqualTo(404);
            assertThat(r.code()).isEqualTo("NOT_FOUND");
        }
        assertThat(call("GET", "/v1/tiles", null, null).status()).as("no key").isEqualTo(401);
        assertThat(get("/v1/tiles/" + tile).status())
                .as("its own tenant sees it")
                .isEqualTo(200);
    }

    @Test
    void pagesAndBadQueries() {
        startServer("1h");
        String id = sessionWithTasks("{\"name\":\"research\",\"agent_id\":\"oracle1\"}");
        String s = "/v1/sessions/" + id + "/tiles";
        await().atMost(SETTLE).until(() -> tiles(s).size() == 6);

        Res first = get(s + "?limit=4");
        assertThat(first.json().get("items")).hasSize(4);
        assertThat(first.json().get("has_more").asBoolean()).isTrue();
        String cursor = first.json().get("next_cursor").asText();
        Res second = get(s + "?limit=4&after=" + cursor);
        assertThat(second.json().get("has_more").asBoolean()).isFalse();
        assertThat(second.json().get("next_cursor").isNull()).isTrue();
        List<String> seqs = new ArrayList<>(texts(first.json().get("items"), "/seq"));
        seqs.addAll(texts(second.json().get("items"), "/seq"));
        assertThat(seqs).containsExactly("1", "2", "3", "4", "5", "6");

        // The tenant's listing is newest first and pages the other way.
        Res newest = get("/v1/tiles?limit=2");
        assertThat(texts(newest.json().get("items"), "/seq")).containsExactly("6", "5");
        Res older = get(
                "/v1/tiles?limit=10&after=" + newest.json().get("next_cursor").asText());
        assertThat(texts(older.json().get("items"), "/seq")).containsExactly("4", "3", "2", "1");

        for (String[] bad : new String[][] {
            {"/v1/tiles?state=sent", "state"},
            {"/v1/tiles?limit=0", "limit"},
            {s + "?limit=1001", "limit"},
            {"/v1/webhooks/wh_x/deliveries?state=x", "state"},
            {s + "?limit=two", "limit"}
        }) {
            Res r = get(bad[0]);
            if (bad[0].startsWith("/v1/webhooks")) {
                assertThat(r.status())
                        .as("an unknown subscription is 404 before its query is read")
                        .isEqualTo(404);
                continue;
            }
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).as(bad[0]).isEqualTo(bad[1]);
        }
        assertThat(get("/v1/tiles/" + "x".repeat(300)).status())
                .as("not a safe id")
                .isEqualTo(404);
        for (String room : List.of("..", "../x", "fleet/..", "fleet/../../etc", ".", "fleet/./x")) {
            Res r = post("/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\",\"scout_room\":\"" + room + "\"}");
            assertThat(r.status()).as(room).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo("scout_room");
            assertThat(r.json().at("/error/message").asText()).contains("none of them . or ..");
        }
        for (String room : List.of("fleet.v1.2", "a..b", ".hidden", "x...")) {
            assertThat(post("/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\",\"scout_room\":\"" + room + "\"}")
                            .status())
                    .as("dots inside a segment are fine: " + room)
                    .isEqualTo(201);
        }
        Res slashed = post("/v1/sessions", "{\"name\":\"n\",\"agent_id\":\"a\",\"scout_room\":\"gc/research\"}");
        assertThat(slashed.status())
                .as("a room the deployed PLATO servers cannot take")
                .isEqualTo(400);
        assertThat(slashed.json().at("/error/details/field").asText()).isEqualTo("scout_room");
        assertThat(slashed.json().at("/error/details/rule").asText()).isEqualTo("plato_room_names=strict");
        assertThat(slashed.json().at("/error/message").asText()).contains("gc-research");
        for (String[] bad : new String[][] {
            {"{\"name\":\"n\",\"agent_id\":\"a\",\"scout_room\":\"no spaces/ allowed\"}", "scout_room"},
            {"{\"name\":\"n\",\"agent_id\":\"a\",\"emit_tiles\":\"yes\"}", "emit_tiles"}
        }) {
            Res r = post("/v1/sessions", bad[0]);
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(r.json().at("/error/details/field").asText()).isEqualTo(bad[1]);
        }
    }

    @Test
    void aSessionThatKeepsItsTilesLocalSendsNone() {
        startServer("1h");
        String quiet = createSession("{\"name\":\"quiet\",\"agent_id\":\"a\",\"emit_tiles\":false}");
        assertThat(get("/v1/sessions/" + quiet).json().get("emit_tiles").asBoolean())
                .isFalse();
        String loud = createSession("{\"name\":\"loud\",\"agent_id\":\"a\"}");
        await().atMost(SETTLE)
                .until(() -> tiles("/v1/sessions/" + quiet + "/tiles").size() == 1
                        && tiles("/v1/sessions/" + loud + "/tiles")
                                .path(0)
                                .path("state")
                                .asText()
                                .equals("delivered"));
        assertThat(tiles("/v1/sessions/" + quiet + "/tiles").get(0).get("state").asText())
                .isEqualTo("local");
        assertThat(texts(tiles("/v1/tiles?state=local"), "/session_id")).containsExactly(quiet);
        assertThat(plato.requests()).extracting(FakePlato.Received::question).containsExactly("[SESSION_START] a:loud");
    }

    @Test
    void aTileStillFailingAtItsMaximumAgeIsDeadUntilRetried() {
        JsonNode dead;
        String id;
        try (var logs = new LogCapture()) {
            startServer("1s");
            plato.always(FakePlato.Fault.ERROR_500);
            id = createSession("{\"name\":\"doomed\",\"agent_id\":\"a\"}");
            await().atMost(SETTLE).until(() -> tiles("/v1/tiles?state=dead").size() == 1);
            dead = tiles("/v1/tiles?state=dead").get(0);
            // logged when it died, before the state was recorded: once, at ERROR, with its ids as fields
            List<JsonNode> lines = logs.lines("ERROR", "is dead");
            assertThat(lines).as(logs.json()).hasSize(1);
            assertThat(lines.get(0).path("delivery_id").asText())
                    .isEqualTo(dead.get("tile_id").asText());
            assertThat(lines.get(0).path("session_id").asText()).isEqualTo(id);
            assertThat(lines.get(0).path("message").asText()).contains("POST /v1/tiles/{id}/retry");
        }
        assertThat(dead.get("session_id").asText()).isEqualTo(id);
        assertThat(dead.get("last_status").asInt()).isEqualTo(500);
        assertThat(dead.get("attempts").asInt()).isGreaterThan(1);
        assertThat(dead.get("next_attempt_at").isNull()).isTrue();

        plato.always(null);
        String tile = dead.get("tile_id").asText();
        Res retried = post("/v1/tiles/" + tile + "/retry", null);
        assertThat(retried.status()).as(retried.text()).isEqualTo(200);
        assertThat(retried.json().get("attempts").asInt()).isLessThanOrEqualTo(1);
        await().atMost(SETTLE)
                .until(() ->
                        get("/v1/tiles/" + tile).json().get("state").asText().equals("delivered"));
        assertThat(plato.accepted()).extracting(FakePlato.Received::tileId).containsExactly(tile);
    }
}
