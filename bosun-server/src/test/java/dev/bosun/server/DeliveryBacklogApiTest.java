package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FakePlato;
import dev.bosun.server.auth.ApiKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/stats}' delivery backlogs: the tenant's pending, rejected and dead tiles and webhook
 * deliveries counted exactly, per webhook subscription with its receiver's health, over HTTP with a
 * PLATO double and a webhook receiver that both refuse everything, and two tenants' keys.
 */
class DeliveryBacklogApiTest extends ServerHarness {
    static final String KEY_A = "bsn_backlog_a";
    static final String KEY_B = "bsn_backlog_b";
    static final Duration SETTLE = Duration.ofSeconds(30);

    FakePlato plato;
    WebhookReceiver receiver;

    @BeforeEach
    void up() throws IOException {
        plato = new FakePlato();
        plato.always(FakePlato.Fault.ERROR_500);
        receiver = new WebhookReceiver(); // without a secret it answers every delivery 401: a failure, retried
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B)))
                .set("plato_url", plato.url().toString())
                .set("webhook_private_targets", true)
                .set("delivery_timeout", "2s")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms")
                .set("delivery_max_age", "1s"));
        apiKey = KEY_A;
    }

    @AfterEach
    void down() {
        if (receiver != null) receiver.close();
        if (plato != null) plato.close();
    }

    @Test
    void deadTilesAndWebhookDeliveriesAreCountedPerTenantWithTheReceiversHealth() {
        Res hook = post("/v1/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"*\"]}");
        assertThat(hook.status()).as(hook.text()).isEqualTo(201);
        String webhook = hook.json().get("webhook_id").asText();
        String s = createSession("{\"name\":\"doomed\",\"agent_id\":\"a\"}");
        assertThat(post("/v1/sessions/" + s + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);

        // a session start and a session end: two tiles and two webhook deliveries, all given up after 1 s
        await().atMost(SETTLE).untilAsserted(() -> {
            JsonNode st = get("/v1/stats").json();
            assertThat(st.get("tiles").toString()).isEqualTo("{\"pending\":0,\"rejected\":0,\"dead\":2}");
            assertThat(st.at("/webhooks/pending").asLong()).isZero();
            assertThat(st.at("/webhooks/dead").asLong()).isEqualTo(2);
        });
        JsonNode st = get("/v1/stats").json();
        assertThat(st.at("/webhooks/rejected").asLong()).isZero();
        assertThat(st.at("/webhooks/targets")).hasSize(1);
        JsonNode target = st.at("/webhooks/targets/0");
        assertThat(target.get("webhook_id").asText()).isEqualTo(webhook);
        assertThat(target.get("url").asText()).isEqualTo(receiver.url());
        assertThat(target.get("dead").asLong()).isEqualTo(2);
        assertThat(target.get("pending").asLong()).isZero();
        // it failed every attempt, at least two per delivery, in a row: down, with why
        assertThat(target.at("/health/status").asText()).isEqualTo("down");
        assertThat(target.at("/health/cause").asText()).isEqualTo("unreachable");
        assertThat(target.at("/health/consecutive_failures").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(target.at("/health/detail").asText()).contains("401");
        // the dead letters are exactly what the lists hold
        assertThat(get("/v1/tiles?state=dead").json().get("items")).hasSize(2);
        assertThat(get("/v1/webhooks/" + webhook + "/deliveries?state=dead")
                        .json()
                        .get("items"))
                .hasSize(2);

        // a retried tile is pending again at once, and counted so
        String tile = get("/v1/tiles?state=dead").json().at("/items/0/tile_id").asText();
        assertThat(post("/v1/tiles/" + tile + "/retry", null).status()).isEqualTo(200);
        JsonNode after = get("/v1/stats").json();
        assertThat(after.at("/tiles/dead").asLong() + after.at("/tiles/pending").asLong())
                .isEqualTo(2);
        assertThat(after.at("/tiles/dead").asLong()).isLessThanOrEqualTo(1);

        // another tenant sees none of it
        apiKey = KEY_B;
        JsonNode b = get("/v1/stats").json();
        assertThat(b.get("tiles").toString()).isEqualTo("{\"pending\":0,\"rejected\":0,\"dead\":0}");
        assertThat(b.get("webhooks").toString()).isEqualTo("{\"pending\":0,\"rejected\":0,\"dead\":0,\"targets\":[]}");
    }
}
