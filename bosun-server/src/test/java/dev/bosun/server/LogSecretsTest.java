package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.json.Json;
import dev.bosun.server.auth.ApiKeys;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No secret reaches a log line: requests carrying API keys (good, bad, in a query, in a path),
 * Basic credentials, webhook secrets (generated and chosen) and a PLATO key whose deliveries fail are
 * driven through a real server while both log formats are captured; neither holds any of them. The
 * access log still says what happened, with the route template and the request id.
 */
class LogSecretsTest extends ServerHarness {
    private final String key = "bsn_" + UUID.randomUUID().toString().replace("-", "");
    private final String wrongKey = "bsn_" + UUID.randomUUID().toString().replace("-", "");
    private final String queryKey = "q" + UUID.randomUUID().toString().replace("-", "");
    private final String basicPassword = "pw" + UUID.randomUUID().toString().replace("-", "");
    private final String chosenSecret = "chosen-" + UUID.randomUUID();
    private final String platoKey = "plato-" + UUID.randomUUID();
    private final LogCapture logs = new LogCapture();
    private WebhookReceiver receiver;

    @AfterEach
    void closeCapture() {
        logs.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void secretsNeverReachTheLogAndTheAccessLogNamesRoutesAndRequestIds() throws Exception {
        receiver = new WebhookReceiver(); // knows no secret: every delivery is refused with 401, and retried
        String base = receiver.url().replace("/hook", "");
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(key)))
                .set("webhook_private_targets", true)
                .set("plato_url", base + "/plato")
                .set("plato_api_key", platoKey)
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "100ms"));
        apiKey = key;

        String session = createSession("{\"name\":\"secretive\",\"agent_id\":\"a\"}");
        Res generated = post("/v1/webhooks", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"*\"]}");
        assertThat(generated.status()).as(generated.text()).isEqualTo(201);
        String generatedSecret = generated.json().get("secret").asText();
        Res chosen = post(
                "/v1/webhooks",
                "{\"url\":\"" + receiver.url() + "\",\"events\":[\"*\"],\"secret\":\"" + chosenSecret + "\"}");
        assertThat(chosen.status()).as(chosen.text()).isEqualTo(201);
        assertThat(post(
                                "/v1/sessions/" + session + "/events",
                                "{\"event_type\":\"input\",\"payload\":{\"password\":\"" + basicPassword + "\"}}")
                        .status())
                .isEqualTo(202);

        assertThat(call("GET", "/v1/sessions", null, wrongKey).status()).isEqualTo(401);
        assertThat(call("GET", "/v1/sessions?api_key=" + queryKey + "&token=" + queryKey, null, null)
                        .status())
                .isEqualTo(401);
        assertThat(get("/v1/sessions/" + wrongKey).status()).isEqualTo(404);
        assertThat(get("/v1/sessions/" + session + "?api_key=" + queryKey).status())
                .isEqualTo(200);
        HttpResponse<String> basic = send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/sessions"))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(("team-a:" + basicPassword).getBytes())));
        assertThat(basic.statusCode()).isEqualTo(401);
        assertNoLeaks(basic.body());
        Res malformed = call("POST", "/v1/sessions", "{\"name\": \"" + key + "\", \"agent_id\": ", key);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(post("/v1/sessions/" + session + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
        // the webhooks are tried (and refused) at least twice each, the tiles sent to a PLATO that answers 404
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.got().size() >= 4);

        // a caller's X-Request-Id is echoed when it is a safe token, replaced when it is not
        HttpResponse<String> given = send(
                HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).header("X-Request-Id", "trace-42.a:b"));
        assertThat(given.headers().firstValue("X-Request-Id")).hasValue("trace-42.a:b");
        HttpResponse<String> unsafe = send(
                HttpRequest.newBuilder(URI.create(server.url() + "/healthz")).header("X-Request-Id", "x y\"<z>"));
        assertThat(unsafe.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");

        List<String> secrets = List.of(
                key,
                wrongKey,
                queryKey,
                basicPassword,
                chosenSecret,
                generatedSecret,
                platoKey,
                Base64.getEncoder().encodeToString(("team-a:" + basicPassword).getBytes()));
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.json().contains("trace-42.a:b"));
        for (String out : List.of(logs.text(), logs.json())) {
            for (String secret : secrets) assertThat(out).as("log output").doesNotContain(secret);
            assertThat(out).doesNotContain(dataDir.toString());
        }

        List<JsonNode> access = new ArrayList<>();
        for (String line : logs.json().split("\n")) {
            JsonNode j = Json.parseTrusted(line); // every line is one JSON object
            assertThat(j.has("@timestamp") && j.has("log.level") && j.has("message"))
                    .as(line)
                    .isTrue();
            if (j.path("log.logger").asText().equals("bosun.access")) access.add(j);
        }
        assertThat(access).anySatisfy(j -> {
            assertThat(j.get("http.route").asText()).isEqualTo("/v1/sessions/{id}");
            assertThat(j.get("http.status").asInt()).isEqualTo(200);
            assertThat(j.get("tenant").asText()).isEqualTo("team-a");
            assertThat(j.get("session_id").asText()).isEqualTo(session);
            assertThat(j.has("duration_ms")).isTrue();
        });
        assertThat(access).anySatisfy(j -> {
            assertThat(j.get("http.route").asText()).isEqualTo("/healthz");
            assertThat(j.get("request_id").asText()).isEqualTo("trace-42.a:b");
        });
        assertThat(access).as("a refused key is logged as a 401 with its route").anySatisfy(j -> {
            assertThat(j.get("http.route").asText()).isEqualTo("/v1/sessions");
            assertThat(j.get("http.status").asInt()).isEqualTo(401);
        });
        assertThat(logs.text()).contains("GET /v1/sessions/{id} 200");
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
