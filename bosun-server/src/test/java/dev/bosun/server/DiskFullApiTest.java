package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a data dir whose disk fills up (a real 8 MiB tmpfs): new work is refused with 507
 * and a Retry-After saying the disk is full, readiness says so, terminates and ends still succeed,
 * and once the disk has room again everything works without a restart and no seq is missing.
 */
class DiskFullApiTest extends ServerHarness {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskRefusesNewWorkWith507LetsEndsThroughAndRecoversByItself() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "8m")) {
            start(l -> l.set("data_dir", disk.dir().resolve("data").toString()).set("min_free_disk", "2MiB"));
            String a = createSession("{\"name\":\"a\",\"agent_id\":\"x\"}");
            String b = createSession("{\"name\":\"b\",\"agent_id\":\"x\"}");
            String c = createSession("{\"name\":\"c\",\"agent_id\":\"x\"}");
            for (int i = 0; i < 5; i++)
                assertThat(post("/v1/sessions/" + a + "/events", "{\"event_type\":\"m\",\"payload\":" + i + "}")
                                .status())
                        .isEqualTo(202);
            assertThat(get("/readyz").status()).isEqualTo(200);

            disk.fill();
            Res create = post("/v1/sessions", "{\"name\":\"d\",\"agent_id\":\"x\"}");
            assertDiskFull(create);
            assertDiskFull(post("/v1/sessions/" + a + "/events", "{\"event_type\":\"m\",\"payload\":\"late\"}"));
            assertDiskFull(post("/v1/sessions/" + a + "/tasks", "{\"name\":\"t\"}"));
            Res ready = get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().at("/status").asText()).isEqualTo("not_ready");
            assertThat(ready.json().at("/checks/disk").asText()).isEqualTo("low");
            assertThat(ready.json().at("/reasons/0").asText()).contains("min_free_disk");

            // Ends and terminates still succeed on the full disk.
            Res term = post("/v1/sessions/" + b + "/terminate", "{\"reason\":\"disk full drill\"}");
            assertThat(term.status()).as(term.text()).isEqualTo(200);
            assertThat(term.json().get("status").asText()).isEqualTo("ended");
            Res end = post("/v1/sessions/" + c + "/end", "{\"outcome\":\"success\"}");
            assertThat(end.status()).as(end.text()).isEqualTo(200);
            assertThat(types(c)).containsExactly("session_started", "session_ended");

            disk.free();
            await().atMost(Duration.ofSeconds(20)).until(() -> get("/readyz").status() == 200);
            assertThat(get("/readyz").json().at("/checks/store").asText()).isEqualTo("ok");
            Res sent = post("/v1/sessions/" + a + "/events", "{\"event_type\":\"m\",\"payload\":\"after\"}");
            assertThat(sent.status()).as(sent.text()).isEqualTo(202);
            assertThat(sent.json().get("seq").asLong())
                    .as("the refused sends used no seq")
                    .isEqualTo(7);
            JsonNode events =
                    get("/v1/sessions/" + a + "/events?limit=100").json().get("events");
            for (int i = 0; i < events.size(); i++)
                assertThat(events.get(i).get("seq").asLong()).isEqualTo(i + 1L);
            String d = createSession("{\"name\":\"d\",\"agent_id\":\"x\"}");
            assertThat(types(d)).containsExactly("session_started");
            assertThat(get("/v1/sessions?limit=100").json().get("items")).hasSize(4);
        }
    }

    private java.util.List<String> types(String id) {
        var out = new java.util.ArrayList<String>();
        get("/v1/sessions/" + id + "/events?limit=100")
                .json()
                .get("events")
                .forEach(e -> out.add(e.get("event_type").asText()));
        return out;
    }

    private static void assertDiskFull(Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(507);
        assertThat(r.code()).isEqualTo("INSUFFICIENT_STORAGE");
        assertThat(r.json().at("/error/message").asText()).contains("disk is full");
        assertThat(r.header("Retry-After")).isNotNull().matches("\\d+");
    }
}
