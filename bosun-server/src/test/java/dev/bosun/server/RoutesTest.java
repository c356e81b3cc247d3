package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every route of docs/API.md, happy path, against a real server. */
class RoutesTest extends ServerHarness {
    @BeforeEach
    void up() {
        start();
    }

    @Test
    void sessionLifecycleOverHttp() {
        Res created = post("/v1/sessions", """
                {"name":"research","agent_id":"oracle1","tags":["h1","research"],"metadata":{"team":"a"},
                 "idle_timeout_seconds":600,"ttl_seconds":3600,"max_tasks":5,"task_timeout_seconds":120}""");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("session_id").asText();
        assertThat(created.header("Location")).isEqualTo("/v1/sessions/" + id);
        assertThat(created.json().get("status").asText()).isEqualTo("running");
        assertThat(created.json().get("idle_timeout_seconds").asLong()).isEqualTo(600);
        assertThat(created.json().get("ttl_seconds").asLong()).isEqualTo(3600);
        assertThat(created.json().get("max_tasks").asInt()).isEqualTo(5);
        assertThat(created.json().at("/metadata/team").asText()).isEqualTo("a");
        assertThat(created.json().get("outcome").isNull()).isTrue();

        Res sent = post("/v1/sessions/" + id + "/events", "{\"event_type\":\"input\",\"payload\":{\"q\":1}}");
        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.json().get("seq").asLong()).isEqualTo(2);
        Res emitted = post("/v1/sessions/" + id + "/emit", "{\"event_type\":\"thought\",\"payload\":\"hmm\"}");
        assertThat(emitted.json().get("seq").asLong()).isEqualTo(3);

