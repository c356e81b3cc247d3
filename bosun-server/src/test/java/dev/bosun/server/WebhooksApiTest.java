package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FaultLedger;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.wire.WebhookSignature;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The webhook routes against a real server, and deliveries end to end to a receiver served over
 * loopback HTTP in the test that verifies every signature as a real receiver would.
 */
class WebhooksApiTest extends ServerHarness {
    static final String KEY_A = "bsn_hooks_team_a";
    static final String KEY_B = "bsn_hooks_team_b";
    /**
     * A public address that needs no DNS (AS112's, globally reachable and nobody's webhook receiver):
     * accepted without webhook_private_targets, never called here.
     */
    static final String PUBLIC_URL = "https://192.31.196.7/hook";

    static final Duration SETTLE = Duration.ofSeconds(30);

    WebhookReceiver receiver;

    @AfterEach
    void closeReceiver() {
        if (receiver != null) receiver.close();
    }

    private void startServer(boolean privateTargets) {
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(KEY_A), "team-b:" + ApiKeys.sha256(KEY_B)))
                .set("webhook_private_targets", privateTargets)
                .set("max_webhooks", 3)
                .set("delivery_timeout", "2s")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms"));
        apiKey = KEY_A;
    }

    private Res create(String body) {
        return post("/v1/webhooks", body);
    }

    private void assertBad(Res r, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.json().at("/error/details/field").asText()).as(r.text()).isEqualTo(field);
    }

    @Test
    void theSecretIsShownOnceAndBadSubscriptionsAreRefusedNamingTheField() {
        startServer(false);
        Res made = create(
                "{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"session_ended\",\"task_completed\",\"session_ended\"]}");
        assertThat(made.status()).as(made.text()).isEqualTo(201);
        String id = made.json().get("webhook_id").asText();
        assertThat(id).startsWith("wh_");
        assertThat(made.header("Location")).isEqualTo("/v1/webhooks/" + id);
        String secret = made.json().get("secret").asText();
        assertThat(secret).matches("whsec_[0-9a-f]{64}");
        assertThat(made.json().get("events").toString())
                .as("duplicates dropped")
                .isEqualTo("[\"session_ended\",\"task_completed\"]");
        assertThat(made.json().get("url").asText()).isEqualTo(PUBLIC_URL);

        Res chosen = create(
                "{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"],\"secret\":\"a-long-random-shared-secret\"}");
        assertThat(chosen.status()).isEqualTo(201);
        assertThat(chosen.json().get("secret").asText()).isEqualTo("a-long-random-shared-secret");

        Res list = get("/v1/webhooks");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items")).hasSize(2);
        assertThat(list.json().at("/items/0/webhook_id").asText())
                .as("oldest first")
                .isEqualTo(id);
        Res one = get("/v1/webhooks/" + id);
        assertThat(one.status()).isEqualTo(200);
        for (Res r : List.of(list, one)) {
            assertThat(r.text())
                    .as("never shown again")
                    .doesNotContain(secret)
                    .doesNotContain("a-long-random-shared-secret")
                    .doesNotContain("\"secret\"");
        }
        assertThat(one.json().get("created_at").asText())
                .isEqualTo(made.json().get("created_at").asText());

        assertBad(create("{\"events\":[\"*\"]}"), "url");
        assertBad(create("{\"url\":\"ftp://hooks.example.com/x\",\"events\":[\"*\"]}"), "url");
        assertBad(create("{\"url\":\"https://user:pw@hooks.example.com/x\",\"events\":[\"*\"]}"), "url");
        Res loopback = create("{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"*\"]}");
        assertBad(loopback, "url");
        assertThat(loopback.json().at("/error/message").asText()).contains("webhook_private_targets");
        assertBad(create("{\"url\":\"http://10.1.2.3/x\",\"events\":[\"*\"]}"), "url");
        for (String host : List.of(
                "100.100.100.200",
                "0.0.0.1",
                "198.18.0.1",
                "240.0.0.1",
                "192.0.2.1",
                "[::ffff:127.0.0.1]",
                "[64:ff9b::7f00:1]",
                "[2002:7f00:1::]",
                "[fd00::1]",
                "[::1]",
                "no-such-host.invalid")) {
            Res r = create("{\"url\":\"http://" + host + "/x\",\"events\":[\"*\"]}");
            assertBad(r, "url");
            assertThat(r.json().at("/error/message").asText())
                    .as("one answer, resolving or not: no map of internal names")
                    .endsWith(
                            "does not resolve to a public address; this server allows only public webhook targets, not "
                                    + "loopback, private, link-local or other special-purpose addresses (webhook_private_targets=false)");
        }
        assertBad(create("{\"url\":\"" + PUBLIC_URL + "\"}"), "events");
        assertBad(create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[]}"), "events");
        Res unknownType = create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"task_completed\",\"lunch\"]}");
        assertBad(unknownType, "events");
        assertThat(unknownType.json().at("/error/message").asText()).contains("events[1]", "session_started");
        assertBad(create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":\"*\"}"), "events");
        assertBad(create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"],\"secret\":\"short\"}"), "secret");
        assertBad(
                create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"],\"secret\":\"has spaces in it, sixteen+\"}"),
                "secret");
        assertBad(create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"],\"retries\":3}"), "retries");
        assertBad(create("{\"url\":"), "body");
        assertThat(get("/v1/webhooks").json().get("items"))
                .as("nothing refused was made")
                .hasSize(2);

        assertThat(create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"error\"]}")
                        .status())
                .isEqualTo(201);
        Res over = create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"error\"]}");
        assertThat(over.status()).as("max_webhooks = 3").isEqualTo(429);
        assertThat(over.code()).isEqualTo("LIMIT_REACHED");
    }

    @Test
    void anotherTenantsSubscriptionIsNotFoundAndDeletingIsFinal() {
        startServer(false);
        String id = create("{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"]}")
                .json()
                .get("webhook_id")
                .asText();
        String w = "/v1/webhooks/" + id;

        Res theirs = call("GET", "/v1/webhooks", null, KEY_B);
        assertThat(theirs.status()).isEqualTo(200);
        assertThat(theirs.json().get("items")).isEmpty();
        for (Res r : List.of(
                call("GET", w, null, KEY_B),
                call("GET", w + "/deliveries", null, KEY_B),
                call("DELETE", w, null, KEY_B),
                call("POST", w + "/deliveries/whd_x/retry", null, KEY_B))) {
            assertThat(r.status()).as(r.text()).isEqualTo(404);
            assertThat(r.code()).isEqualTo("NOT_FOUND");
        }
        // Team B reached the limit's count for nobody: its own subscriptions are its own.
        assertThat(call("POST", "/v1/webhooks", "{\"url\":\"" + PUBLIC_URL + "\",\"events\":[\"*\"]}", KEY_B)
                        .status())
                .isEqualTo(201);
        assertThat(get("/v1/webhooks").json().get("items")).hasSize(1);

        Res deleted = call("DELETE", w, null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.text()).isEmpty();
        assertThat(deleted.header("Content-Type")).isNull();
        assertThat(get(w).status()).isEqualTo(404);
        assertThat(call("DELETE", w, null).status()).isEqualTo(404);
        assertThat(get("/v1/webhooks").json().get("items")).isEmpty();
    }

    /**
     * The server delivers to a receiver on loopback (allowed by {@code webhook_private_targets}), which
     * checks every request's signature with the secret from the create answer. Its first answer is a
     * 500, so the first delivery is retried; a later 410 Gone makes one {@code rejected}, which a retry
     * through the API sends again.
     */
    @Test
    void deliveriesAreSignedRetriedAndVisibleWithTheirState() throws IOException {
        startServer(true);
        receiver = new WebhookReceiver();
        receiver.script.add(500);
        Res made = create("{\"url\":\"" + receiver.url() + "\",\"events\":[\"task_completed\",\"session_ended\"]}");
        assertThat(made.status()).as(made.text()).isEqualTo(201);
        receiver.secret = made.json().get("secret").asText();
        String w = "/v1/webhooks/" + made.json().get("webhook_id").asText();

        String id = createSession("{\"name\":\"hooked\",\"agent_id\":\"oracle1\"}");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"task_id\":\"t1\",\"name\":\"compile\"}")
                        .status())
                .isEqualTo(201);
        assertThat(post("/v1/sessions/" + id + "/tasks/t1/complete", "{\"outcome\":\"success\",\"duration_ms\":42}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);

        await().atMost(SETTLE)
                .until(() -> get(w + "/deliveries?state=delivered")
                                .json()
                                .get("items")
                                .size()
                        == 2);
        List<WebhookReceiver.Got> got = receiver.got();
        assertThat(got).as("every request carried a valid signature").allMatch(WebhookReceiver.Got::verified);
        assertThat(got).extracting(WebhookReceiver.Got::answered).containsExactly(500, 200, 200);
        assertThat(got.get(0).deliveryId())
                .as("the 500 was retried: same delivery")
                .isEqualTo(got.get(1).deliveryId());
        JsonNode first = got.get(1).json();
        assertThat(first.get("id").asText()).isEqualTo(got.get(1).deliveryId());
        assertThat(first.get("type").asText())
                .isEqualTo("task_completed")
                .isEqualTo(got.get(1).event());
        assertThat(first.get("session_id").asText()).isEqualTo(id);
        assertThat(first.get("seq").asLong()).isEqualTo(3);
        assertThat(first.at("/payload/task_id").asText()).isEqualTo("t1");
        assertThat(first.at("/payload/duration_ms").asLong()).isEqualTo(42);
        assertThat(got.get(2).json().get("type").asText()).as("in log order").isEqualTo("session_ended");
        assertThat(WebhookSignature.verify(
                        "another-secret-entirely",
                        got.get(1).timestamp(),
                        got.get(1).signature(),
                        got.get(1).body(),
                        Instant.now(),
                        Duration.ofMinutes(5)))
                .as("the check means something")
                .isFalse();

        Res listed = get(w + "/deliveries");
        JsonNode items = listed.json().get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("event_type").asText()).as("newest first").isEqualTo("session_ended");
        JsonNode retried = items.get(1);
        assertThat(retried.get("delivery_id").asText()).isEqualTo(got.get(0).deliveryId());
        assertThat(retried.get("webhook_id").asText())
                .isEqualTo(made.json().get("webhook_id").asText());
        assertThat(retried.get("state").asText()).isEqualTo("delivered");
        assertThat(retried.get("attempts").asInt()).isEqualTo(2);
        assertThat(retried.get("last_status").asInt()).isEqualTo(200);
        assertThat(retried.get("delivered_at").isTextual()).isTrue();
        assertThat(retried.get("body")).as("the body listed is the body sent").isEqualTo(first);

        // 410 Gone is final: rejected, until retried by hand.
        receiver.script.add(410);
        String second = createSession("{\"name\":\"gone\",\"agent_id\":\"oracle1\"}");
        assertThat(post("/v1/sessions/" + second + "/end", "{\"outcome\":\"failed\"}")
                        .status())
                .isEqualTo(200);
        await().atMost(SETTLE)
                .until(() -> get(w + "/deliveries?state=rejected")
                                .json()
                                .get("items")
                                .size()
                        == 1);
        JsonNode rejected = get(w + "/deliveries?state=rejected").json().at("/items/0");
        assertThat(rejected.get("session_id").asText()).isEqualTo(second);
        assertThat(rejected.get("last_status").asInt()).isEqualTo(410);
        assertThat(rejected.get("last_error").asText()).contains("410");
        String rejectedId = rejected.get("delivery_id").asText();

        Res conflict = post(w + "/deliveries/" + got.get(0).deliveryId() + "/retry", null);
        assertThat(conflict.status()).as("a delivered one").isEqualTo(409);
        Res other = create("{\"url\":\"" + receiver.url() + "\",\"events\":[\"error\"]}");
        String otherPath = "/v1/webhooks/" + other.json().get("webhook_id").asText();
        assertThat(post(otherPath + "/deliveries/" + rejectedId + "/retry", null)
                        .status())
                .as("not that subscription's delivery")
                .isEqualTo(404);
        assertThat(call("POST", w + "/deliveries/" + rejectedId + "/retry", null, KEY_B)
                        .status())
                .isEqualTo(404);

        Res again = post(w + "/deliveries/" + rejectedId + "/retry", null);
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().get("state").asText()).isIn("pending", "delivered");
        await().atMost(SETTLE)
                .until(() -> get(w + "/deliveries?state=delivered")
                                .json()
                                .get("items")
                                .size()
                        == 3);
        List<WebhookReceiver.Got> all = receiver.got();
        assertThat(all).allMatch(WebhookReceiver.Got::verified);
        assertThat(all)
                .filteredOn(g -> g.deliveryId().equals(rejectedId))
                .extracting(WebhookReceiver.Got::answered)
                .containsExactly(410, 200);
    }

    /**
     * DNS rebinding: the name resolves to a public address when the subscription is made and to
     * loopback, where a Bosun or any local service listens, when it is delivered to. The delivery is
     * refused by policy, and nothing reaches the loopback receiver.
     */
    @Test
    @Tag("faults")
    void aHostThatRebindsToLoopbackAfterCreationIsRefusedAtEveryDeliveryAndNothingReachesIt() throws IOException {
        var dns = new RebindingResolver("rebind.example", "93.184.215.14");
        webhookResolver = dns;
        startServer(false);
        receiver = new WebhookReceiver();
        String url = "http://rebind.example:" + receiver.server.getAddress().getPort() + "/hook";
        Res made = create("{\"url\":\"" + url + "\",\"events\":[\"session_started\",\"session_ended\"]}");
        assertThat(made.status()).as(made.text()).isEqualTo(201);
        receiver.secret = made.json().get("secret").asText();
        String w = "/v1/webhooks/" + made.json().get("webhook_id").asText();
        int atCreation = dns.lookups.get();

        dns.answer("127.0.0.1");
        String id = createSession("{\"name\":\"rebound\",\"agent_id\":\"oracle1\"}");
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);

        await().atMost(SETTLE)
                .until(() -> get(w + "/deliveries").json().get("items").findValues("attempts").stream()
                        .anyMatch(a -> a.asInt() >= 2));
        JsonNode head = attempted(w);
        FaultLedger.inputs(head.get("attempts").asInt()); // deliveries tried at a name that now answers loopback
        assertThat(head.get("last_error").asText()).isEqualTo(dev.bosun.delivery.WebhookSender.REFUSED_BY_POLICY);
        assertThat(head.get("last_status").isNull() || head.get("last_status").isMissingNode())
                .as(head.toString())
                .isTrue();
        assertThat(dns.lookups.get()).as("resolved again before every attempt").isGreaterThan(atCreation + 1);
        assertThat(receiver.got()).as("nothing reached loopback").isEmpty();
    }

    /** The subscription's delivery that was attempted (the head of its lane; the others wait behind it). */
    private JsonNode attempted(String webhook) {
        for (JsonNode d : get(webhook + "/deliveries").json().get("items"))
            if (d.get("attempts").asInt() > 0) return d;
        throw new AssertionError("no delivery of " + webhook + " was attempted");
    }

    /**
     * With private targets allowed, what the delivery record says of a private target that gave no
     * HTTP answer is the same whether its port is closed or open and silent: the record is no port scanner.
     */
    @Test
    @Tag("faults")
    void privateTargetsThatGiveNoAnswerReadTheSameWhateverTheCause() throws IOException {
        startServer(true);
        int closed;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            var hooks = new java.util.ArrayList<String>();
            for (int port : List.of(closed, silent.getLocalPort())) {
                Res made = create("{\"url\":\"http://127.0.0.1:" + port + "/x\",\"events\":[\"session_ended\"]}");
                assertThat(made.status()).as(made.text()).isEqualTo(201);
                hooks.add("/v1/webhooks/" + made.json().get("webhook_id").asText() + "/deliveries");
            }
            String id = createSession("{\"name\":\"scan\",\"agent_id\":\"oracle1\"}");
            assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                            .status())
                    .isEqualTo(200);
            for (String h : hooks) {
                await().atMost(SETTLE)
                        .until(() -> get(h).json().at("/items/0/last_error").isTextual());
                JsonNode d = get(h).json().at("/items/0");
                assertThat(d.get("last_error").asText()).as(h).isEqualTo(dev.bosun.delivery.WebhookSender.UNREACHABLE);
                FaultLedger.inputs(1);
            }
        }
    }
}
