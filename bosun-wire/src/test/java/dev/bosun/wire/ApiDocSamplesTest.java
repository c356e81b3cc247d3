package dev.bosun.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wire records against the samples in docs/API.md, read from the doc itself, so that a doc sample
 * the SDK could not read (a renamed field, a wrong enum value, a missing required field) fails here.
 * The doc elides values with "…"; those are filled with {@link #T}.
 */
class ApiDocSamplesTest {
    static final String T = "2026-01-01T00:00:00.123Z";
    static final Instant AT = Instant.parse(T);
    private static String doc;

    @BeforeAll
    static void readDoc() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/API.md");
            if (Files.isRegularFile(candidate)) {
                doc = Files.readString(candidate);
                return;
            }
        }
        throw new IllegalStateException(
                "docs/API.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The first fenced block of {@code lang} after {@code heading}. */
    private static String block(String heading, String lang) {
        int at = doc.indexOf(heading);
        assertThat(at).as("heading %s in docs/API.md", heading).isNotNegative();
        Matcher m =
                Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find(at)).as("```%s block after %s", lang, heading).isTrue();
        return m.group(1);
    }

    /** The sample after {@code heading}, its elisions filled, read as {@code type}. */
    private static <R> R sample(String heading, Class<R> type) throws IOException {
        return read(block(heading, "json"), type);
    }

    private static <R> R read(String sample, Class<R> type) throws IOException {
        JsonNode tree = WireJson.readTree(
                sample.replace("\"…\"", "\"" + T + "\"").replace("{…}", "{}").replace("[…]", "[]"));
        return WireJson.read(tree, type);
    }

    @Test
    void session() throws IOException {
        Session s = sample("**Session**", Session.class);
        assertThat(s.sessionId()).isEqualTo("sess_01J…");
        assertThat(s.agentId()).isEqualTo("oracle1");
        assertThat(s.tags()).containsExactly("h1");
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.outcome()).isNull();
        assertThat(s.startedAt()).isEqualTo(AT);
        assertThat(s.endedAt()).isNull();
        assertThat(s.idleTimeoutSeconds()).isEqualTo(1800);
        assertThat(s.durationSeconds()).isEqualTo(12.5);
        assertThat(s.lastSeq()).isEqualTo(7);
        assertThat(s.tasks().total()).isEqualTo(2);
        assertThat(s.tasks().running()).isEqualTo(1);
        assertThat(s.scoutRoom()).isEqualTo("fleet/research");
        assertThat(s.emitTiles()).as("null: the server's emit_tiles applies").isNull();
        assertThat(s.patterns()).isEmpty();
    }

    @Test
    void task() throws IOException {
        Task t = sample("**Task**", Task.class);
        assertThat(t.taskId()).isEqualTo("t1");
        assertThat(t.priority()).isEqualTo(TaskPriority.NORMAL);
        assertThat(t.requiredCapabilities()).containsExactly("research");
        assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(t.deadlineAt()).isEqualTo(AT);
        assertThat(t.durationMs()).isNull();
    }

    @Test
    void eventAsTheSseFrameCarriesIt() throws IOException {
        String frame = block("### Server-Sent Events", "");
        String data = frame.lines()
                .filter(l -> l.startsWith("data: "))
                .findFirst()
                .orElseThrow()
                .substring(6);
        Event e = read(data, Event.class);
        assertThat(e.seq()).isEqualTo(7);
        assertThat(e.direction()).isEqualTo(Direction.OUT);
        assertThat(e.eventType()).isEqualTo("echo");
        assertThat(e.createdAt()).isEqualTo(AT);
        assertThat(frame).startsWith("id: 7\n");
    }

    @Test
    void fleet() throws IOException {
        Agent a = sample("**Agent**", Agent.class);
        assertThat(a.capabilities()).containsExactly("compilation", "llvm");
        assertThat(a.load()).isEqualTo(1);
        RoutingDecision d = sample("**RoutingDecision**", RoutingDecision.class);
        assertThat(d.agentId()).isEqualTo("B");
        assertThat(d.emergenceRisk()).isEqualTo(0.3);
        assertThat(d.reasoning()).startsWith("Routed task k to B");
        FleetStatus f = sample("**FleetStatus**", FleetStatus.class);
        assertThat(f.edges()).isEqualTo(13);
        assertThat(f.vertices()).isEqualTo(8);
        assertThat(f.lamanSatisfied()).isTrue();
    }

    @Test
    void deliveries() throws IOException {
        Tile tile = sample("**Tile**", Tile.class);
        assertThat(tile.kind()).isEqualTo(TileKind.TASK_END);
        assertThat(tile.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(tile.lastStatus()).isEqualTo(200);
        assertThat(tile.tile().domain()).isEqualTo("bosun-sessions");
        assertThat(tile.tile().tags()).contains("scout", "coder");
        Webhook hook = sample("**Webhook**", Webhook.class);
        assertThat(hook.events())
                .containsExactly(CheckpointEventType.SESSION_ENDED, CheckpointEventType.TASK_COMPLETED);
        WebhookDelivery delivery = sample("**WebhookDelivery**", WebhookDelivery.class);
        assertThat(delivery.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(delivery.lastStatus()).isEqualTo(500);
        assertThat(delivery.deliveredAt()).isNull();
        assertThat(delivery.body().seq()).isEqualTo(4);
        assertThat(delivery.body().payload().get("outcome").asText()).isEqualTo("success");
    }
}