        Res task = post("/v1/sessions/" + id + "/tasks", """
                {"task_id":"t1","name":"analyze","data":{"x":1},"priority":"high","required_capabilities":["research"]}""");
        assertThat(task.status()).isEqualTo(201);
        assertThat(task.json().get("status").asText()).isEqualTo("running");
        assertThat(task.json().get("priority").asText()).isEqualTo("high");
        post("/v1/sessions/" + id + "/tasks", "{\"name\":\"second\"}");
        assertThat(get("/v1/sessions/" + id + "/tasks?active=true").json().get("items"))
                .hasSize(2);
        Res done = post(
                "/v1/sessions/" + id + "/tasks/t1/complete",
                "{\"outcome\":\"success\",\"duration_ms\":2340,\"result\":{\"found\":5}}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("duration_ms").asLong()).isEqualTo(2340);
        assertThat(get("/v1/sessions/" + id + "/tasks/t1")
                        .json()
                        .at("/result/found")
                        .asInt())
                .isEqualTo(5);
        assertThat(get("/v1/sessions/" + id + "/tasks?active=true").json().get("items"))
                .hasSize(1);
        assertThat(get("/v1/sessions/" + id + "/tasks").json().get("items")).hasSize(2);

        Res hb = post("/v1/sessions/" + id + "/heartbeat", null);
        assertThat(hb.status()).isEqualTo(200);

        Res poll = get("/v1/sessions/" + id + "/events?after=0&limit=3");
        assertThat(poll.json().get("events")).hasSize(3);
        assertThat(poll.json().get("has_more").asBoolean()).isTrue();
        assertThat(poll.json().get("next_cursor").asLong()).isEqualTo(3);
        assertThat(poll.json().get("status").asText()).isEqualTo("running");
        assertThat(poll.json().at("/events/1/direction").asText()).isEqualTo("in");
        assertThat(poll.json().at("/events/1/payload/q").asInt()).isEqualTo(1);

        Res ended = post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}");
        assertThat(ended.json().get("status").asText()).isEqualTo("ended");
        assertThat(ended.json().get("outcome").asText()).isEqualTo("success");
        assertThat(ended.json().get("reason").asText()).isEqualTo("completed");
        assertThat(ended.json().at("/tasks/succeeded").asInt()).isEqualTo(1);
        assertThat(ended.json().at("/tasks/cancelled").asInt()).isEqualTo(1);
        Res got = get("/v1/sessions/" + id);
        assertThat(got.json().get("ended_at").isTextual()).isTrue();
        assertThat(got.json().get("expires_at").isTextual()).isTrue();
    }

    @Test
    void terminateAndDeleteAreIdempotent() {
        String id = createSession("{\"name\":\"t\",\"agent_id\":\"a\"}");
        Res t = post("/v1/sessions/" + id + "/terminate", "{\"reason\":\"operator\"}");
        assertThat(t.json().get("reason").asText()).isEqualTo("terminated");
        assertThat(t.json().get("outcome").asText()).isEqualTo("cancelled");
        assertThat(t.json().get("error").asText()).isEqualTo("operator");
        assertThat(call("DELETE", "/v1/sessions/" + id, null).status()).isEqualTo(200);
        assertThat(post("/v1/sessions/" + id + "/terminate", null).status()).isEqualTo(200);
        String id2 = createSession("{\"name\":\"t\",\"agent_id\":\"a\"}");
        assertThat(call("DELETE", "/v1/sessions/" + id2, null)
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("ended");
    }

    @Test
    void listFiltersAndPaginates() {
        for (int i = 0; i < 5; i++)
            createSession("{\"name\":\"s" + i + "\",\"agent_id\":\"" + (i < 2 ? "a" : "b") + "\",\"tags\":[\"t"
                    + (i % 2) + "\"]}");
        Res page = get("/v1/sessions?limit=2");
        assertThat(page.json().get("items")).hasSize(2);
        assertThat(page.json().get("has_more").asBoolean()).isTrue();
        Res next = get(
                "/v1/sessions?limit=10&after=" + page.json().get("next_cursor").asText());
        assertThat(next.json().get("items")).hasSize(3);
        assertThat(next.json().get("next_cursor").isNull()).isTrue();
        assertThat(get("/v1/sessions?agent_id=a").json().get("items")).hasSize(2);
        assertThat(get("/v1/sessions?tag=t0").json().get("items")).hasSize(3);
        assertThat(get("/v1/sessions?status=running").json().get("items")).hasSize(5);
        assertThat(get("/v1/sessions?status=ended").json().get("items")).isEmpty();
    }

    @Test
    void workerSessionLogsAndEchoOverHttp() {
        String id = createSession("{\"name\":\"w\",\"agent_id\":\"a\",\"profile\":\"chatty\"}");
        post("/v1/sessions/" + id + "/events", "{\"event_type\":\"input\",\"payload\":{\"n\":7}}");
        Res r = get("/v1/sessions/" + id + "/events?after=0&wait=10&limit=100");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/v1/sessions/" + id + "/events?after=0&limit=100")
                        .json()
                        .get("events")
                        .findValues("event_type")
                        .stream()
                        .anyMatch(v -> v.asText().equals("echo")));
        assertThat(r.status()).isEqualTo(200);
        Res err = get("/v1/sessions/" + id + "/logs?stream=stderr");
        assertThat(err.status()).isEqualTo(200);
        assertThat(err.header("Content-Type")).startsWith("text/plain");
        assertThat(err.text()).contains("hello-err");
        assertThat(get("/v1/sessions/" + id + "/logs?max_bytes=100").text().length())
                .isLessThanOrEqualTo(100);
    }

    @Test
    void healthReadinessMetricsAndOpenApiNeedNoKey() {
        var health = get("/healthz").json();
        assertThat(health.get("status").asText()).isEqualTo("ok");
        // Stamped by Maven's resource filtering: a broken filter would leave "unknown" or "${project.version}".
        assertThat(health.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        Res ready = get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().at("/checks/store").asText()).isEqualTo("ok");
        assertThat(get("/metrics").text()).contains("holodeck_session_active_total");
        assertThat(get("/openapi.json").status()).isEqualTo(200);
    }
}
