package dev.bosun.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireJsonTest {
    @Test
    void requestsLeaveOutWhatIsNotSetAndKeepEveryFieldThatIs() {
        CreateSession c = CreateSession.of("n", "a")
                .withSandbox(WireJson.MAPPER.createObjectNode().put("runtime", "docker"))
                .withTtlSeconds(60L);
        assertThat(WireJson.write(c))
                .isEqualTo(
                        "{\"name\":\"n\",\"agent_id\":\"a\",\"ttl_seconds\":60,\"sandbox\":{\"runtime\":\"docker\"}}");
    }

    @Test
    void fieldsAreTheJsonNamesInOrderWithTheRequiredOnes() {
        assertThat(WireFields.of(EndSession.class))
                .extracting(WireFields.Field::name)
                .containsExactly("outcome", "error");
        assertThat(WireFields.of(EndSession.class))
                .extracting(WireFields.Field::required)
                .containsExactly(true, false);
        assertThat(WireFields.names(CreateSession.class))
                .contains("sandbox", "idle_timeout_seconds")
                .hasSize(12);
    }

    @Test
    void answersReadLenientlyWhereTheyMayAndStrictlyWhereTheyMustNot() throws Exception {
        JsonNode agent = WireJson.MAPPER.readTree(
                "{\"agent_id\":\"a\",\"capabilities\":[\"x\"],\"load\":0,\"registered_at\":"
                        + "\"2026-12-03T10:00:00Z\",\"updated_at\":\"2026-12-03T10:00:00.5Z\",\"last_seen_at\":\"2026-12-03T10:00:01Z\",\"new\":1}");
        Agent a = WireJson.read(agent, Agent.class);
        assertThat(a.updatedAt()).isEqualTo(Instant.parse("2026-12-03T10:00:00.5Z"));
        assertThat(WireJson.tree(a).get("updated_at").asText()).isEqualTo("2026-12-03T10:00:00.500Z");
        // a nullable or list property an older server does not send yet reads as null or empty
        Page<String> p = WireJson.read(
                WireJson.MAPPER.readTree("{\"has_more\":false}"),
                new com.fasterxml.jackson.core.type.TypeReference<Page<String>>() {});
        assertThat(p.items()).isEmpty();
        assertThat(p.nextCursor()).isNull();
        // a required non-null one is a broken answer
        assertThatThrownBy(() -> WireJson.read(WireJson.MAPPER.readTree("{\"capabilities\":[]}"), Agent.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agent_id");
    }

    @Test
    void enumsAreTheirWireValues() {
        assertThat(WireJson.write(List.of(TaskPriority.CRITICAL, CheckpointEventType.ALL)))
                .isEqualTo("[\"critical\",\"*\"]");
        assertThat(SessionOutcome.fromWire("timeout")).isEqualTo(SessionOutcome.TIMEOUT);
        assertThatThrownBy(() -> TaskOutcome.fromWire("done"))
                .hasMessage("'done' is not one of success, failed, cancelled, timeout");
    }

    @Test
    void decimalsInPayloadsAreKeptExactly() throws Exception {
        JsonNode payload = WireJson.readTree(
                "{\"x\":1.10,\"big\":12345678901234567890.123456789,\"z\":-0,\"zf\":-0.0,\"e\":1e400}");
        String written = WireJson.write(new SendEvent("t", payload));
        assertThat(written)
                .isEqualTo("{\"event_type\":\"t\",\"payload\":{\"x\":1.10,\"big\":12345678901234567890.123456789,"
                        + "\"z\":-0.0,\"zf\":-0.0,\"e\":1E+400}}");
        assertThat(WireJson.write(WireJson.read(WireJson.readTree(written), SendEvent.class)))
                .isEqualTo(written);
        assertThat(WireJson.write(WireJson.tree(new SendEvent("t", payload)))).isEqualTo(written);
    }
}
