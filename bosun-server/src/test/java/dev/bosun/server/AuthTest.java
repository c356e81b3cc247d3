package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.server.auth.ApiKeys;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** API keys, tenants and the rate limit. */
class AuthTest extends ServerHarness {
    static final String KEY_A = "bsn_key_for_tenant_a";
    static final String KEY_B = "bsn_key_for_tenant_b";

    @BeforeEach
    void up() {
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B))));
    }

    @Test
    void requestsWithoutAValidKeyAre401() {
        Res none = call("GET", "/v1/sessions", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(call("GET", "/v1/sessions", null, "wrong").status()).isEqualTo(401);
        assertThat(call("POST", "/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\"}", "wrong")
                        .status())
                .isEqualTo(401);
        assertThat(manager.active()).isEmpty(); // a refused request changes nothing
        assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null).status()).isEqualTo(200);
    }

    @Test
    void tenantsNeverSeeEachOthersSessions() {
        apiKey = KEY_A;
        String mine = createSession("{\"name\":\"a-session\",\"agent_id\":\"a\"}");
        apiKey = KEY_B;
        String theirs = createSession("{\"name\":\"b-session\",\"agent_id\":\"b\"}");
        assertThat(get("/v1/sessions/" + mine).status()).isEqualTo(404);
        assertThat(post("/v1/sessions/" + mine + "/events", "{\"event_type\":\"x\",\"payload\":1}")
                        .status())
                .isEqualTo(404);
        assertThat(post("/v1/sessions/" + mine + "/terminate", null).status()).isEqualTo(404);
        assertThat(get("/v1/sessions/" + mine + "/events/stream").status()).isEqualTo(404);
        var listed = get("/v1/sessions").json().get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("session_id").asText()).isEqualTo(theirs);
        apiKey = KEY_A;
        assertThat(get("/v1/sessions/" + mine).json().get("status").asText()).isEqualTo("running");
        assertThat(manager.get(mine).tenant()).isEqualTo("team-a");
    }
}
