package dev.bosun.tile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.TileSettings;
import dev.bosun.delivery.CheckpointBatch;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The kinds the relay tests do not reach through a real session: errors, emergence alerts, encodings. */
class TileFactoryTest {
    private static final TileSettings SETTINGS = new TileSettings(
            true,
            Optional.empty(),
            Optional.empty(),
            "room/a",
            "bosun",
            TileSettings.AnswerFormat.STRING,
            dev.bosun.config.RoomNames.HIERARCHICAL,
            1.0,
            0.9,
            0.95,
            0.8);
    private final TileFactory factory = new TileFactory(SETTINGS, true);
    private final CheckpointBatch session = new CheckpointBatch(
            "sess_1", "default", "oracle1", "research", Optional.empty(), Optional.empty(), 0, 5, List.of());

    private ObjectNode tile(String type, ObjectNode payload) {
        return factory.tile(
                        session,
                        new Event("sess_1", 3, Direction.SYSTEM, type, payload, Instant.parse("2026-11-21T08:00:00Z")))
                .orElseThrow();
    }

    @Test
    void anErrorEventBecomesASessionErrorTileWithItsMessageCut() {
        String long_ = "x".repeat(5000);
        ObjectNode t = tile(
                SystemEvents.ERROR,
                Json.object().put("code", "outbox_file_too_large").put("message", "big\nfile " + long_));
        assertThat(t.get("question").asText())
                .startsWith("[SESSION_ERROR] oracle1:research — big file xxx")
                .hasSizeLessThan(260);
        assertThat(t.get("answer").get("code").asText()).isEqualTo("outbox_file_too_large");
        assertThat(t.get("answer").get("message").asText()).hasSize(TileFactory.MAX_TEXT);
        assertThat(t.get("tags")).extracting(JsonNode::asText).containsExactly("scout", "session", "error", "oracle1");
        assertThat(t.get("confidence").asDouble()).isEqualTo(0.95);
        assertThat(Json.write(PlatoSender.wireTile(t, TileSettings.AnswerFormat.STRING)
                                .get("answer"))
                        .length())
                .as("within PLATO's 5000 characters")
                .isLessThan(5000);
    }

    @Test
    void anEmergenceAlertUsesItsHeadlineAsTheQuestion() {
        ObjectNode p = Json.object()
                .put("h1", 5)
                .put("threshold", 4)
                .put("vertices", 6)
                .put("edges", 10)
                .put("agent_id", "a1")
                .put("task_id", "t9")
                .put("headline", "[EMERGENCE ALERT] β₁=5 > V-2=4");
        ObjectNode t = tile(SystemEvents.EMERGENCE_ALERT, p);
        assertThat(t.get("question").asText()).isEqualTo("[EMERGENCE ALERT] β₁=5 > V-2=4");
        assertThat(t.get("answer").get("h1").asInt()).isEqualTo(5);
        assertThat(t.get("answer").get("session_id").asText()).isEqualTo("sess_1");
        assertThat(t.get("tags")).extracting(JsonNode::asText).containsExactly("scout", "emergence", "alert");
        assertThat(t.get("confidence").asDouble()).isEqualTo(0.8);
        assertThat(t.get("domain").asText()).isEqualTo("room/a");
    }

    @Test
    void aRoutedTaskNamesItsAgentAndCarriesTheDecision() {
        ObjectNode routing = Json.object()
                .put("agent_id", "forge")
                .put("h1_before", 3)
                .put("h1_after", 4)
                .put("emergence_risk", 0.0);
        ObjectNode p =
                Json.object().put("task_id", "task_1").put("name", "compile").put("assigned_agent", "forge");
        p.set("routing", routing);
        ObjectNode t = tile(SystemEvents.TASK_STARTED, p);
        assertThat(t.get("question").asText()).isEqualTo("[TASK_START] compile → forge");
        assertThat(t.get("answer").get("routing")).isEqualTo(routing);
        assertThat(t.get("answer").get("agent_id").asText()).isEqualTo("forge");
    }

    @Test
    void nonCheckpointEventsMakeNoTile() {
        assertThat(factory.tile(session, new Event("sess_1", 1, Direction.OUT, "chat", Json.object(), Instant.EPOCH)))
                .isEmpty();
    }

    @Test
    void theWireEncodingIsAStringByDefaultAndLeavesTheStoredTileAlone() {
        ObjectNode t = tile(
                SystemEvents.SESSION_STARTED, Json.object().put("max_tasks", 5).put("task_timeout_seconds", 60));
        ObjectNode wire = PlatoSender.wireTile(t, TileSettings.AnswerFormat.STRING);
        assertThat(wire.get("answer").isTextual()).isTrue();
        assertThat(wire.get("answer").asText()).startsWith("{\"session_id\":\"sess_1\"");
        assertThat(t.get("answer").isObject()).isTrue();
        assertThat(PlatoSender.wireTile(t, TileSettings.AnswerFormat.OBJECT)
                        .get("answer")
                        .isObject())
                .isTrue();
    }
}
