package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import org.junit.jupiter.api.Test;

/** Every error code over HTTP: status, envelope, the field named, no leaks. */
class ErrorsTest extends ServerHarness {

    @Test
    void badRequestsNameTheField() {
        start();
        Res r = post("/v1/sessions", "{\"name\":\"x\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.json().at("/error/message").asText()).contains("not valid JSON");
        r = post("/v1/sessions", "[1,2]");
        assertThat(r.json().at("/error/message").asText()).contains("JSON object");
        r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"colour\":\"red\"}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("colour");
        r = post("/v1/sessions", "{\"name\":5,\"agent_id\":\"a\"}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("name");
        assertThat(r.json().at("/error/message").asText()).contains("must be a string");
        r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"metadata\":[1]}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("metadata");
        r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"idle_timeout_seconds\":10}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("idle_timeout_seconds");
        assertThat(r.json().at("/error/message").asText()).startsWith("idle_timeout_seconds");
        r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"ttl_seconds\":\"long\"}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("ttl_seconds");
        r = post("/v1/sessions", "{\"agent_id\":\"a\"}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("name");
        r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"../etc\"}");
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("agent_id");
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        assertThat(get("/v1/sessions/" + id + "/events?after=-1")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("after");
        assertThat(get("/v1/sessions/" + id + "/events?after=99")
                        .json()
                        .at("/error/message")
                        .asText())
                .contains("past the end");
        assertThat(get("/v1/sessions/" + id + "/events?limit=0")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("limit");
        assertThat(get("/v1/sessions/" + id + "/events?limit=10000").status()).isEqualTo(400);
        assertThat(get("/v1/sessions/" + id + "/events?wait=abc")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("wait");
        assertThat(get("/v1/sessions/" + id + "/events?wait=9999").status()).isEqualTo(400);
        assertThat(post("/v1/sessions/" + id + "/events", "{\"event_type\":\"x\"}")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("payload");
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"name\":\"t\",\"priority\":\"urgent\"}")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("priority");
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"meh\"}")
                        .json()
                        .at("/error/details/field")
                        .asText())
                .isEqualTo("outcome");
        assertThat(get("/v1/sessions/" + id + "/logs").status()).isEqualTo(409); // no worker
    }

    @Test
    void notFoundConflictAndCaps() {
        start(l -> l.set("max_tasks", 1).set("max_sessions", 2));
        assertThat(get("/v1/sessions/sess_nope").status()).isEqualTo(404);
        assertThat(get("/v1/sessions/sess_nope").code()).isEqualTo("NOT_FOUND");
        assertThat(get("/v1/sessions/..%2F..%2Fetc").status()).isEqualTo(404);
        assertThat(get("/v1/nothing-here").json().at("/error/message").asText()).contains("no route");
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        assertThat(get("/v1/sessions/" + id + "/tasks/none").status()).isEqualTo(404);
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"name\":\"one\",\"task_id\":\"a\"}")
                        .status())
                .isEqualTo(201);
        Res cap = post("/v1/sessions/" + id + "/tasks", "{\"name\":\"two\"}");
        assertThat(cap.status()).isEqualTo(429);
        assertThat(cap.code()).isEqualTo("LIMIT_REACHED");
        post("/v1/sessions/" + id + "/tasks/a/complete", "{\"outcome\":\"success\"}");
        Res twice = post("/v1/sessions/" + id + "/tasks/a/complete", "{\"outcome\":\"success\"}");
        assertThat(twice.status()).isEqualTo(409);
        createSession("{\"name\":\"y\",\"agent_id\":\"a\"}");
        Res full = post("/v1/sessions", "{\"name\":\"z\",\"agent_id\":\"a\"}");
        assertThat(full.status()).isEqualTo(429);
        post("/v1/sessions/" + id + "/end", "{\"outcome\":\"failed\",\"error\":\"boom\"}");
        Res late = post("/v1/sessions/" + id + "/events", "{\"event_type\":\"x\",\"payload\":1}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.code()).isEqualTo("CONFLICT");
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(409);
    }

    @Test
    void payloadsAndBodiesOverTheirLimitsAre413() {
        start(l -> l.set("max_message_bytes", "4KiB").set("max_request_bytes", "16KiB"));
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        Res big = post(
                "/v1/sessions/" + id + "/events", "{\"event_type\":\"x\",\"payload\":\"" + "a".repeat(5000) + "\"}");
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().at("/error/details/field").asText()).isEqualTo("payload");
        // Refused before its body is read: the server must still drain it, or the kernel's reset on close
        // can destroy the 413 on its way (the client then saw "no bytes"), so each try must get its answer.
        for (int i = 0; i < 300; i++) {
            Res huge = post(
                    "/v1/sessions/" + id + "/events",
                    "{\"event_type\":\"x\",\"payload\":\"" + "a".repeat(40_000) + "\"}");
            assertThat(huge.status()).isEqualTo(413);
            assertThat(huge.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        }
        assertThat(get("/v1/sessions/" + id).json().get("last_seq").asLong()).isEqualTo(1); // nothing was lost or added
    }

    @Test
    void disabledSessionsAre403() {
        start(l -> l.set("sessions_enabled", false));
        Res r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\"}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("SESSIONS_DISABLED");
    }

    @Test
    void aWorkerThatCannotStartIs500WithoutHostDetails() {
        start();
        Res r = post("/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"profile\":\"missing\"}");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.code()).isEqualTo("INTERNAL");
        assertThat(r.text()).doesNotContain("/nonexistent");
        String id = r.json().at("/error/details/session_id").asText();
        assertThat(get("/v1/sessions/" + id).json().get("reason").asText()).isEqualTo("startup_failed");
    }

    @Test
    void anUnreachableStoreIs503() {
        start();
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");
        store.close();
        Res r = get("/v1/sessions/" + id);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.code()).isEqualTo("UNAVAILABLE");
        assertThat(get("/readyz").status()).isEqualTo(503);
    }

    @Test
    void bindingBeyondLoopbackWithoutKeysIsRefused() {
        var cfg = dev.bosun.contract.Fixtures.loader(dataDir)
                .set("host", "0.0.0.0")
                .set("port", 0)
                .load();
        try (var st = dev.bosun.store.sqlite.SqliteStore.open(cfg.dataDir());
                var m = dev.bosun.SessionManager.builder(cfg).store(st).build()) {
            try {
                BosunServer.start(cfg, m).close();
                throw new AssertionError("a server without keys bound 0.0.0.0");
            } catch (BosunException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("api_keys");
            }
        }
    }
}
