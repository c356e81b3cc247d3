package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.ConfigClamp;
import dev.bosun.config.ConfigLoader;
import dev.bosun.contract.Fixtures;
import dev.bosun.server.logging.Logging;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The states an operator must act on are logged once, at WARN or ERROR, with the ids as fields of
 * the line (the MDC): here an orphaned worker removed by the periodic reconciliation and a configuration value clamped
 * (the dead-lettered tile is in {@link TilesApiTest}).
 */
class ActionLogTest extends ServerHarness {

    @Test
    void anOrphanedWorkerIsRemovedWithOneWarningNamingItsSessionAndWorker() throws Exception {
        // A worker labelled for this node (a node id no other test uses) whose session the store has
        // never seen: what a crash between a worker's start and its session's commit leaves behind.
        String node = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
        String session =
                "ses_orphan" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (var logs = new LogCapture()) {
            start(l -> l.set("node_id", node).set("reconcile_interval", "1s"));
            var pb = new ProcessBuilder("setsid", "sleep", "300")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("BOSUN_SESSION_ID", session);
            pb.environment().put("BOSUN_NODE_ID", manager.workerNode());
            Process orphan = pb.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> !orphan.isAlive());
            } finally {
                orphan.destroyForcibly();
            }
            List<JsonNode> lines = logs.lines("WARN", "orphaned worker");
            assertThat(lines).as(logs.json()).hasSize(1);
            JsonNode line = lines.get(0);
            assertThat(line.path("session_id").asText()).isEqualTo(session);
            assertThat(line.path("worker_id").asText()).as("the worker's ref").isNotEmpty();
            assertThat(line.path("message").asText()).contains(session).contains("unknown session");
        }
    }

    @Test
    void aClampedConfigValueIsLoggedOnceAtWarnWithItsKey() {
        ConfigLoader loader = Fixtures.loader(dataDir).set("max_streams", 3);
        assertThat(loader.load().server().maxStreamsPerTenant()).isEqualTo(3);
        assertThat(loader.clamped()).extracting(ConfigClamp::key).containsExactly("max_streams_per_tenant");
        ConfigLoader explicit = Fixtures.loader(dataDir).set("max_streams", 3).set("max_streams_per_tenant", 2);
        explicit.load();
        assertThat(explicit.clamped()).as("set explicitly, nothing is changed").isEmpty();

        try (var logs = new LogCapture()) {
            Logging.warnClamped(loader.clamped());
            List<JsonNode> lines = logs.lines("WARN", "max_streams_per_tenant");
            assertThat(lines).as(logs.json()).hasSize(1);
            assertThat(lines.get(0).path("config_key").asText()).isEqualTo("max_streams_per_tenant");
            assertThat(lines.get(0).path("message").asText()).contains("max_streams = 3");
            assertThat(logs.text()).contains("WARN").contains("lowered from its default");
        }
    }
}
