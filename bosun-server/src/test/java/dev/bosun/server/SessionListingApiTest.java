package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.server.auth.ApiKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/sessions}' filters beyond status, agent and tag (profile, outcome, a part of the
 * name), its oldest-first order with cursors, and {@code GET /v1/stats}: what the dashboard's
 * sessions table and overview ask, over HTTP with two tenants' keys.
 */
class SessionListingApiTest extends ServerHarness {
    static final String KEY_A = "bsn_listing_a";
    static final String KEY_B = "bsn_listing_b";

    @BeforeEach
    void up() {
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B))));
        apiKey = KEY_A;
    }

    static List<String> ids(Res page) {
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        return StreamSupport.stream(page.json().get("items").spliterator(), false)
                .map(s -> s.get("session_id").asText())
                .toList();
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void filtersByProfileOutcomeAndAPartOfTheName() {
        String echo = createSession("{\"name\":\"nightly build\",\"agent_id\":\"a\",\"profile\":\"echo\"}");
        String ok = createSession("{\"name\":\"build 42\",\"agent_id\":\"a\"}");
        String failed = createSession("{\"name\":\"Deploy\",\"agent_id\":\"a\"}");
        String cancelled = createSession("{\"name\":\"100% <b>done</b>\",\"agent_id\":\"a\"}");
        assertThat(post("/v1/sessions/" + ok + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/v1/sessions/" + failed + "/end", "{\"outcome\":\"failed\"}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/v1/sessions/" + cancelled + "/terminate", null).status())
                .isEqualTo(200);
        apiKey = KEY_B;
        createSession("{\"name\":\"build of team b\",\"agent_id\":\"a\",\"profile\":\"echo\"}");
        apiKey = KEY_A;

        assertThat(ids(get("/v1/sessions?profile=echo"))).containsExactly(echo);
        assertThat(ids(get("/v1/sessions?profile=nope"))).isEmpty();
        assertThat(ids(get("/v1/sessions?outcome=failed"))).containsExactly(failed);
        assertThat(ids(get("/v1/sessions?outcome=SUCCESS")))
                .as("enum values are case-insensitive")
                .containsExactly(ok);
        assertThat(ids(get("/v1/sessions?outcome=cancelled&status=ended"))).containsExactly(cancelled);
        assertThat(ids(get("/v1/sessions?name=build"))).containsExactly(ok, echo);
        assertThat(ids(get("/v1/sessions?name=Build"))).as("case-sensitive").isEmpty();
        assertThat(ids(get("/v1/sessions?name=" + q("100%")))).containsExactly(cancelled);
        assertThat(ids(get("/v1/sessions?name=" + q("<b>")))).containsExactly(cancelled);
        assertThat(ids(get("/v1/sessions?name=build&outcome=success"))).containsExactly(ok);

        Res bad = get("/v1/sessions?outcome=great");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(bad.json().at("/error/details/field").asText()).isEqualTo("outcome");
        Res long_ = get("/v1/sessions?name=" + "x".repeat(201));
        assertThat(long_.status()).isEqualTo(400);
        assertThat(long_.json().at("/error/details/field").asText()).isEqualTo("name");
        Res order = get("/v1/sessions?order=sideways");
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.json().at("/error/message").asText()).contains("newest, oldest");
    }

    @Test
    void pagesOldestFirstByCursorToTheEndWithoutRepeats() {
        var made = new ArrayList<String>();
        for (int i = 0; i < 7; i++) made.add(createSession("{\"name\":\"s" + i + "\",\"agent_id\":\"a\"}"));
        var seen = new ArrayList<String>();
        String after = "";
        for (int guard = 0; guard < 10; guard++) {
            Res page = get("/v1/sessions?order=oldest&limit=3" + (after.isEmpty() ? "" : "&after=" + after));
            seen.addAll(ids(page));
            if (!page.json().get("has_more").asBoolean()) break;
            after = page.json().get("next_cursor").asText();
        }
        assertThat(seen).containsExactlyElementsOf(made);
        assertThat(ids(get("/v1/sessions?order=newest&limit=3")))
                .containsExactly(made.get(6), made.get(5), made.get(4));
    }

    @Test
    void statsCountTheTenantsSessionsExactly() {
        String a1 = createSession("{\"name\":\"a1\",\"agent_id\":\"a\"}");
        String a2 = createSession("{\"name\":\"a2\",\"agent_id\":\"a\"}");
        createSession("{\"name\":\"a3\",\"agent_id\":\"a\"}");
        assertThat(post("/v1/sessions/" + a1 + "/events", "{\"event_type\":\"input\",\"payload\":1}")
                        .status())
                .isEqualTo(202);
        assertThat(post("/v1/sessions/" + a2 + "/end", "{\"outcome\":\"failed\"}")
                        .status())
                .isEqualTo(200);
        apiKey = KEY_B;
        createSession("{\"name\":\"b1\",\"agent_id\":\"a\"}");
        apiKey = KEY_A;

        Res r = get("/v1/stats");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode st = r.json();
        assertThat(st.at("/sessions/running").asLong()
                        + st.at("/sessions/creating").asLong())
                .isEqualTo(2);
        assertThat(st.at("/sessions/ended").asLong()).isEqualTo(1);
        long events = 0;
        for (String id : ids(get("/v1/sessions")))
            events += get("/v1/sessions/" + id).json().get("last_seq").asLong();
        assertThat(st.get("events").asLong()).isEqualTo(events).isGreaterThan(0);
        assertThat(st.at("/today/started").asLong()).isEqualTo(3);
        assertThat(st.at("/today/ended")).hasSize(1);
        assertThat(st.at("/today/ended/0/outcome").asText()).isEqualTo("failed");
        assertThat(st.at("/today/ended/0/reason").asText()).isEqualTo("completed");
        assertThat(st.at("/today/ended/0/count").asLong()).isEqualTo(1);
        Instant at = Instant.parse(st.get("at").asText());
        assertThat(Instant.parse(st.at("/today/since").asText())).isEqualTo(at.truncatedTo(ChronoUnit.DAYS));

        apiKey = KEY_B;
        JsonNode b = get("/v1/stats").json();
        assertThat(b.at("/sessions/running").asLong()
                        + b.at("/sessions/creating").asLong())
                .isEqualTo(1);
        assertThat(b.at("/sessions/ended").asLong()).isZero();
        apiKey = null;
        assertThat(get("/v1/stats").status()).isEqualTo(401);
    }
}
